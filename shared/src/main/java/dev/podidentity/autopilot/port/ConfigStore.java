package dev.podidentity.autopilot.port;

import java.util.List;
import java.util.Optional;

/** The config bucket, as the workflow needs it: read and list configs, write run and sweep reports. */
public interface ConfigStore {

    /** The object's bytes at that version (null: latest), or empty when there is no such object. */
    Optional<byte[]> read(String key, String version);

    /**
     * The keys under {@code prefix} in key order, starting after {@code startAfter} (null: from the first), at most
     * {@code max} of them.
     */
    List<String> list(String prefix, String startAfter, int max);

    /**
     * Like {@link #read(String, String)}, but an object larger than {@code maxBytes} is refused without being read
     * into memory (whoever can write the bucket could otherwise exhaust the function with one huge object).
     *
     * @throws TooLarge when the object is larger than {@code maxBytes}
     */
    default Optional<byte[]> read(String key, String version, int maxBytes) {
        Optional<byte[]> bytes = read(key, version);
        if (bytes.isPresent() && bytes.get().length > maxBytes) {
            throw new TooLarge(bytes.get().length);
        }
        return bytes;
    }

    void write(String key, byte[] content, String contentType);

    /**
     * The version id of the object now current; empty when the bucket keeps no versions, the object does not exist,
     * or the store cannot tell (then no run is judged superseded).
     */
    default Optional<String> currentVersion(String key) {
        return Optional.empty();
    }

    /** The object is larger than the caller allows; {@code size} is its full size in bytes. */
    final class TooLarge extends RuntimeException {
        private final long size;

        public TooLarge(long size) {
            super("the object is " + size + " bytes");
            this.size = size;
        }

        public long size() {
            return size;
        }
    }
}
