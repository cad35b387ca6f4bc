package dev.podidentity.local.gateway;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls seen by the gateway per service and operation (e.g. {@code iam} / {@code CreateRole}), counted before
 * fault injection, so a throttled call counts too; and each write call with the time it arrived, so a test can
 * tell which writes happened before which. Thread-safe.
 */
public final class CallCounter {
    private static final List<String> WRITE_PREFIXES = List.of("Create", "Update", "Delete", "Put", "Attach", "Detach",
            "Tag", "Untag", "Associate", "Disassociate", "Add", "Remove", "Set", "Start", "Stop", "Copy");

    private final ConcurrentMap<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Call> writeLog = new ConcurrentLinkedQueue<>();

    /** One write call as the gateway received it. */
    public record Call(Instant at, String service, String operation) {
    }

    void record(String service, String operation) {
        counts.computeIfAbsent(key(service, operation), k -> new AtomicLong()).incrementAndGet();
        if (isWrite(operation)) {
            writeLog.add(new Call(Instant.now(), service, operation));
        }
    }

    /** Every write call (see {@link #writes}) since the last reset, in arrival order. */
    public List<Call> writeLog() {
        return List.copyOf(writeLog);
    }

    public long count(String service, String operation) {
        AtomicLong count = counts.get(key(service, operation));
        return count == null ? 0 : count.get();
    }

    /** All calls to a service. */
    public long total(String service) {
        String prefix = service + ":";
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
    }

    /** Calls whose operation name reads as a write (Create*, Update*, Delete*, Put*, Attach*, Tag*, ...). */
    public long writes(String service) {
        String prefix = service + ":";
        return counts.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .filter(e -> isWrite(e.getKey().substring(prefix.length())))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    /** "service:Operation" → count, sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public void reset() {
        counts.clear();
        writeLog.clear();
    }

    /**
     * Whether an operation only reads (Get*, List*, Describe*): what the local cloud keeps of moto's answers survives
     * it; anything else may have changed them.
     */
    public static boolean isRead(String operation) {
        return operation.startsWith("Get") || operation.startsWith("List") || operation.startsWith("Describe");
    }

    /** Whether an operation name reads as a write; {@link #writes} and the write log count these. */
    public static boolean isWrite(String operation) {
        return WRITE_PREFIXES.stream().anyMatch(operation::startsWith);
    }

    private static String key(String service, String operation) {
        return service + ":" + operation;
    }
}
