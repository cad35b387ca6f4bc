package dev.podidentity.local.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.world.WorldCheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What ./run-local checks before it starts the local cloud, each failure one {@link UsageException} line. */
final class LocalChecks {
    private LocalChecks() {
    }

    /** The event file, read: valid JSON, an EventBridge event or a console input with a known action. */
    static JsonNode event(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(file + ": no such file (the events are in events/, see events/README.md)");
        }
        JsonNode event;
        try {
            event = ProjectFiles.JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new UsageException(file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
                    + ": not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read it: " + e.getMessage());
        }
        if (event == null || !event.isObject()) {
            throw new UsageException(file + ": an event is a JSON object (an EventBridge event or a console input)");
        }
        boolean eventBridge = event.has("detail-type") && event.has("source");
        if (!eventBridge) {
            String action = event.path("action").asText("");
            if (Action.fromWireName(action).isEmpty()) {
                throw new UsageException(file + ": " + (action.isEmpty() ? "no \"action\"" : "unknown action \"" + action
                        + "\"") + " (one of " + String.join(", ", Arrays.stream(Action.values()).map(Action::wireName)
                        .toList()) + ")");
            }
        }
        return event;
    }

    /** The world file: usable for a run (its first problem otherwise). */
    static void world(Path file) {
        List<String> problems = WorldCheck.problems(file);
        if (!problems.isEmpty()) {
            throw new UsageException("world " + file + ": " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        }
    }
}
