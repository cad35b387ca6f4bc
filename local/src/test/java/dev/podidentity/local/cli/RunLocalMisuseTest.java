package dev.podidentity.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.app.ProjectFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every misuse of ./run-local ends in one clear line on stderr and a non-zero exit, never a stack trace; arguments
 * are checked before the local cloud starts (so each of these answers in well under the cloud's start time).
 */
class RunLocalMisuseTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void eventFileThatIsNotJson_namesTheLineAndColumn() throws Exception {
        Path event = write("broken.json", "{\n  \"action\": \"apply\",\n  \"cluster\": dev-cluster\n}\n");
        assertOneLine(2, "broken.json:3:", run(event.toString()));
        assertTrue(line().contains("not valid JSON"), line());
    }

    @Test
    void worldThatDoesNotExist() {
        assertOneLine(2, "--world nope.yaml: no such world file", run(consoleApply(), "--world", "nope.yaml"));
    }

    @Test
    void worldWithoutAValue() {
        assertOneLine(2, "--world needs a value", run(consoleApply(), "--world"));
    }

    @Test
    void worldWithoutTheConfigBucket() throws Exception {
        String world = ProjectFiles.read(LocalWorlds.defaultWorld());
        Path file = write("no-bucket.yaml", world.substring(0, world.indexOf("\nbuckets:")) + "\n");
        assertOneLine(2, "buckets: no config bucket pod-identity-autopilot-config-${account}",
                run(consoleApply(), "--world", file.toString()));
    }

    @Test
    void worldWithAnUnknownAddonVersion() throws Exception {
        String world = ProjectFiles.read(LocalWorlds.defaultWorld()).replace("v1.45.0-eksbuild.2", "v9.9.9-nope");
        Path file = write("bad-addon.yaml", world);
        assertOneLine(2, "clusters[0].addons[0].version: aws-ebs-csi-driver has no version \"v9.9.9-nope\"",
                run(consoleApply(), "--world", file.toString()));
    }

    @Test
    void unknownAction_isRefusedBeforeTheCloudStarts() throws Exception {
        Path event = write("destroy.json", "{\"action\": \"destroy\", \"cluster\": \"dev-cluster\"}");
        long start = System.nanoTime();
        assertOneLine(2, "unknown action \"destroy\" (one of apply, ", run(event.toString()));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "checked before the local cloud starts");
    }

    @Test
    void unknownOption_onEveryCommand() {
        assertOneLine(2, "unknown option --frobnicate for ./run-local", run(consoleApply(), "--frobnicate"));
        reset();
        assertOneLine(2, "unknown option --frobnicate for ./run-local plan", run("plan", "x.yaml", "--frobnicate"));
        reset();
        assertOneLine(2, "unknown option --frobnicate for ./run-local validate",
                run("validate", "x.yaml", "--frobnicate"));
    }

    @Test
    void eventFileThatDoesNotExist() {
        assertOneLine(2, "events/nope.json: no such file", run("events/nope.json"));
    }

    @Test
    void motoMissing_isOneLineNotAStackTrace() {
        String before = System.getProperty("local.cloud.python");
        System.setProperty("local.cloud.python", dir.resolve("no-python-here").toString());
        try {
            assertOneLine(1, "the local cloud cannot start: ", run(consoleApply()));
            assertTrue(line().contains("moto"), line());
        } finally {
            if (before == null) {
                System.clearProperty("local.cloud.python");
            } else {
                System.setProperty("local.cloud.python", before);
            }
        }
    }

    @Test
    void helpForEveryCommand() {
        for (List<String> args : List.of(List.of("--help"), List.of("help"), List.of("plan", "--help"),
                List.of("validate", "--help"))) {
            reset();
            assertEquals(0, Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)), args.toString());
            String help = out.toString(StandardCharsets.UTF_8);
            assertTrue(help.startsWith("./run-local"), help);
            assertTrue(help.contains("--"), "options are described: " + help);
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        }
    }

    // ------------------------------------------------------------------

    private static String consoleApply() {
        return ProjectFiles.event("console-apply.json").toString();
    }

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private String line() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    private void reset() {
        out.reset();
        err.reset();
    }

    private void assertOneLine(int expectedExit, String expectedPart, int exit) {
        String stderr = err.toString(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(stderr.lines().toList());
        assertEquals(1, lines.size(), () -> "one line expected on stderr, got:\n" + stderr);
        assertTrue(lines.get(0).startsWith("run-local: "), lines.get(0));
        assertTrue(lines.get(0).contains(expectedPart), () -> "expected \"" + expectedPart + "\" in: " + lines.get(0));
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception:"), "no stack trace: " + stderr);
        assertEquals(expectedExit, exit, stderr);
    }
}
