package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Report's result at {@code $.report} and the execution's output: {@code status} SUCCEEDED or FAILED, where the
 * report is, a summary; {@code cause} (one line) when FAILED, which becomes the execution's cause.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportResult(String status, String reportKey, ObjectNode summary, String cause) {
}
