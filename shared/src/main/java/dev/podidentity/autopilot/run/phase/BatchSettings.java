package dev.podidentity.autopilot.run.phase;

import dev.podidentity.autopilot.execute.WritePacing;

import java.util.function.Function;

/**
 * How the write phases are cut up: Resolve puts at most {@code batchSize} steps in one Map item (one Lambda
 * invocation), and that invocation runs up to {@code parallelism} of them at once; the Map runs up to
 * {@code mapConcurrency} items at once, so Resolve makes at least that many batches of a phase that has the steps
 * (Resolve's RunOutput.batchSize). From the environment: {@code BATCH_SIZE} and
 * {@code MAP_MAX_CONCURRENCY} (Resolve; template parameters BatchSize and MapMaxConcurrency) and
 * {@code STEP_PARALLELISM}, {@code MAP_MAX_CONCURRENCY}, {@code MAX_IAM_WRITES_PER_SECOND} and
 * {@code MAX_EKS_WRITES_PER_SECOND} (the step functions: how many steps at once, and the write caps, 0 for none,
 * shared among the batches at once).
 */
public record BatchSettings(int batchSize, int parallelism, int mapConcurrency, double maxIamWritesPerSecond,
                            double maxEksWritesPerSecond) {
    public static final int DEFAULT_BATCH_SIZE = 50;
    public static final int DEFAULT_PARALLELISM = 8;
    public static final int DEFAULT_MAP_CONCURRENCY = 5;

    public BatchSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("BATCH_SIZE must be at least 1, not " + batchSize);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("STEP_PARALLELISM must be at least 1, not " + parallelism);
        }
        if (mapConcurrency < 1) {
            throw new IllegalArgumentException("MAP_MAX_CONCURRENCY must be at least 1, not " + mapConcurrency);
        }
        if (maxIamWritesPerSecond < 0 || maxEksWritesPerSecond < 0) {
            throw new IllegalArgumentException("MAX_IAM_WRITES_PER_SECOND and MAX_EKS_WRITES_PER_SECOND must not be "
                    + "negative (0: no cap)");
        }
    }

    public BatchSettings(int batchSize, int parallelism) {
        this(batchSize, parallelism, DEFAULT_MAP_CONCURRENCY, 0, 0);
    }

    public static BatchSettings defaults() {
        return new BatchSettings(DEFAULT_BATCH_SIZE, DEFAULT_PARALLELISM);
    }

    /**
     * Each batch paces its writes ({@link WritePacing}); the stack's caps (0: none) are shared among the batches
     * that run at once.
     */
    public WritePacing.Memory pacing() {
        return WritePacing.Memory.capped(maxIamWritesPerSecond, maxEksWritesPerSecond, mapConcurrency);
    }

    public static BatchSettings fromEnvironment() {
        return from(System::getenv);
    }

    public static BatchSettings from(Function<String, String> env) {
        return new BatchSettings(number(env, "BATCH_SIZE", DEFAULT_BATCH_SIZE),
                number(env, "STEP_PARALLELISM", DEFAULT_PARALLELISM),
                number(env, "MAP_MAX_CONCURRENCY", DEFAULT_MAP_CONCURRENCY),
                rate(env, "MAX_IAM_WRITES_PER_SECOND"), rate(env, "MAX_EKS_WRITES_PER_SECOND"));
    }

    private static double rate(Function<String, String> env, String name) {
        String value = env.apply(name);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of calls per second, not \"" + value + "\"");
        }
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
