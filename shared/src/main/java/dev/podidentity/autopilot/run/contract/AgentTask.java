package dev.podidentity.autopilot.run.contract;

/** InstallAgent's input. */
public record AgentTask(String cluster, String execution) {
}
