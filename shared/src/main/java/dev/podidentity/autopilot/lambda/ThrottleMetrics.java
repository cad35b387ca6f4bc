package dev.podidentity.autopilot.lambda;

import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the AWS calls the SDK saw throttled (attempts whose error type is throttling, retried or not), per service,
 * and writes them once per invocation as the {@code AwsThrottled} metric in CloudWatch's embedded metric format
 * (namespace PodIdentityAutopilot, dimension Service). Registered on every SDK client of a Lambda container.
 */
public final class ThrottleMetrics implements MetricPublisher {
    public static final ThrottleMetrics INSTANCE = new ThrottleMetrics();
    /** The value of {@link CoreMetric#ERROR_TYPE} for a throttled attempt (the SDK's SdkErrorType.THROTTLING). */
    static final String THROTTLING = "Throttling";
    private static final Map<String, AtomicLong> THROTTLED = new ConcurrentHashMap<>();

    private ThrottleMetrics() {
    }

    @Override
    public void publish(MetricCollection call) {
        String service = call.metricValues(CoreMetric.SERVICE_ID).stream().findFirst().orElse("unknown")
                .toLowerCase(java.util.Locale.ROOT);
        long throttled = call.children().stream()
                .filter(attempt -> attempt.metricValues(CoreMetric.ERROR_TYPE).contains(THROTTLING))
                .count();
        if (throttled > 0) {
            THROTTLED.computeIfAbsent(service, s -> new AtomicLong()).addAndGet(throttled);
        }
    }

    @Override
    public void close() {
    }

    /** What was counted since the last drain, per service, and resets it. */
    static Map<String, Long> drain() {
        Map<String, Long> out = new TreeMap<>();
        THROTTLED.forEach((service, count) -> {
            long n = count.getAndSet(0);
            if (n > 0) {
                out.put(service, n);
            }
        });
        return out;
    }

    /** One metrics line per service that saw throttling since the last flush; nothing when none did. */
    static void flush() {
        drain().forEach((service, count) -> Log.emit("{\"_aws\":{\"Timestamp\":" + Instant.now().toEpochMilli()
                + ",\"CloudWatchMetrics\":[{\"Namespace\":\"PodIdentityAutopilot\",\"Dimensions\":[[\"Service\"]],"
                + "\"Metrics\":[{\"Name\":\"AwsThrottled\",\"Unit\":\"Count\"}]}]},\"level\":\"INFO\",\"Service\":\""
                + service + "\",\"AwsThrottled\":" + count + "}"));
    }
}
