package dev.podidentity.autopilot.config;

import java.util.Map;

/** {@code metadata}: the cluster this config is for. Tags go on every role created for it. */
public record Metadata(String name, String region, Map<String, String> tags) {
    public Metadata {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    Metadata withName(String newName) {
        return new Metadata(newName, region, tags);
    }
}
