package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Report's input, also when Resolve failed ({@code run} null) or the run stopped ({@code error} set). The
 * ReportPlan state of a plan-only run gives {@code stage} "plan" with input, execution and run only: the Markdown
 * report of the plan and the Run Planned event.
 */
public record ReportTask(String stage, JsonNode input, ExecutionInfo execution, ResolveOutput run, Outcomes outcomes,
                         RunError error) {
}
