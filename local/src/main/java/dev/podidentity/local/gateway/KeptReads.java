package dev.podidentity.local.gateway;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Answers the local cloud read from moto for its own checks, kept by key until a write that may change them: a
 * read that raced with a drop is answered but not kept, so nothing older than the last drop is ever served.
 *
 * @param <V> what is kept of one key's answer (empty: moto had none)
 */
public final class KeptReads<V> {
    private record Entry<V>(long version, long epoch, Optional<V> value) {
    }

    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();

    /** The key's kept answer, or {@code load}'s (kept unless a drop came while it was read). */
    public Optional<V> get(String key, Function<String, Optional<V>> load) {
        long epochBefore = epoch.get();
        Entry<V> before = entries.get(key);
        if (before != null && before.value() != null && before.epoch() == epochBefore) {
            return before.value();
        }
        long versionBefore = before == null ? 0 : before.version();
        Optional<V> loaded = load.apply(key);
        entries.compute(key, (k, now) -> {
            long version = now == null ? 0 : now.version();
            return version == versionBefore && epoch.get() == epochBefore
                    ? new Entry<>(version, epochBefore, loaded) : now;
        });
        return loaded;
    }

    /** The key's answer as a write's own answer gave it (what a read right after it would give). */
    public void put(String key, Optional<V> value) {
        long epochNow = epoch.get();
        entries.compute(key, (k, now) -> new Entry<>(now == null ? 1 : now.version() + 1, epochNow, value));
    }

    /** Forgets the key's answer: the next read asks moto. */
    public void drop(String key) {
        entries.compute(key, (k, now) -> new Entry<>(now == null ? 1 : now.version() + 1, epoch.get(), null));
    }

    /** Forgets every answer (a reset, a write that names no key, a write that bypassed the gateway). */
    public void clear() {
        epoch.incrementAndGet();
        entries.clear();
    }
}
