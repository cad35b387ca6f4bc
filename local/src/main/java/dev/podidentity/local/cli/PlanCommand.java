package dev.podidentity.local.cli;

import dev.podidentity.autopilot.run.contract.ResolveOutput;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.naming.BucketLayout;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.error.AutopilotException;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.app.LocalApp;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code ./run-local plan CONFIG [--world WORLD.yaml] [--for ACTION] [--parameters FILE]}: what a run would do with this config on the
 * world's cluster, without doing it. The config is put where an upload would put it and Resolve plans it, so the
 * plan is exactly the one a real run would follow.
 */
final class PlanCommand {
    static final String USAGE = "usage: ./run-local plan CONFIG [--world WORLD.yaml] [--for ACTION] [--parameters FILE]";

    private PlanCommand() {
    }

    static final String HELP = """
            ./run-local plan CONFIG [--world WORLD.yaml] [--for ACTION] [--parameters FILE]

            Shows what a run would do with an eksctl ClusterConfig file on the world's cluster (the one the file
            names in metadata.name), without doing it: the same plan a dry run prints. Starts the local cloud.

              --world WORLD.yaml   the world to plan against (default local/worlds/default.yaml)
              --for ACTION         the action to plan (default apply)
              --parameters FILE    the deployment's stack parameters (Key=Value lines or JSON), as deployed
            """;

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CliArgs parsed = CliArgs.parse("./run-local plan", args, java.util.Set.of("--world", "--for", ParametersFile.OPTION), 1);
        if (parsed.help) {
            out.print(HELP);
            return 0;
        }
        Action action = Action.APPLY;
        Map<String, String> parameters = parsed.parameters();
        if (parsed.options.containsKey("--for")) {
            String name = parsed.options.get("--for");
            action = Action.fromWireName(name).orElseThrow(() -> new UsageException("plan: unknown action \"" + name
                    + "\" (one of " + String.join(", ", java.util.Arrays.stream(Action.values())
                    .map(Action::wireName).toList()) + ")"));
        }
        if (parsed.positional.isEmpty()) {
            throw new UsageException("plan needs a CONFIG file (./run-local plan --help)");
        }
        Path config = Path.of(parsed.positional.get(0));
        if (!Files.isRegularFile(config)) {
            throw new UsageException("plan: " + config + ": no such file");
        }
        Path world = parsed.existingFile("--world", "world file");
        LocalChecks.world(world != null ? world : LocalWorlds.defaultWorld());
        String file = config.toString();
        byte[] bytes = Files.readAllBytes(config);
        LoadResult loaded = ConfigLoader.withDefaults().load(bytes, file);
        if (loaded.config() == null || loaded.config().metadata() == null || loaded.config().metadata().name() == null) {
            loaded.problems().forEach(p -> out.println(p.format(file)));
            out.println(file + ": the config must name its cluster in metadata.name");
            return 1;
        }
        String cluster = loaded.config().metadata().name();
        String name = config.getFileName().toString();
        String key = BucketLayout.CLUSTERS + cluster + name.substring(Math.max(0, name.lastIndexOf('.')));
        Action planned = action;
        try (LocalCloud cloud = LocalCloud.start(world != null ? world : LocalWorlds.defaultWorld())) {
            LocalApp app = LocalApp.deploy(cloud, parameters);
            cloud.s3().putObject(b -> b.bucket(app.bucket()).key(key), RequestBody.fromBytes(bytes));
            ObjectNode input = JsonNodeFactory.instance.objectNode()
                    .put("action", planned.wireName()).put("cluster", cluster).put("configKey", key).put("dryRun", true);
            ResolveOutput run;
            try {
                run = app.services().resolver().resolve(input, "plan-" + cluster);
            } catch (InvalidInputException e) {
                e.problems().forEach(p -> out.println(p.replace(key + ":", file + ":")));
                return 1;
            } catch (AutopilotException e) {
                out.println("plan: " + e.getMessage());
                return 1;
            }
            // The run carries a bounded plan text; the stored plan has all of it.
            out.println(app.services().runs().plan(run.planKey()).path("planText").asText());
            return 0;
        }
    }
}
