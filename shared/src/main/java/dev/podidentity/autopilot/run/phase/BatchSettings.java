package dev.podidentity.autopilot.run.phase;

import java.util.function.Function;

/**
 * How the write phases are cut up: Resolve puts at most {@code batchSize} steps in one Map item (one Lambda
 * invocation), and that invocation runs up to {@code parallelism} of them at once. From the environment:
 * {@code BATCH_SIZE} (Resolve; template parameter BatchSize) and {@code STEP_PARALLELISM} (the step functions).
 */
public record BatchSettings(int batchSize, int parallelism) {
    public static final int DEFAULT_BATCH_SIZE = 50;
    public static final int DEFAULT_PARALLELISM = 8;

    public BatchSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("BATCH_SIZE must be at least 1, not " + batchSize);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("STEP_PARALLELISM must be at least 1, not " + parallelism);
        }
    }

    public static BatchSettings defaults() {
        return new BatchSettings(DEFAULT_BATCH_SIZE, DEFAULT_PARALLELISM);
    }

    public static BatchSettings fromEnvironment() {
        return from(System::getenv);
    }

    public static BatchSettings from(Function<String, String> env) {
        return new BatchSettings(number(env, "BATCH_SIZE", DEFAULT_BATCH_SIZE),
                number(env, "STEP_PARALLELISM", DEFAULT_PARALLELISM));
    }

    private static int number(Function<String, String> env, String name, int fallback) {
        String value = env.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not \"" + value + "\"");
        }
    }
}
