package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One step's outcome as the batches store it in their outcomes objects and InstallAgent returns it
 * ({@code $.outcomes.agent}): {@code stepId, result, reason, resource}, or for a step that failed for good
 * {@code result} FAILED with {@code error} (the exception class) and {@code cause} (Lambda's error document as a
 * string). The report lists every outcome with its {@code phase}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepOutcome(String stepId, String result, String reason, String resource, String error, String cause,
                          String phase) {
    /** A step of a batch that failed as a whole and left no outcome for it: FAILED with the batch's error. */
    public static StepOutcome failed(String stepId, String error, String cause) {
        return new StepOutcome(stepId, "FAILED", null, null, error, cause, null);
    }

    public StepOutcome inPhase(String label) {
        return new StepOutcome(stepId, result, reason, resource, error, cause, label);
    }

    /** The result, {@code UNKNOWN} when an outcome has none. */
    public String resultOrUnknown() {
        return result == null ? "UNKNOWN" : result;
    }

    public boolean hasFailed() {
        return "FAILED".equals(result);
    }
}
