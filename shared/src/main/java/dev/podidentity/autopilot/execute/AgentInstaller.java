package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.concurrent.BackgroundRead;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;
import java.util.Objects;
import java.util.Optional;

/**
 * Installs the eks-pod-identity-agent addon: skipped on Auto Mode clusters (the agent is built in) and when it is
 * already installed (DescribeCluster and DescribeAddon are read at once); otherwise CreateAddon, then a bounded wait
 * for ACTIVE. With no wait configured (the state machine's InstallAgent: AgentStatus polls for ACTIVE beside the
 * phases) the install is on the run's critical path and carries out the plan as it stands: Resolve planned it from
 * its own DescribeCluster (ACTIVE, not Auto Mode) and the agent's absence, and the lock makes a run plan again when
 * another run changed the cluster since. So CreateAddon goes first, with no reads before it, and its own answer is
 * the outcome; an agent someone installed meanwhile (CreateAddon's ResourceInUseException) is read and judged as an
 * installed one. A failed or degraded agent is reported with its health issues (ConflictException for *_FAILED,
 * RetryableException for DEGRADED or still CREATING).
 */
public final class AgentInstaller {
    public static final String AGENT = Step.InstallAgent.ADDON;

    private final EksApi eks;
    private final ExecutorSettings settings;
    private final AddonWatch watch;

    public AgentInstaller(EksApi eks, ExecutorSettings settings) {
        this.eks = Objects.requireNonNull(eks, "eks");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.watch = new AddonWatch(eks, settings);
    }

    public Outcome install(String cluster, Step.InstallAgent step) {
        if (settings.addonWait().isZero()) {
            return installAsPlanned(cluster, step);
        }
        // DescribeAddon needs nothing of DescribeCluster's answer: read beside it, used only if the cluster is found
        // and not Auto Mode (a missing cluster is DescribeCluster's NotFoundException; the add-on read is discarded)
        try (BackgroundRead<Optional<EksApi.Addon>> agentRead =
                     BackgroundRead.start("agent-addon", () -> eks.describeAddon(cluster, AGENT))) {
            EksApi.Cluster c = eks.describeCluster(cluster).orElseThrow(() -> new NotFoundException(
                    "cluster \"" + cluster + "\" not found"));
            if (c.autoMode()) {
                return Outcome.of(step.id(), Outcome.Result.SKIPPED,
                        "Auto Mode cluster: the pod identity agent is built in", c.arn());
            }
            return install(cluster, step, agentRead.await("interrupted while reading the pod identity agent add-on"));
        }
    }

    private Outcome install(String cluster, Step.InstallAgent step, Optional<EksApi.Addon> present) {
        if (present.isPresent()) {
            AddonStatus status = new AddonStatus(AGENT, present.get().arn(), present.get().status(),
                    present.get().issues().stream().map(EksApi.HealthIssue::toString).toList());
            status = status.inProgress() ? watch.awaitSettled(cluster, AGENT) : AddonWatch.requireHealthy(status);
            return Outcome.of(step.id(), Outcome.Result.UNCHANGED, AGENT + " already installed (" + status.status()
                    + ")", present.get().arn());
        }
        return settled(cluster, step, eks.createAddon(cluster, request(step)));
    }

    /** The state machine's install: one EKS round trip when the plan holds (see the class comment). */
    private Outcome installAsPlanned(String cluster, Step.InstallAgent step) {
        Optional<EksApi.Addon> answer = eks.createAddonAnswering(cluster, request(step));
        if (answer.isPresent()) {
            return Outcome.of(step.id(), Outcome.Result.CREATED, AGENT + " installed (" + answer.get().status()
                    + ")", answer.get().arn());
        }
        return settled(cluster, step, false);
    }

    /** After CreateAddon ({@code created}: false when the agent was there already): the agent as it settles. */
    private Outcome settled(String cluster, Step.InstallAgent step, boolean created) {
        AddonStatus status = watch.awaitSettled(cluster, AGENT);
        return Outcome.of(step.id(), created ? Outcome.Result.CREATED : Outcome.Result.UNCHANGED,
                AGENT + (created ? " installed" : " installed meanwhile") + " (" + status.status() + ")", status.arn());
    }

    private static EksApi.AddonRequest request(Step.InstallAgent step) {
        return new EksApi.AddonRequest(AGENT, emptyOrLatestToNull(step.version()), null, step.configurationValues(),
                step.resolveConflicts(), step.tags(), null);
    }

    private static String emptyOrLatestToNull(String version) {
        return version == null || version.isEmpty() || "latest".equals(version) ? null : version;
    }

    /** One DescribeAddon: the addon's status and health issues, for the state machine's wait loop. */
    public AddonStatus check(String cluster, String addon) {
        return watch.check(cluster, addon);
    }
}
