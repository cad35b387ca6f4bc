package dev.podidentity.autopilot.execute;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the waits inside one executor call. Beyond them an executor throws RetryableException and the state
 * machine's own Retry (or a "check status" loop) takes over, so a Lambda never waits longer than these say.
 *
 * @param rolePropagationAttempts how many times to send a request EKS refused with "Role provided in the request
 *                                does not exist" (IAM propagation), first attempt included
 * @param rolePropagationDelay    first wait between those attempts; doubles each time up to 8 times this
 * @param addonWait               how long to wait for an addon to leave CREATING/UPDATING; zero: do not wait
 * @param addonPoll               time between DescribeAddon calls while waiting
 */
public record ExecutorSettings(int rolePropagationAttempts, Duration rolePropagationDelay, Duration addonWait,
                               Duration addonPoll, Sleeper sleeper) {

    /** How executors wait; tests and benchmarks replace it. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d);

        Sleeper REAL = d -> {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting", e);
            }
        };
    }

    public ExecutorSettings {
        Objects.requireNonNull(rolePropagationDelay, "rolePropagationDelay");
        Objects.requireNonNull(addonWait, "addonWait");
        Objects.requireNonNull(addonPoll, "addonPoll");
        sleeper = sleeper == null ? Sleeper.REAL : sleeper;
        if (rolePropagationAttempts < 1) {
            throw new IllegalArgumentException("rolePropagationAttempts must be at least 1");
        }
    }

    /**
     * For Lambda: up to 6 attempts 1, 2, 4, 8, 8 s apart (about 23 s; a new role usually shows in EKS within
     * seconds); wait up to 60 s for an addon, polling every 5 s, then let the state machine poll.
     */
    public static ExecutorSettings defaults() {
        return new ExecutorSettings(6, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(5),
                Sleeper.REAL);
    }

    public ExecutorSettings withRolePropagation(int attempts, Duration delay) {
        return new ExecutorSettings(attempts, delay, addonWait, addonPoll, sleeper);
    }

    public ExecutorSettings withAddonWait(Duration wait, Duration poll) {
        return new ExecutorSettings(rolePropagationAttempts, rolePropagationDelay, wait, poll, sleeper);
    }

    Duration propagationDelay(int attempt) {
        long factor = 1L << Math.min(attempt - 1, 3);
        return rolePropagationDelay.multipliedBy(factor);
    }
}
