package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.iam.IamAuthorizer;
import dev.podidentity.local.iam.PolicyEvaluator;
import dev.podidentity.local.iam.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The enforcement bites: a statement a workflow needs, taken out of its role, makes that workflow fail with the
 * service's AccessDenied for the call it granted (and the world keeps what the denied call would have changed).
 * {@link IamEnforcementTest} proves every statement is needed by some call; these show what that means for a run.
 */
@WorkflowTest
class IamStatementRemovalTest {
    static WorkflowWorld world; // set by @WorkflowTest

    @AfterEach
    void restore() {
        world.cloud().iamAuthorizer().orElseThrow().restore();
    }

    @ParameterizedTest(name = "without {0}/{1}, {2} fails on {3}")
    @CsvSource({
            "ResolveFunction, ReadConfigs, console-apply.json, s3:GetObject",
            "AssociationFunction, CreateOwnedRolesUnderPath, console-create.json, iam:CreateRole",
            "AssociationFunction, PassRolesToPodIdentityOnly, console-create.json, iam:PassRole",
            "AddonFunction, AddonPodIdentityAssociations, console-update-addon.json, eks:UpdateAddon",
            "InstallAgentFunction, CreateAgentAddon, console-onboard.json, eks:CreateAddon",
    })
    void aWorkflowNeedsTheStatement(String function, String sid, String input, String refusedAction) throws Exception {
        IamAuthorizer iam = world.cloud().iamAuthorizer().orElseThrow();
        List<Statement> matching = iam.policies().statements(function).stream().filter(s -> sid.equals(s.sid())).toList();
        assertEquals(1, matching.size(), () -> function + " has no single statement " + sid);
        iam.drop(matching.get(0).origin());

        LocalApp.Run run = world.run(event(input));

        assertFalse(run.succeeded(), () -> input + " succeeded without " + sid);
        assertTrue(iam.observed().stream().anyMatch(o -> o.function().equals(function)
                        && o.request().action().equals(refusedAction) && o.effect() != PolicyEvaluator.Effect.ALLOW),
                () -> "no refused " + refusedAction + " by " + function + "; cause: " + run.cause());
    }
}
