package dev.podidentity.autopilot.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.TimedCloud;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The agent install's two reads (the cluster, the agent add-on) run at once; what it decides is unchanged. The state
 * machine's install (no wait) reads nothing before its CreateAddon.
 */
class AgentInstallerReadsTest {
    private static final String ARN = "arn:aws:eks:eu-west-1:111122223333:cluster/dev";
    private static final String AGENT_ARN = "arn:aws:eks:eu-west-1:111122223333:addon/dev/eks-pod-identity-agent/x";
    private static final Step.InstallAgent STEP = new Step.InstallAgent("dev", null, null, null, Map.of());

    private static EksApi.Cluster cluster(boolean autoMode) {
        return new EksApi.Cluster("dev", ARN, "ACTIVE", "1.31", autoMode, null);
    }

    @Test
    void notInstalled_describeAddonStartsBesideDescribeCluster_thenCreatesAndWaits() {
        AtomicInteger described = new AtomicInteger();
        TimedCloud cloud = new TimedCloud(40)
                .answer("eks:describeCluster", a -> Optional.of(cluster(false)))
                .answer("eks:describeAddon", a -> described.getAndIncrement() == 0 ? Optional.empty()
                        : Optional.of(new EksApi.Addon(AgentInstaller.AGENT, AGENT_ARN, "v1.3.5", "ACTIVE", null,
                        null, List.of(), List.of(), null)))
                .answer("eks:createAddon", a -> true)
                .answersAfter("eks:describeCluster", "eks:describeAddon");

        Outcome outcome = new AgentInstaller(cloud.eks(), ExecutorSettings.defaults().withAddonWait(
                java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(10))).install("dev", STEP);

        assertEquals(Outcome.Result.CREATED, outcome.result(), outcome.toString());
        TimedCloud.Call describeCluster = cloud.only("eks:describeCluster");
        assertTrue(cloud.calls("eks:describeAddon").getFirst().start() < describeCluster.end(),
                "the add-on read started before DescribeCluster answered: " + cloud.methods());
        assertTrue(cloud.only("eks:createAddon").start() > describeCluster.end());
        assertEquals(0, cloud.running.get());
    }

    @Test
    void theStateMachinesInstall_isOneCreateAddon_whoseAnswerIsTheOutcome() {
        // Resolve planned the install from its own reads, and the lock replans a run whose cluster changed since:
        // no read goes before the write on the run's critical path
        // (EksApi's default createAddonAnswering describes after creating; AWS's adapter takes CreateAddon's answer)
        TimedCloud cloud = new TimedCloud(40)
                .answer("eks:createAddon", a -> true)
                .answer("eks:describeAddon", a -> Optional.of(new EksApi.Addon(AgentInstaller.AGENT, AGENT_ARN,
                        "v1.3.5", "CREATING", null, null, List.of(), List.of(), null)));

        Outcome outcome = new AgentInstaller(cloud.eks(), ExecutorSettings.defaults().withAddonWait(
                java.time.Duration.ZERO, java.time.Duration.ofSeconds(1))).install("dev", STEP);

        assertEquals(Outcome.Result.CREATED, outcome.result(), outcome.toString());
        assertEquals("eks-pod-identity-agent installed (CREATING)", outcome.reason());
        assertEquals(List.of("eks:createAddon", "eks:describeAddon"), cloud.methods(), "no read before the write");
    }

    @Test
    void theStateMachinesInstall_ofAnAgentInstalledMeanwhile_readsItAndIsUnchanged() {
        TimedCloud cloud = new TimedCloud(10)
                .answer("eks:createAddon", a -> false) // ResourceInUseException
                .answer("eks:describeAddon", a -> Optional.of(new EksApi.Addon(AgentInstaller.AGENT, AGENT_ARN,
                        "v1.3.5", "ACTIVE", null, null, List.of(), List.of(), null)));

        Outcome outcome = new AgentInstaller(cloud.eks(), ExecutorSettings.defaults().withAddonWait(
                java.time.Duration.ZERO, java.time.Duration.ofSeconds(1))).install("dev", STEP);

        assertEquals(Outcome.Result.UNCHANGED, outcome.result(), outcome.toString());
        assertEquals(AGENT_ARN, outcome.resource());
        assertEquals(List.of("eks:createAddon", "eks:describeAddon"), cloud.methods());
    }

    @Test
    void missingCluster_isDescribeClustersNotFound_theAddonReadDiscarded_nothingCreated() {
        TimedCloud cloud = new TimedCloud(40)
                .answer("eks:describeCluster", a -> Optional.empty())
                .answer("eks:describeAddon", a -> {
                    throw new NotFoundException("No cluster found for name: dev.");
                });

        NotFoundException e = assertThrows(NotFoundException.class,
                () -> new AgentInstaller(cloud.eks(), ExecutorSettings.defaults()).install("dev", STEP));

        assertEquals("cluster \"dev\" not found", e.getMessage());
        assertFalse(cloud.methods().contains("eks:createAddon"));
        assertEquals(0, cloud.running.get(), "no read left running");
    }

    @Test
    void autoModeCluster_isSkipped_whateverTheAddonReadSays() {
        TimedCloud cloud = new TimedCloud(40)
                .answer("eks:describeCluster", a -> Optional.of(cluster(true)))
                .answer("eks:describeAddon", a -> Optional.empty());

        Outcome outcome = new AgentInstaller(cloud.eks(), ExecutorSettings.defaults()).install("dev", STEP);

        assertEquals(Outcome.Result.SKIPPED, outcome.result());
        assertFalse(cloud.methods().contains("eks:createAddon"));
        assertEquals(0, cloud.running.get());
    }
}
