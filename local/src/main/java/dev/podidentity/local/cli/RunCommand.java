package dev.podidentity.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./run-local EVENT.json [--world WORLD.yaml] [--state-out STATE.json]}: the main job. Checks its arguments,
 * starts the local cloud with a world, deploys the application on it as template.yaml describes, delivers the event
 * the way AWS would, shows the states as they run with their times, then the run's human-readable report (the
 * Markdown report in the bucket) and where the JSON report and the function logs are. Exits 0 when every run it
 * started succeeded.
 */
final class RunCommand {
    static final String USAGE = "usage: ./run-local EVENT.json [--world WORLD.yaml] [--state-out STATE.json] "
            + "[--parameters FILE]";
    static final String HELP = """
            ./run-local EVENT.json [--world WORLD.yaml] [--state-out STATE.json] [--parameters FILE]

            Runs Pod Identity Autopilot on the local cloud (no AWS account): starts moto and the EKS emulator, seeds
            a world, deploys the application as template.yaml describes, and delivers the event as AWS would. An
            EventBridge event (events/cluster-created.json, config-uploaded.json, ...) goes through the template's
            rules; a console input (events/console-*.json) starts an execution directly.

              --world WORLD.yaml     the clusters, roles and bucket to start from (default local/worlds/default.yaml)
              --state-out FILE       write the world after the run (roles, associations, addons) as JSON
              --parameters FILE      the deployment's stack parameters (Key=Value lines, a JSON object, or
                                     CloudFormation's parameter list), the same keys as sam deploy's overrides

            Prints each state with the time since the run started, then the run's report. Exit 0 when the run
            succeeded, 1 when it failed, 2 on a misuse.

            Other commands:
              ./run-local plan CONFIG [--world WORLD.yaml] [--for ACTION] [--parameters FILE]
                  what a run would do with a config
              ./run-local validate FILE [--for ACTION] [--parameters FILE]
                  check a config file, no cloud needed
            """;
    static final Set<String> OPTIONS = Set.of("--world", "--state-out", ParametersFile.OPTION);

    private RunCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CliArgs parsed = CliArgs.parse("./run-local", args, OPTIONS, 1);
        if (parsed.help) {
            out.print(HELP);
            return 0;
        }
        if (parsed.positional.isEmpty()) {
            throw new UsageException("which event? " + USAGE.substring("usage: ".length()) + " (./run-local --help)");
        }
        // everything checked before the local cloud starts: it takes half a minute
        Path eventFile = Path.of(parsed.positional.get(0));
        JsonNode input = LocalChecks.event(eventFile);
        Path world = parsed.existingFile("--world", "world file");
        Path worldFile = world != null ? world : LocalWorlds.defaultWorld();
        LocalChecks.world(worldFile);
        Map<String, String> parameters = parsed.parameters();
        Path stateOut = parsed.options.containsKey("--state-out") ? Path.of(parsed.options.get("--state-out")) : null;

        Path functionLog = LocalApp.functionLog();
        long start = System.nanoTime();
        out.println("local cloud: starting with world " + relative(worldFile) + " ...");
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
            out.printf("local cloud: ready in %.1f s%n%n", (System.nanoTime() - start) / 1e9);
            LocalApp.Delivery delivery = app.deliver(input, out::println, Duration.ofMinutes(5));
            List<JsonNode> events = app.inbox().drain();
            boolean ok = !delivery.runs().isEmpty() || !delivery.answers().isEmpty();
            for (LocalApp.Run run : delivery.runs()) {
                RunSummary.print(app, run, events, out);
                ok &= run.succeeded();
            }
            delivery.answers().forEach((function, answer) -> {
                out.println();
                out.println(function + ":");
                out.println(answer.toPrettyString());
            });
            if (!delivery.answers().isEmpty()) {
                events.forEach(e -> out.println("event: " + e.path("detail-type").asText() + " "
                        + e.path("detail").path("cluster").asText()));
            }
            if (delivery.note() != null) {
                out.println(delivery.note());
            }
            out.println("function logs (JSON lines): " + relative(functionLog));
            if (stateOut != null) {
                cloud.writeState(stateOut);
                out.println("state written to " + stateOut);
            }
            out.printf("run-local: %s in %.1f s%n", ok ? "SUCCEEDED" : "FAILED", (System.nanoTime() - start) / 1e9);
            return ok ? 0 : 1;
        }
    }

    /** A path under the project as a relative one, as a person typed it. */
    static String relative(Path file) {
        Path root = ProjectFiles.root().toAbsolutePath().normalize();
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(root) ? root.relativize(abs).toString() : file.toString();
    }
}
