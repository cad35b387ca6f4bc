package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Resolve's input. {@code input} is the execution input as it came (events/README.md): Resolve checks it field by
 * field (an unknown field is an error), so it stays a tree here and becomes a {@code RunRequest} there.
 */
public record ResolveTask(JsonNode input, String execution) {
}
