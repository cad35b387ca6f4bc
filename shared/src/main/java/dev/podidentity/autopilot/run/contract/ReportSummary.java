package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * The Report's summary, {@code $.report.summary}: the run's counts per result, its failures, and the plan's summary
 * ({@code plan}, without the restart fields, which are lifted beside it for the operator). In the state
 * {@code failed} lists at most 20 failures ({@code failedNotListed} and {@code failedNote} count the rest); the
 * report object's summary lists them all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"action", "cluster", "counts", "failed", "plan", "restartWorkloads", "restartNote",
        "failedNotListed", "failedNote"})
public record ReportSummary(String action, String cluster, Map<String, Integer> counts, List<FailedStep> failed,
                            PlanSummary plan, Map<String, List<String>> restartWorkloads, String restartNote,
                            Integer failedNotListed, String failedNote) {
    /** A failed step: its id, the error's name and the cause read down to its message. */
    public record FailedStep(String stepId, String error, String message) {
    }

    /** The first {@code listed} failures, and a count and note for the rest; this summary when there are fewer. */
    public ReportSummary listingAtMost(int listed) {
        if (failed.size() <= listed) {
            return this;
        }
        int rest = failed.size() - listed;
        return new ReportSummary(action, cluster, counts, failed.subList(0, listed), plan, restartWorkloads,
                restartNote, rest, "and " + rest + " more failed steps: see the report");
    }
}
