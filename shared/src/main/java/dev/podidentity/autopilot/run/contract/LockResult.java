package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Acquire's result at {@code $.lock}. The state starts as {@code {attempt: 0, replanned: false}} and the Replan state
 * sets {@code replanned}; {@code heldBy}, {@code heldByArn}, {@code since} only when another run holds the lock,
 * {@code tookOverFrom} only when a stale holder was taken over.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LockResult(Boolean acquired, String lockId, int attempt, Boolean replan, boolean replanned,
                         Boolean giveUp, String heldBy, String heldByArn, String since, String tookOverFrom) {
}
