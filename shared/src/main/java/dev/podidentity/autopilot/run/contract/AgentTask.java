package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * InstallAgent's input: the cluster, the execution, and the plan's InstallAgent step as Resolve passed it on
 * ({@code $.run.agent}). The function never reads the plan (its role has no S3 grant): a run's task without
 * {@code step} is refused; a direct invocation with neither {@code step} nor {@code execution} installs with EKS's
 * defaults.
 */
public record AgentTask(String cluster, String execution, JsonNode step) {
}
