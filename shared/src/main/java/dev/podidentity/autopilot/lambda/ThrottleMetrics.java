package dev.podidentity.autopilot.lambda;

import dev.podidentity.autopilot.aws.SdkThrottles;

import java.time.Instant;

/**
 * The AwsThrottled metric: one line in CloudWatch's embedded metric format per service whose calls were throttled
 * during the invocation (counted by {@link SdkThrottles}, the SDK clients' metric publisher).
 */
public final class ThrottleMetrics {
    private ThrottleMetrics() {
    }

    /** One metrics line per service that saw throttling since the last flush; nothing when none did. */
    static void flush() {
        SdkThrottles.drain().forEach((service, count) -> Log.emit("{\"_aws\":{\"Timestamp\":" + Instant.now().toEpochMilli()
                + ",\"CloudWatchMetrics\":[{\"Namespace\":\"PodIdentityAutopilot\",\"Dimensions\":[[\"Service\"]],"
                + "\"Metrics\":[{\"Name\":\"AwsThrottled\",\"Unit\":\"Count\"}]}]},\"level\":\"INFO\",\"Service\":\""
                + service + "\",\"AwsThrottled\":" + count + "}"));
    }
}
