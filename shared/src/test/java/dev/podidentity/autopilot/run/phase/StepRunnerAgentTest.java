package dev.podidentity.autopilot.run.phase;

import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.execute.AgentInstaller;
import dev.podidentity.autopilot.execute.ExecutorSettings;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.plan.PlanJson;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.KubernetesPort;
import dev.podidentity.autopilot.port.MemoryConfigStore;
import dev.podidentity.autopilot.port.TimedCloud;
import dev.podidentity.autopilot.run.RunArtifacts;
import dev.podidentity.autopilot.run.contract.AgentTask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The InstallAgent task runs the plan's agent step that Resolve passed on in its input and never reads the plan: the
 * function's role has no S3 grant.
 */
class StepRunnerAgentTest {
    private static final String CLUSTER = "dev-cluster";
    private static final String EXECUTION = "apply-1";
    private static final String AGENT_ARN = "arn:aws:eks:eu-west-1:111122223333:addon/dev-cluster/eks-pod-identity-agent/x";

    private final MemoryConfigStore store = new MemoryConfigStore();
    private final AtomicInteger created = new AtomicInteger();
    private final TimedCloud cloud = new TimedCloud(0)
            .answer("eks:describeCluster", a -> Optional.of(new EksApi.Cluster(CLUSTER,
                    "arn:aws:eks:eu-west-1:111122223333:cluster/dev-cluster", "ACTIVE", "1.31", false, null)))
            .answer("eks:createAddon", a -> created.incrementAndGet() > 0)
            // not installed until CreateAddon; then ACTIVE
            .answer("eks:describeAddon", a -> created.get() == 0 ? Optional.empty()
                    : Optional.of(new EksApi.Addon(AgentInstaller.AGENT, AGENT_ARN, "v1.3.5-eksbuild.1", "ACTIVE",
                    null, null, List.of(), List.of(), null)));
    private final StepRunner runner = new StepRunner(new StepExecutors(cloud.iam(), cloud.eks(),
            KubernetesPort.notImplemented(), ExecutorSettings.defaults().withAddonWait(Duration.ofSeconds(5),
            Duration.ofMillis(10))), new RunArtifacts(store), 1);

    @Test
    void theStepResolvePassedOn_isTheOneInstalled_andThePlanIsNotRead() {
        storePlanWithAgent("v1.3.4-eksbuild.1");

        Outcome outcome = runner.installAgent(new AgentTask(CLUSTER, EXECUTION, step(CLUSTER, "v1.3.5-eksbuild.1")));

        assertEquals(Outcome.Result.CREATED, outcome.result(), outcome.toString());
        assertEquals("v1.3.5-eksbuild.1", createdVersion());
        assertEquals(List.of(), store.reads, "InstallAgent read " + store.reads);
    }

    @Test
    void aRunsTaskWithoutTheStep_isRefused_withoutReadingThePlan_whichItsRoleCannot() {
        // InstallAgent's role has no S3 grant (template.yaml): in AWS a plan read would be AccessDenied, so a task
        // from a state machine that does not pass the step on fails at once and says why
        storePlanWithAgent("v1.3.4-eksbuild.1");
        store.reads.clear();

        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> runner.installAgent(new AgentTask(CLUSTER, EXECUTION, null)));

        assertTrue(refused.getMessage().contains("has no step") && refused.getMessage().contains("$.run.agent"),
                refused.getMessage());
        assertEquals(List.of(), store.reads);
        assertEquals(List.of(), cloud.methods());
    }

    @Test
    void aDirectInvocationWithNeitherStepNorExecution_installsWithEksDefaults() {
        Outcome outcome = runner.installAgent(new AgentTask(CLUSTER, null, null));

        assertEquals(Outcome.Result.CREATED, outcome.result(), outcome.toString());
        assertEquals(null, createdVersion(), "no version: EKS's default");
        assertEquals(List.of(), store.reads);
    }

    @Test
    void aStepOfAnotherClusterOrKind_isRefused_beforeAnyCall() {
        InvalidInputException otherCluster = assertThrows(InvalidInputException.class, () -> runner.installAgent(
                new AgentTask(CLUSTER, EXECUTION, step("prod-cluster", "v1.3.5-eksbuild.1"))));
        assertTrue(otherCluster.getMessage().contains("InstallAgent step of cluster \"dev-cluster\""),
                otherCluster.getMessage());

        JsonNode trust = PlanJson.mapper().valueToTree(new Step.UpdateTrustPolicy(
                "arn:aws:iam::111122223333:role/app", "app", null, true, null, List.of()));
        assertThrows(InvalidInputException.class, () -> runner.installAgent(new AgentTask(CLUSTER, EXECUTION, trust)));

        ObjectNode notAStep = JsonNodeFactory.instance.objectNode().put("type", "DropTables");
        InvalidInputException bad = assertThrows(InvalidInputException.class,
                () -> runner.installAgent(new AgentTask(CLUSTER, EXECUTION, notAStep)));
        assertTrue(bad.getMessage().startsWith("install-agent's step is not a plan step"), bad.getMessage());
        assertEquals(List.of(), cloud.methods(), "no call before the input was checked");
    }

    private static JsonNode step(String cluster, String version) {
        return PlanJson.mapper().valueToTree(new Step.InstallAgent(cluster, version, null, null, Map.of()));
    }

    private void storePlanWithAgent(String version) {
        ObjectNode plan = JsonNodeFactory.instance.objectNode();
        plan.putObject("phases").putArray("agent").add(step(CLUSTER, version));
        new RunArtifacts(store).writePlan(RunArtifacts.planKey(CLUSTER, EXECUTION), plan);
    }

    private String createdVersion() {
        return ((EksApi.AddonRequest) cloud.only("eks:createAddon").args().get(1)).version();
    }
}
