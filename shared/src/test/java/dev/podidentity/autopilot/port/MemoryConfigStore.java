package dev.podidentity.autopilot.port;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The config bucket in memory, for the stages' tests; records the keys read and written, in order. */
public final class MemoryConfigStore implements ConfigStore {
    public final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    public final List<String> writes = Collections.synchronizedList(new ArrayList<>());
    public final List<String> reads = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Optional<byte[]> read(String key, String version) {
        reads.add(key);
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public List<String> list(String prefix, String startAfter, int max) {
        return objects.keySet().stream().filter(k -> k.startsWith(prefix))
                .filter(k -> startAfter == null || k.compareTo(startAfter) > 0).sorted().limit(max).toList();
    }

    @Override
    public void write(String key, byte[] content, String contentType) {
        objects.put(key, content);
        writes.add(key);
    }
}
