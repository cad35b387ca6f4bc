package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * InstallAgent's input: the cluster, the execution, and the plan's InstallAgent step as Resolve passed it on
 * ({@code $.run.agent}). {@code step} is null only for an execution started by a state machine from before it was
 * passed on; the function then reads the step from the stored plan.
 */
public record AgentTask(String cluster, String execution, JsonNode step) {
    public AgentTask(String cluster, String execution) {
        this(cluster, execution, null);
    }
}
