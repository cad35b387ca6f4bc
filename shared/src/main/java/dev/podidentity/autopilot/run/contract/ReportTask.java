package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.databind.JsonNode;

/** The Report's input, also when Resolve failed ({@code run} null) or the run stopped ({@code error} set). */
public record ReportTask(JsonNode input, ExecutionInfo execution, ResolveOutput run, Outcomes outcomes,
                         RunError error) {
}
