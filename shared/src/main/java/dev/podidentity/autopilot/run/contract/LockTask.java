package dev.podidentity.autopilot.run.contract;

/**
 * The lock function's input. Acquire: {@code cluster, execution, executionArn, attempt, replanned, plannedAt} (the
 * ISO-8601 instant Resolve began the current plan, {@code $.run.plannedAt}); release: {@code run} (Resolve's result,
 * may be null), {@code execution, executionArn}.
 */
public record LockTask(String operation, String cluster, String execution, String executionArn, Integer attempt,
                       Boolean replanned, String plannedAt, ResolveOutput run) {
}
