package dev.podidentity.autopilot.workflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResolverLimitsTest {
    @Test
    void fitsStepFunctions_whenRunIsSmall_passesItThrough() {
        ObjectNode run = JsonNodeFactory.instance.objectNode().put("cluster", "c");
        assertSame(run, Resolver.fitsStepFunctions(run));
    }

    @Test
    void fitsStepFunctions_whenRunWouldBreakTheStateLimit_refusesBeforeAnythingRuns() {
        ObjectNode run = JsonNodeFactory.instance.objectNode().put("cluster", "big");
        run.put("planText", "x".repeat(Resolver.MAX_RUN_BYTES));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Resolver.fitsStepFunctions(run));
        assertTrue(e.getMessage().contains("the plan for cluster \"big\" is 163,"), e.getMessage());
        assertTrue(e.getMessage().contains("Step Functions' 256 KB state limit"), e.getMessage());
    }
}
