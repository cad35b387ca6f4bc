package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Resolve's result at {@code $.run}; every field is required (the Choice states read the booleans). {@code summary}
 * is the plan's summary ({@link PlanSummary}), which the Report copies into its own. {@code plannedAt} (ISO-8601) is
 * when Resolve began reading the world for this plan: the lock compares it with its last change of hands.
 * {@code agent} is the plan's InstallAgent step (as the plan stores it) when {@code installAgent}, else null: the
 * InstallAgent task gets it as its input, so that function calls EKS alone and never reads the plan.
 */
@JsonPropertyOrder({"action", "cluster", "planOnly", "waitForCluster", "installAgent", "waitForAgent", "superseded",
        "planKey", "plannedAt", "trust", "associate", "addons", "prune", "batchSize", "planText", "summary", "agent"})
public record ResolveOutput(String action, String cluster, boolean planOnly, boolean waitForCluster,
                            boolean installAgent, boolean waitForAgent, boolean superseded, String planKey,
                            String plannedAt, List<BatchDescriptor> trust, List<BatchDescriptor> associate,
                            List<BatchDescriptor> addons, List<BatchDescriptor> prune, int batchSize,
                            String planText, PlanSummary summary, JsonNode agent) {
    /** The batches of one phase, by its label. */
    public List<BatchDescriptor> batches(String phase) {
        return RunPhases.pick(phase, trust, associate, addons, prune);
    }
}
