package dev.podidentity.autopilot.run.contract;

/** The execution as the Report gets it from the context object: {@code $$.Execution.Name, Id, StartTime}. */
public record ExecutionInfo(String name, String id, String startTime) {
}
