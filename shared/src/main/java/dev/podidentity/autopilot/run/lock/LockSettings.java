package dev.podidentity.autopilot.run.lock;

import java.time.Duration;
import java.util.function.Function;

/**
 * The per-cluster run lock's settings, from the lock function's environment.
 *
 * @param table      the DynamoDB table ({@code LOCK_TABLE})
 * @param lease      how long a lease lasts without a release ({@code LOCK_LEASE_SECONDS}); by default the state
 *                   machine's TimeoutSeconds, so no run that is still allowed to write can lose its lease
 * @param waitChecks acquire attempts before a waiting run gives up ({@code LOCK_WAIT_CHECKS}; 15 s apart in the
 *                   ASL, so 240 is an hour)
 */
public record LockSettings(String table, Duration lease, int waitChecks) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(7200);
    public static final int DEFAULT_WAIT_CHECKS = 240;

    public LockSettings {
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("LOCK_LEASE_SECONDS must be positive: " + lease.toSeconds());
        }
        if (waitChecks < 1) {
            throw new IllegalArgumentException("LOCK_WAIT_CHECKS must be at least 1: " + waitChecks);
        }
    }

    public static LockSettings fromEnvironment() {
        return from(System::getenv);
    }

    public static LockSettings from(Function<String, String> env) {
        return new LockSettings(env.apply("LOCK_TABLE"),
                Duration.ofSeconds(number(env, "LOCK_LEASE_SECONDS", DEFAULT_LEASE.toSeconds())),
                (int) number(env, "LOCK_WAIT_CHECKS", DEFAULT_WAIT_CHECKS));
    }

    private static long number(Function<String, String> env, String name, long fallback) {
        String value = env.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number: \"" + value + "\"", e);
        }
    }
}
