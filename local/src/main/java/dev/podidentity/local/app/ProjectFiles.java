package dev.podidentity.local.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The deployable files at the repository root: template.yaml, statemachine/, events/. */
public final class ProjectFiles {
    public static final ObjectMapper JSON = new ObjectMapper();

    private ProjectFiles() {
    }

    /** The repository root: the module's parent when Maven runs the tests, found upwards from anywhere else. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml")) && Files.isDirectory(dir.resolve("statemachine"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml with a statemachine/ folder above " + Path.of("").toAbsolutePath());
    }

    public static Path template() {
        return root().resolve("template.yaml");
    }

    public static Path stateMachine() {
        return root().resolve("statemachine/pod-identity.asl.json");
    }

    public static Path event(String name) {
        return root().resolve("events").resolve(name);
    }

    public static List<Path> events(String glob) {
        try (Stream<Path> files = Files.list(root().resolve("events"))) {
            var matcher = root().getFileSystem().getPathMatcher("glob:" + glob);
            return files.filter(p -> matcher.matches(p.getFileName())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + file, e);
        }
    }
}
