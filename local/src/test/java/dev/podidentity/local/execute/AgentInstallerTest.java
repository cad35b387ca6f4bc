package dev.podidentity.local.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.aws.AwsAdapters;
import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.execute.AddonStatus;
import dev.podidentity.autopilot.execute.AgentInstaller;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.eks.EksEmulator;
import dev.podidentity.local.gateway.FaultRule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** AgentInstaller: skip on Auto Mode, install and wait on dev-cluster, report failed / degraded agents with their issues. */
class AgentInstallerTest {
    private static final String CLUSTER = "dev-cluster";
    private static final Step.InstallAgent STEP = new Step.InstallAgent(CLUSTER);
    private static final List<EksEmulator.AddonIssue> ISSUES = List.of(new EksEmulator.AddonIssue(
            "InsufficientNumberOfReplicas", "The add-on is unhealthy because it doesn't have the desired number of replicas.",
            List.of("kube-system/eks-pod-identity-agent")));
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static AwsClients clients;
    private static AgentInstaller agent;

    @BeforeAll
    static void clients() {
        agent = LocalAws.executors(clients).agent();
    }

    @BeforeEach
    void noAgent() {
        if (clients.eks().listAddons(r -> r.clusterName(CLUSTER)).addons().contains(AgentInstaller.AGENT)) {
            clients.eks().deleteAddon(r -> r.clusterName(CLUSTER).addonName(AgentInstaller.AGENT));
        }
        cloud.eksEmulator().setAddonTransition(Duration.ofMillis(200));
        cloud.faults().clear();
    }

    @Test
    @DisplayName("No agent: CreateAddon, polls through CREATING until it turns ACTIVE (after 300 ms) → CREATED; rerun UNCHANGED without a write")
    void install_whenMissing_createsAndWaitsThenRerunIsUnchanged() {
        cloud.eksEmulator().setAddonTransition(Duration.ofMillis(300));
        long before = System.nanoTime();

        Outcome outcome = agent.install(CLUSTER, STEP);

        assertTrue(System.nanoTime() - before >= Duration.ofMillis(300).toNanos(), "returned before the add-on settled");
        assertEquals(Outcome.Result.CREATED, outcome.result());
        assertTrue(outcome.reason().contains("ACTIVE"), outcome.reason());
        assertTrue(outcome.resource().startsWith("arn:aws:eks:us-west-2:111122223333:addon/dev-cluster/eks-pod-identity-agent/"));
        assertEquals(1, cloud.calls().count("eks", "CreateAddon"));
        assertTrue(cloud.calls().count("eks", "DescribeAddon") >= 3, cloud.calls().snapshot().toString());
        cloud.calls().reset();

        assertEquals(Outcome.Result.UNCHANGED, agent.install(CLUSTER, STEP).result());
        assertEquals(0, cloud.calls().writes("eks"));
    }

    @Test
    @DisplayName("Auto Mode (computeConfig.enabled): SKIPPED, the agent is built in; no addon written (the add-on read "
            + "beside DescribeCluster is the only add-on call)")
    void install_whenAutoMode_skips() {
        Outcome outcome = agent.install("auto-cluster", new Step.InstallAgent("auto-cluster"));
        assertEquals(Outcome.Result.SKIPPED, outcome.result());
        assertEquals(0, cloud.calls().writes("eks"), cloud.calls().snapshot().toString());
        assertTrue(cloud.calls().count("eks", "DescribeAddon") <= 1, cloud.calls().snapshot().toString());
    }

    @Test
    @DisplayName("CREATE_FAILED: ConflictException carrying the addon's health issues")
    void install_whenCreateFails_throwsConflictWithHealthIssues() {
        cloud.eksEmulator().setAddonOutcome(cloud.region(), CLUSTER, AgentInstaller.AGENT, "CREATE_FAILED", ISSUES);
        ConflictException e = assertThrows(ConflictException.class, () -> agent.install(CLUSTER, STEP));
        assertTrue(e.getMessage().contains("CREATE_FAILED") && e.getMessage().contains("InsufficientNumberOfReplicas"),
                e.getMessage());
    }

    @Test
    @DisplayName("DEGRADED: RetryableException with the health issues (the state machine checks again later)")
    void install_whenDegraded_throwsRetryableWithHealthIssues() {
        cloud.eksEmulator().setAddonOutcome(cloud.region(), CLUSTER, AgentInstaller.AGENT, "DEGRADED", ISSUES);
        RetryableException e = assertThrows(RetryableException.class, () -> agent.install(CLUSTER, STEP));
        assertTrue(e.getMessage().contains("DEGRADED: InsufficientNumberOfReplicas"), e.getMessage());
    }

    @Test
    @DisplayName("Still CREATING when the bounded wait ends: RetryableException; check() then reports the status")
    void install_whenWaitBoundReached_throwsRetryableAndCheckReportsStatus() {
        cloud.eksEmulator().setAddonTransition(Duration.ofHours(1));
        AgentInstaller impatient = AwsAdapters.executors(clients, LocalAws.fast()
                .withAddonWait(Duration.ofMillis(50), Duration.ofMillis(10))).agent();

        RetryableException e = assertThrows(RetryableException.class, () -> impatient.install(CLUSTER, STEP));

        assertTrue(e.getMessage().contains("CREATING"), e.getMessage());
        AddonStatus status = agent.check(CLUSTER, AgentInstaller.AGENT);
        assertEquals("CREATING", status.status());
        assertTrue(status.inProgress());
        cloud.eksEmulator().forceAddonStatus(cloud.region(), CLUSTER, AgentInstaller.AGENT, "DEGRADED", ISSUES);
        AddonStatus degraded = agent.check(CLUSTER, AgentInstaller.AGENT);
        assertTrue(degraded.degraded());
        assertEquals(List.of("InsufficientNumberOfReplicas: The add-on is unhealthy because it doesn't have the desired "
                + "number of replicas. [kube-system/eks-pod-identity-agent]"), degraded.issues());
    }

    @Test
    @DisplayName("check() on a missing addon or cluster: NotFoundException; install on a missing cluster too")
    void check_whenMissing_throwsNotFound() {
        assertThrows(NotFoundException.class, () -> agent.check(CLUSTER, AgentInstaller.AGENT));
        assertThrows(NotFoundException.class, () -> agent.install("no-such-cluster", new Step.InstallAgent("no-such-cluster")));
    }

    @Test
    @DisplayName("EKS throttles CreateAddon and DescribeAddon: retried, installed")
    void install_whenEksThrottles_retriesAndInstalls() {
        cloud.faults().add(FaultRule.throttleFirst("eks", "CreateAddon", 2));
        cloud.faults().add(FaultRule.throttleFirst("eks", "DescribeAddon", 2));
        assertEquals(Outcome.Result.CREATED, agent.install(CLUSTER, STEP).result());
        assertEquals(3, cloud.calls().count("eks", "CreateAddon"));
    }
}
