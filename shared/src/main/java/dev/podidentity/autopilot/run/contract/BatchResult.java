package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * One batch's result at {@code $.outcomes.<phase>[i]}: the counts per result and how many failed, or, recorded by
 * the Map's Catch when the batch itself failed after its retries, {@code result = "FAILED"} with the error and
 * cause (then {@code counts} and {@code failed} are absent).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchResult(String phase, Integer batch, Map<String, Integer> counts, Integer failed, String result,
                          String error, String cause) {
    public static BatchResult finished(String phase, int batch, Map<String, Integer> counts, int failed) {
        return new BatchResult(phase, batch, counts, failed, null, null, null);
    }

    /** The batch failed as a whole: the Map recorded its error in place of a result. */
    public boolean batchFailed() {
        return "FAILED".equals(result);
    }
}
