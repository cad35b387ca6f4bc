package dev.podidentity.autopilot.execute;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Paces the write calls of one batch invocation to what the account's bucket gives it, per service (IAM, EKS):
 * shared by every step the invocation runs, so its threads together back off, not each on its own.
 *
 * <p>A service's lane starts open (no pacing: an account with room sees no delay), or at the rate a previous batch
 * of this container settled on, or at its cap. On a throttled write it remembers the rate that met the throttle
 * (its ceiling: the writes that got through in the last second) and paces at 0.7 times it (at most one cut a second:
 * the calls already in flight answer the same). Then, while writes succeed, it adds {@value #INCREASE_PER_SECOND}
 * writes per second each second back up to the ceiling, and past the ceiling more the longer it goes without a
 * throttle (a batch left alone at the end of a run takes over the rate the others gave back), never above the cap.
 *
 * <p>Why probing waits for the ceiling: several batches share one bucket, each throttle cuts one lane by 0.3 times
 * its rate, and every second each lane adds its increase; at equilibrium the throttles per second are the lanes'
 * summed increase over one cut. Growing fast below the rate that was just refused only buys more throttles; growing
 * fast above it finds room that opened. So a large run settles just under the bucket's rate without a storm, several
 * batches at once share it, and the throttles that find the ceiling stay a small fraction of the calls. The SDK's own
 * retries still retry a throttled call; every attempt waits for its slot.
 *
 * <p>The cap is the stack's share of the account's rate ({@code MaxIamWritesPerSecond},
 * {@code MaxEksWritesPerSecond}: 0 for none), divided among the batches that run at once (MapMaxConcurrency).
 */
public final class WritePacing {
    /**
     * Writes per second a lane adds each second while its writes succeed, up to its ceiling; past it, the longer it
     * goes without a throttle, the faster it probes ({@link #PROBE_SECONDS}).
     */
    static final double INCREASE_PER_SECOND = 0.3;
    /**
     * Every this many seconds past the ceiling without a throttle, the lane's growth per second grows by another
     * INCREASE (below the ceiling it stays at INCREASE).
     */
    static final double PROBE_SECONDS = 6;
    /** The share of the last second's successful writes a lane keeps after a throttle. */
    static final double DECREASE = 0.7;
    /** The slowest a lane ever goes. */
    static final double MIN_RATE = 0.5;
    private static final long SECOND = 1_000_000_000L;
    private static final List<String> WRITE_PREFIXES = List.of("Create", "Update", "Delete", "Put", "Attach", "Detach",
            "Tag", "Untag", "Associate", "Disassociate", "Add", "Remove", "Set");
    private static final ThreadLocal<WritePacing> CURRENT = new ThreadLocal<>();
    private static final WritePacing NONE = new WritePacing(Map.of(), null, null, System::nanoTime, null);

    private final Map<String, Double> caps;
    private final Map<String, Double> start;
    private final Map<String, Double> startCeilings;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final LongSupplier nanos;
    private final Memory memory;

    private WritePacing(Map<String, Double> caps, Map<String, Double> start, Map<String, Double> startCeilings,
                        LongSupplier nanos, Memory memory) {
        this.caps = caps;
        this.start = start;
        this.startCeilings = startCeilings;
        this.nanos = nanos;
        this.memory = memory;
    }

    /**
     * The pacing of one container: the caps per invocation, and the rate each service settled on in this
     * container's last batch, where the next batch starts.
     */
    public static final class Memory {
        private final Map<String, Double> caps;
        private final Map<String, Double> settled = new ConcurrentHashMap<>();
        private final Map<String, Double> ceilings = new ConcurrentHashMap<>();
        private final LongSupplier nanos;

        Memory(Map<String, Double> caps, LongSupplier nanos) {
            this.caps = Map.copyOf(caps);
            this.nanos = nanos;
        }

        /**
         * A container's memory with the stack's caps ({@code MaxIamWritesPerSecond}, {@code MaxEksWritesPerSecond};
         * 0: none) shared among the {@code batchesAtOnce} batches that run at once.
         */
        public static Memory capped(double iamPerSecond, double eksPerSecond, int batchesAtOnce) {
            Map<String, Double> caps = new java.util.HashMap<>();
            int share = Math.max(1, batchesAtOnce);
            if (iamPerSecond > 0) {
                caps.put("iam", iamPerSecond / share);
            }
            if (eksPerSecond > 0) {
                caps.put("eks", eksPerSecond / share);
            }
            return new Memory(caps, System::nanoTime);
        }

        public static Memory uncapped() {
            return new Memory(Map.of(), System::nanoTime);
        }

        /** A pacing for one batch invocation. */
        public WritePacing start() {
            return new WritePacing(caps, Map.copyOf(settled), Map.copyOf(ceilings), nanos, this);
        }

        /** The per-invocation cap of a service's writes (infinite: none). */
        public double cap(String service) {
            return caps.getOrDefault(service, Double.POSITIVE_INFINITY);
        }
    }

    /** Runs {@code work} on this thread with this pacing for its AWS calls. */
    public <T> T within(Supplier<T> work) {
        WritePacing outer = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The pacing of the batch this thread works for; outside a batch, none. */
    public static WritePacing current() {
        WritePacing pacing = CURRENT.get();
        return pacing == null ? NONE : pacing;
    }

    /** Hands each lane's rate and ceiling to the container's memory, where its next batch starts. */
    public void finish() {
        if (memory != null) {
            lanes.forEach((service, lane) -> {
                lane.settled().ifPresent(rate -> memory.settled.put(service, rate));
                lane.knownCeiling().ifPresent(ceiling -> memory.ceilings.put(service, ceiling));
            });
        }
    }

    /** The rate a service's writes are paced at now; infinite while open. */
    public double rate(String service) {
        Lane lane = lanes.get(service);
        return lane == null ? initial(service) : lane.rate();
    }

    /** Whether an operation name reads as a write (Create*, Put*, Attach*, Tag*, Associate*, ...). */
    static boolean isWrite(String operation) {
        return operation != null && WRITE_PREFIXES.stream().anyMatch(operation::startsWith);
    }

    public static String service(String sdkServiceName) {
        return sdkServiceName == null ? "" : sdkServiceName.toLowerCase(Locale.ROOT);
    }

    /** Before each attempt of a call: waits for the write's slot. */
    public void beforeAttempt(String service, String operation) throws InterruptedException {
        long wait = reserve(service, operation);
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** Takes the attempt's slot: nanoseconds to wait for it (0 for reads, outside a batch and while open). */
    long reserve(String service, String operation) {
        return this == NONE || !isWrite(operation) ? 0 : lane(service).reserve();
    }

    /** A write attempt was throttled. */
    public void throttled(String service, String operation) {
        if (this != NONE && isWrite(operation)) {
            lane(service).cut();
        }
    }

    /** A write succeeded. */
    public void succeeded(String service, String operation) {
        if (this != NONE && isWrite(operation)) {
            lane(service).grow();
        }
    }

    private Lane lane(String service) {
        return lanes.computeIfAbsent(service, s -> new Lane(initial(s), caps.getOrDefault(s, Double.POSITIVE_INFINITY),
                startCeilings == null ? 0 : startCeilings.getOrDefault(s, 0.0)));
    }

    private double initial(String service) {
        double cap = caps.getOrDefault(service, Double.POSITIVE_INFINITY);
        Double settled = start == null ? null : start.get(service);
        return settled == null ? cap : Math.min(settled, cap);
    }

    /**
     * One service's writes in this invocation: a rate, the next free slot, the recent successes, and the ceiling (the
     * rate the last throttle met; 0 while none is known).
     */
    private final class Lane {
        private final double cap;
        private double rate;
        private double ceiling;
        private long nextSlot;
        private long coolUntil;
        private long grownAt;
        /** When the rate was last below the ceiling: probing past it speeds up from there. */
        private long belowAt;
        private final Deque<Long> successes = new ArrayDeque<>();

        Lane(double rate, double cap, double ceiling) {
            this.rate = rate;
            this.cap = cap;
            this.ceiling = ceiling;
            this.grownAt = nanos.getAsLong();
            this.belowAt = grownAt;
            this.nextSlot = grownAt;
        }

        synchronized double rate() {
            return rate;
        }

        synchronized java.util.Optional<Double> settled() {
            return Double.isInfinite(rate) ? java.util.Optional.empty() : java.util.Optional.of(rate);
        }

        synchronized java.util.Optional<Double> knownCeiling() {
            return ceiling > 0 ? java.util.Optional.of(ceiling) : java.util.Optional.empty();
        }

        /** Nanoseconds to wait for this attempt's slot (0 while open). */
        synchronized long reserve() {
            if (Double.isInfinite(rate)) {
                return 0;
            }
            long now = nanos.getAsLong();
            long slot = Math.max(now, nextSlot);
            nextSlot = slot + (long) (SECOND / rate);
            return slot - now;
        }

        synchronized void cut() {
            long now = nanos.getAsLong();
            if (now < coolUntil) {
                return;
            }
            trim(now);
            double recent = successes.size();
            ceiling = Math.min(rate, Math.max(recent, MIN_RATE));
            rate = Math.max(MIN_RATE, DECREASE * ceiling);
            coolUntil = now + SECOND;
            grownAt = now;
            belowAt = now;
            nextSlot = Math.max(nextSlot, now + (long) (SECOND / rate));
        }

        synchronized void grow() {
            long now = nanos.getAsLong();
            successes.addLast(now);
            trim(now);
            if (!Double.isInfinite(rate) && now >= coolUntil) {
                // back to the ceiling at the base increase; past it, faster the longer it has gone without a throttle
                if (rate < ceiling) {
                    belowAt = now;
                }
                double probing = rate < ceiling ? 1 : 1 + (now - belowAt) / (PROBE_SECONDS * SECOND);
                // per second of successful writing: an idle gap (no writes to make) earns at most one second's worth
                rate = Math.min(cap, rate + INCREASE_PER_SECOND * probing * Math.min(SECOND, now - grownAt) / SECOND);
            }
            grownAt = now;
        }

        private void trim(long now) {
            while (!successes.isEmpty() && successes.peekFirst() < now - SECOND) {
                successes.removeFirst();
            }
        }
    }

    /** For tests: a container's memory on a given clock. */
    static Memory memory(Map<String, Double> caps, LongSupplier nanos) {
        return new Memory(caps, nanos);
    }
}
