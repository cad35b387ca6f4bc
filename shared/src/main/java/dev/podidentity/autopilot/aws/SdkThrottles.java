package dev.podidentity.autopilot.aws;

import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the throttled attempts of every SDK call, per service, from the SDK's own call metrics (a
 * {@link MetricPublisher} on every client): the functions report them as the AwsThrottled metric at the end of each
 * invocation (lambda.ThrottleMetrics).
 */
public final class SdkThrottles implements MetricPublisher {
    public static final SdkThrottles INSTANCE = new SdkThrottles();
    /** The value of {@link CoreMetric#ERROR_TYPE} for a throttled attempt (the SDK's SdkErrorType.THROTTLING). */
    static final String THROTTLING = "Throttling";
    private static final Map<String, AtomicLong> THROTTLED = new ConcurrentHashMap<>();

    private SdkThrottles() {
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
    public static Map<String, Long> drain() {
        Map<String, Long> out = new TreeMap<>();
        THROTTLED.forEach((service, count) -> {
            long n = count.getAndSet(0);
            if (n > 0) {
                out.put(service, n);
            }
        });
        return out;
    }
}
