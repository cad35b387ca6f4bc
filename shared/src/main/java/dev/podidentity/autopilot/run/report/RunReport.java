package dev.podidentity.autopilot.run.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.run.contract.ExecutionInfo;
import dev.podidentity.autopilot.run.contract.ReportSummary;
import dev.podidentity.autopilot.run.contract.RunError;
import dev.podidentity.autopilot.run.contract.StepOutcome;

import java.util.List;

/**
 * The report object, {@code reports/<cluster>/<execution>.json}: the Report's result with the whole summary (every
 * failure), the execution and its input, the whole plan text, where the plan is, every step's outcome with its
 * phase, and {@code error} when something stopped the run. What people, tools and the sweep read; the state gets
 * the small {@code ReportResult}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RunReport(String status, String cause, String reportKey, ReportSummary summary, ExecutionInfo execution,
                 JsonNode input, String planText, String planKey, List<StepOutcome> outcomes, RunError error) {
}
