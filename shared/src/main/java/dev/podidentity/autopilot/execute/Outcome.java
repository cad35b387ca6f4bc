package dev.podidentity.autopilot.execute;

import java.util.Objects;

/**
 * What one step did, as the state machine records it. Serialisable (a plain record of strings and an enum).
 *
 * @param stepId   the plan step's id ({@code associate/ns/sa}, {@code addon/name}, ...)
 * @param reason   one sentence for the report: what was done or why nothing was
 * @param resource the ARN (or name) of the main resource acted on, null when there is none
 */
public record Outcome(String stepId, Result result, String reason, String resource) {

    public enum Result { CREATED, UPDATED, UNCHANGED, DELETED, SKIPPED }

    public Outcome {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(result, "result");
    }

    public static Outcome of(String stepId, Result result, String reason, String resource) {
        return new Outcome(stepId, result, reason, resource);
    }
}
