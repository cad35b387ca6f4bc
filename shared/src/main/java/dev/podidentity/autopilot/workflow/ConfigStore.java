package dev.podidentity.autopilot.workflow;

import java.util.Optional;

/** The config bucket, as the workflow needs it: read configs, write run reports. */
public interface ConfigStore {

    /** The object's bytes at that version (null: latest), or empty when there is no such object. */
    Optional<byte[]> read(String key, String version);

    void write(String key, byte[] content, String contentType);
}
