package dev.podidentity.autopilot.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    public ObjectNode check(JsonNode input) {
        String kind = input.path("kind").asText("");
        String cluster = input.path("cluster").asText(null);
        int attempt = input.path("attempt").asInt(0) + 1;
        if (cluster == null) {
            throw new InvalidInputException("cluster-status needs cluster");
        }
        return switch (kind) {
            case "cluster" -> "offboard".equals(input.path("action").asText()) ? gone(cluster, attempt)
                    : cluster(cluster, attempt);
            case "addon" -> addon(cluster, input.path("addon").asText("eks-pod-identity-agent"), attempt);
            default -> throw new InvalidInputException("cluster-status kind must be cluster or addon, not \""
                    + kind + "\"");
        };
    }

    private ObjectNode cluster(String cluster, int attempt) {
        Optional<EksApi.Cluster> c = eks.describeCluster(cluster);
        String status = c.map(EksApi.Cluster::status).orElse("NOT_FOUND");
        boolean done = "ACTIVE".equals(status);
        boolean failed = c.isEmpty() || "FAILED".equals(status) || "DELETING".equals(status);
        return result(status, done, failed, attempt, settings.clusterWaitChecks(), null);
    }

    /** Offboarding waits for a DELETING cluster to be gone; any other status ends the wait as failed. */
    private ObjectNode gone(String cluster, int attempt) {
        String status = eks.describeCluster(cluster).map(EksApi.Cluster::status).orElse("NOT_FOUND");
        boolean done = "NOT_FOUND".equals(status);
        boolean failed = !done && !"DELETING".equals(status);
        return result(status, done, failed, attempt, settings.clusterWaitChecks(), failed
                ? "offboarding waits for the cluster to be gone; it is " + status + ", so nothing is deleted" : null);
    }

    private ObjectNode addon(String cluster, String addon, int attempt) {
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

    private static ObjectNode result(String status, boolean done, boolean failed, int attempt, int maxChecks,
                                     String detail) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", status);
        out.put("done", done);
        out.put("failed", failed);
        out.put("attempt", attempt);
        out.put("giveUp", !done && attempt >= maxChecks);
        if (detail != null) {
            out.put("detail", detail);
        }
        return out;
    }
}
