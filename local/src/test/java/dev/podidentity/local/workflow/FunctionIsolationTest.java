package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.local.iam.IamAuthorizer;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each function runs on services of its own, as each Lambda function has a container of its own: what one function
 * holds in memory is never another's. A plan Resolve has just written is read from S3 by every function that needs
 * it, under that function's own role. (When the local functions shared one set of services, a batch found the plan
 * in Resolve's cache, and InstallAgent's read of it, which its role does not allow, never met the IAM check.)
 */
@WorkflowTest
class FunctionIsolationTest {
    static WorkflowWorld world; // set by @WorkflowTest

    @Test
    void theFunctionsThatNeedThePlan_readItFromS3UnderTheirOwnRoles_andInstallAgentNeverReadsIt() throws Exception {
        IamAuthorizer authorizer = world.cloud().iamAuthorizer().orElseThrow();
        authorizer.clearObserved();

        assertSucceeded(world.run(event("config-uploaded.json")));

        Set<String> functionsCalled = authorizer.observed().stream().map(IamAuthorizer.Observed::function)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> planReaders = authorizer.observed().stream()
                .filter(o -> o.request().action().equals("s3:GetObject")
                        && o.request().resource().endsWith("/plan.json"))
                .map(IamAuthorizer.Observed::function).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(functionsCalled.contains("InstallAgentFunction"), "the run installs the agent: " + functionsCalled);
        assertTrue(planReaders.contains("AssociationFunction"), "Association read the plan itself: " + planReaders);
        assertFalse(planReaders.contains("InstallAgentFunction"), "InstallAgent gets its step in its input");
        assertFalse(planReaders.contains("ResolveFunction"), "Resolve wrote the plan: " + planReaders);
    }
}
