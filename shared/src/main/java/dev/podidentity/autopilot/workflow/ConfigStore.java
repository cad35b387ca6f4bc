package dev.podidentity.autopilot.workflow;

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

    void write(String key, byte[] content, String contentType);
}
