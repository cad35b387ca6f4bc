package dev.podidentity.autopilot.run.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.plan.Step;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Offboarding deletes only for a cluster EKS no longer has; a DELETING one is waited out; anything else refuses. */
class OffboardCheckTest {

    @Test
    void aClusterEksDoesNotHave_isOffboardedAtOnce() {
        assertEquals(List.of(), OffboardCheck.waitUntilGone("gone", Optional.empty()));
    }

    @Test
    void aDeletingCluster_isWaitedFor() {
        List<Step> steps = OffboardCheck.waitUntilGone("going", Optional.of("DELETING"));
        assertEquals(1, steps.size());
        assertInstanceOf(Step.WaitForCluster.class, steps.get(0));
    }

    @Test
    void anyOtherStatus_refusesNamingIt() {
        for (String status : List.of("ACTIVE", "CREATING", "UPDATING", "FAILED", "PENDING")) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> OffboardCheck.waitUntilGone("dev-cluster", Optional.of(status)));
            assertTrue(e.getMessage().contains("is " + status) && e.getMessage().contains("nothing was changed"),
                    e.getMessage());
        }
    }
}
