package dev.podidentity.local.gateway;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The account's request rate limits, as AWS applies them: a token bucket per service and class of call (IAM writes,
 * IAM reads, STS, EKS writes, ...) holding at most {@code burst} tokens and refilled at {@code perSecond}; a call
 * takes one token from every bucket it matches, and a call that finds one of them empty is answered with the
 * service's own throttling error ({@link ErrorShapes#throttle}) and changes nothing. No limit configured: every call
 * is served (the default, so a world without {@code rateLimits} behaves as before). Separate from the fault rules:
 * faults are scripted by count or draw, limits by time. Thread-safe.
 */
public final class RateLimits {
    /** Which calls of a service a bucket meters. */
    public enum Calls {
        /** Operations whose name reads as a write ({@link CallCounter#isWrite}). */
        WRITES,
        /** Every other operation. */
        READS,
        /** Every call of the service. */
        ALL;

        boolean matches(String operation) {
            return switch (this) {
                case WRITES -> CallCounter.isWrite(operation);
                case READS -> !CallCounter.isWrite(operation);
                case ALL -> true;
            };
        }

        static Calls parse(String text) {
            return switch (text == null ? "all" : text.toLowerCase(Locale.ROOT)) {
                case "writes", "write" -> WRITES;
                case "reads", "read" -> READS;
                case "all", "*" -> ALL;
                default -> throw new IllegalArgumentException("rate limit calls must be writes, reads or all: " + text);
            };
        }
    }

    /** One bucket's configuration: {@code service} (iam, sts, eks, ...), which calls, sustained rate and burst. */
    public record Limit(String service, Calls calls, double perSecond, double burst) {
        public Limit {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(calls, "calls");
            if (!(perSecond > 0)) {
                throw new IllegalArgumentException("rate limit perSecond must be positive: " + perSecond);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("rate limit burst must be at least 1: " + burst);
            }
        }

        public static Limit of(String service, Calls calls, double perSecond, double burst) {
            return new Limit(service, calls, perSecond, burst);
        }

        /**
         * From a world file entry: {@code service}, {@code calls} (writes | reads | all, default all),
         * {@code perSecond}, {@code burst} (default: one second's worth, at least 1).
         */
        public static Limit fromMap(Map<String, ?> map) {
            for (String key : map.keySet()) {
                if (!List.of("service", "calls", "perSecond", "burst").contains(key)) {
                    throw new IllegalArgumentException("rate limit: unknown field \"" + key
                            + "\" (service, calls, perSecond, burst)");
                }
            }
            Object service = map.get("service");
            Object rate = map.get("perSecond");
            if (service == null || rate == null) {
                throw new IllegalArgumentException("rate limit: service and perSecond must be set: " + map);
            }
            double perSecond = Double.parseDouble(rate.toString());
            Object burst = map.get("burst");
            return new Limit(service.toString().toLowerCase(Locale.ROOT), Calls.parse((String) map.get("calls")),
                    perSecond, burst == null ? Math.max(1, perSecond) : Double.parseDouble(burst.toString()));
        }

        boolean matches(String callService, String operation) {
            return service.equalsIgnoreCase(callService) && calls.matches(operation);
        }

        String name() {
            return service + ":" + calls.name().toLowerCase(Locale.ROOT);
        }
    }

    private final List<Bucket> buckets = new CopyOnWriteArrayList<>();
    private final LongSupplier nanos;

    public RateLimits() {
        this(System::nanoTime);
    }

    RateLimits(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Adds a bucket, full. */
    public void add(Limit limit) {
        buckets.add(new Bucket(limit, nanos.getAsLong()));
    }

    public void addAll(List<Limit> limits) {
        limits.forEach(this::add);
    }

    /** Removes every bucket (no limits). */
    public void clear() {
        buckets.clear();
    }

    public List<Limit> limits() {
        return buckets.stream().map(b -> b.limit).toList();
    }

    /**
     * Whether a call may be served now: it takes a token from each bucket it matches, unless one of them is empty
     * (then it takes none, and is counted as throttled by the empty one).
     */
    boolean admit(String service, String operation) {
        List<Bucket> matching = buckets.stream().filter(b -> b.limit.matches(service, operation)).toList();
        if (matching.isEmpty()) {
            return true;
        }
        synchronized (this) {
            long now = nanos.getAsLong();
            for (Bucket bucket : matching) {
                bucket.refill(now);
                if (bucket.tokens < 1) {
                    bucket.throttled.incrementAndGet();
                    return false;
                }
            }
            for (Bucket bucket : matching) {
                bucket.tokens -= 1;
                bucket.admitted.incrementAndGet();
            }
            return true;
        }
    }

    /** Calls each bucket has throttled since it was added, by {@code service:class} (e.g. {@code iam:writes}). */
    public Map<String, Long> throttled() {
        Map<String, Long> out = new TreeMap<>();
        buckets.forEach(b -> out.merge(b.limit.name(), b.throttled.get(), Long::sum));
        return out;
    }

    /** Calls each bucket has let through since it was added, by {@code service:class}. */
    public Map<String, Long> admitted() {
        Map<String, Long> out = new TreeMap<>();
        buckets.forEach(b -> out.merge(b.limit.name(), b.admitted.get(), Long::sum));
        return out;
    }

    /** Calls throttled by every bucket together. */
    public long throttledTotal() {
        return buckets.stream().mapToLong(b -> b.throttled.get()).sum();
    }

    private static final class Bucket {
        final Limit limit;
        final AtomicLong throttled = new AtomicLong();
        final AtomicLong admitted = new AtomicLong();
        double tokens;
        long refilledAt;

        Bucket(Limit limit, long now) {
            this.limit = limit;
            this.tokens = limit.burst();
            this.refilledAt = now;
        }

        void refill(long now) {
            tokens = Math.min(limit.burst(), tokens + (now - refilledAt) / 1e9 * limit.perSecond());
            refilledAt = now;
        }
    }
}
