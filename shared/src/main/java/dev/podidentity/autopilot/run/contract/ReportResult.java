package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The Report's result at {@code $.report} and the execution's output: {@code status} SUCCEEDED or FAILED, where the
 * report is, a summary; {@code cause} (one line) when FAILED, which becomes the execution's cause; where the
 * Markdown report is and how the run ended (the run-finished event's outcome). ReportPlan's result has the last two.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"status", "cause", "reportKey", "summary", "reportMarkdownKey", "outcome"})
public record ReportResult(String status, String reportKey, ReportSummary summary, String cause,
                           String reportMarkdownKey, String outcome) {
    /** What ReportPlan returns: where the plan's Markdown report is, and the outcome {@code PLANNED}. */
    public static ReportResult planned(String reportMarkdownKey, String outcome) {
        return new ReportResult(null, null, null, null, reportMarkdownKey, outcome);
    }

    /** This result linking the Markdown report and naming how the run ended. */
    public ReportResult announced(String markdownKey, String how) {
        return new ReportResult(status, reportKey, summary, cause, markdownKey, how);
    }
}
