package dev.podidentity.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code ./run-local EVENT.json [--world WORLD.yaml] [--state-out STATE.json]}: the main job. Starts the local cloud
 * with a world, deploys the application on it as template.yaml describes, delivers the event the way AWS would,
 * shows the states as they run, prints the report, and exits 0 when every run it started succeeded.
 */
final class RunCommand {
    static final String USAGE = "usage: ./run-local EVENT.json [--world WORLD.yaml] [--state-out STATE.json] "
            + "[--parameters FILE]";

    private RunCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Path event = null;
        Path world = null;
        Path stateOut = null;
        Map<String, String> parameters = new java.util.HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--world" -> world = Path.of(value(args, ++i, a));
                case "--state-out" -> stateOut = Path.of(value(args, ++i, a));
                case ParametersFile.OPTION -> {
                    Map<String, String> read = ParametersFile.readOrReport(value(args, ++i, a), "run-local", err);
                    if (read == null) {
                        return 2;
                    }
                    parameters.putAll(read);
                }
                default -> {
                    if (a.startsWith("-") || event != null) {
                        err.println("run-local: unexpected argument " + a);
                        err.println(USAGE);
                        return 2;
                    }
                    event = Path.of(a);
                }
            }
        }
        if (event == null) {
            err.println(USAGE);
            return 2;
        }
        if (!Files.isRegularFile(event)) {
            err.println("run-local: " + event + ": no such file");
            return 2;
        }
        JsonNode input = ProjectFiles.readJson(event);
        Path worldFile = world != null ? world : LocalWorlds.defaultWorld();
        Path functionLog = LocalApp.functionLog();
        long start = System.nanoTime();
        out.println("local cloud: starting with world " + worldFile);
        try (LocalCloud cloud = LocalCloud.start(worldFile)) {
            LocalApp app;
            if ("Scheduled Event".equals(input.path("detail-type").asText())) {
                // EventBridge sends a Scheduled Event only while its rule is enabled: deploy as a stack that enabled it.
                out.println("a Scheduled Event: deploying with SweepEnabled=true (the stack's default leaves the "
                        + "schedule DISABLED)");
                parameters.put("SweepEnabled", "true");
            }
            try {
                app = LocalApp.deploy(cloud, parameters);
            } catch (IllegalArgumentException | IllegalStateException e) {
                err.println("run-local: " + e.getMessage());
                return 2;
            }
            out.printf("local cloud: ready in %.1f s (gateway %s)%n", (System.nanoTime() - start) / 1e9, cloud.endpoint());
            LocalApp.Delivery delivery = app.deliver(input, out::println, Duration.ofMinutes(5));
            boolean ok = !delivery.runs().isEmpty() || !delivery.answers().isEmpty();
            for (LocalApp.Run run : delivery.runs()) {
                printRun(run, out);
                ok &= run.succeeded();
            }
            delivery.answers().forEach((function, answer) -> {
                out.println();
                out.println(function + ":");
                out.println(answer.toPrettyString());
            });
            if (delivery.note() != null) {
                out.println(delivery.note());
            }
            out.println("function logs (JSON lines): " + functionLog);
            if (stateOut != null) {
                cloud.writeState(stateOut);
                out.println("state written to " + stateOut);
            }
            out.printf("run-local: %s in %.1f s%n", ok ? "SUCCEEDED" : "FAILED", (System.nanoTime() - start) / 1e9);
            return ok ? 0 : 1;
        }
    }

    private static void printRun(LocalApp.Run run, PrintStream out) {
        out.println();
        out.println("execution " + run.executionArn() + ": " + run.status() + " (" + run.stateTransitions()
                + " states entered)");
        JsonNode output = run.outputJson();
        if (output.path("planOnly").asBoolean(false)) {
            out.println(output.path("planText").asText());
            JsonNode associations = output.path("summary").path("associations");
            if (associations.isArray()) {
                out.println(associations.toPrettyString());
            }
            return;
        }
        if (output.isObject()) {
            out.println(output.toPrettyString());
        }
        if (run.error() != null) {
            out.println("error: " + run.error() + (run.cause() == null ? "" : ": " + run.cause()));
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
