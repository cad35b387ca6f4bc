package dev.podidentity.autopilot.run.status;

import dev.podidentity.autopilot.run.RunSettings;
import dev.podidentity.autopilot.run.contract.StatusResult;
import dev.podidentity.autopilot.run.contract.StatusTask;

import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.execute.AddonStatus;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.port.EksApi;

import java.util.Optional;

/**
 * One status check for the state machine's wait loops ({@code {kind, cluster, addon, attempt}}); the loop itself
 * (Wait, Choice) is in the ASL, so a Lambda never sleeps while a cluster is being created.
 */
public final class StatusChecker {
    private final EksApi eks;
    private final StepExecutors executors;
    private final RunSettings settings;

    public StatusChecker(EksApi eks, StepExecutors executors, RunSettings settings) {
        this.eks = eks;
        this.executors = executors;
        this.settings = settings;
    }

    public StatusResult check(StatusTask input) {
        String kind = input.kind() == null ? "" : input.kind();
        String cluster = input.cluster();
        int attempt = (input.attempt() == null ? 0 : input.attempt()) + 1;
        if (cluster == null) {
            throw new InvalidInputException("cluster-status needs cluster");
        }
        return switch (kind) {
            case "cluster" -> "offboard".equals(input.action()) ? gone(cluster, attempt) : cluster(cluster, attempt);
            case "addon" -> addon(cluster, input.addon() == null ? "eks-pod-identity-agent" : input.addon(), attempt);
            default -> throw new InvalidInputException("cluster-status kind must be cluster or addon, not \""
                    + kind + "\"");
        };
    }

    private StatusResult cluster(String cluster, int attempt) {
        Optional<EksApi.Cluster> c = eks.describeCluster(cluster);
        String status = c.map(EksApi.Cluster::status).orElse("NOT_FOUND");
        boolean done = "ACTIVE".equals(status);
        boolean failed = c.isEmpty() || "FAILED".equals(status) || "DELETING".equals(status);
        return result(status, done, failed, attempt, settings.clusterWaitChecks(), null);
    }

    /** Offboarding waits for a DELETING cluster to be gone; any other status ends the wait as failed. */
    private StatusResult gone(String cluster, int attempt) {
        String status = eks.describeCluster(cluster).map(EksApi.Cluster::status).orElse("NOT_FOUND");
        boolean done = "NOT_FOUND".equals(status);
        boolean failed = !done && !"DELETING".equals(status);
        return result(status, done, failed, attempt, settings.clusterWaitChecks(), failed
                ? "offboarding waits for the cluster to be gone; it is " + status + ", so nothing is deleted" : null);
    }

    private StatusResult addon(String cluster, String addon, int attempt) {
        AddonStatus status;
        try {
            status = executors.agent().check(cluster, addon);
        } catch (NotFoundException missing) {
            return result("NOT_FOUND", false, true, attempt, settings.addonWaitChecks(), missing.getMessage());
        }
        boolean failed = status.failed() || status.degraded();
        return result(status.status(), status.active(), failed, attempt, settings.addonWaitChecks(),
                status.issues().isEmpty() ? null : String.join("; ", status.issues()));
    }

    private static StatusResult result(String status, boolean done, boolean failed, int attempt, int maxChecks,
                                       String detail) {
        return new StatusResult(status, done, failed, attempt, !done && attempt >= maxChecks, detail);
    }
}
