package dev.podidentity.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * {@code ./run-local plan CONFIG [--world WORLD.yaml] [--for ACTION]}: what a run would do with this config on the
 * world's cluster, without doing it. The config is put where an upload would put it and Resolve plans it, so the
 * plan is exactly the one a real run would follow.
 */
final class PlanCommand {
    static final String USAGE = "usage: ./run-local plan CONFIG [--world WORLD.yaml] [--for ACTION]";

    private PlanCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Path config = null;
        Path world = null;
        Action action = Action.APPLY;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--world") && i + 1 < args.size()) {
                world = Path.of(args.get(++i));
            } else if (a.equals("--for") && i + 1 < args.size()) {
                String name = args.get(++i);
                action = Action.fromWireName(name).orElse(null);
                if (action == null) {
                    err.println("plan: unknown action \"" + name + "\"");
                    return 2;
                }
            } else if (!a.startsWith("-") && config == null) {
                config = Path.of(a);
            } else {
                err.println("plan: unexpected argument " + a);
                err.println(USAGE);
                return 2;
            }
        }
        if (config == null || !Files.isRegularFile(config)) {
            err.println(config == null ? USAGE : "plan: " + config + ": no such file");
            return 2;
        }
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
            LocalApp app = LocalApp.deploy(cloud);
            cloud.s3().putObject(b -> b.bucket(app.bucket()).key(key), RequestBody.fromBytes(bytes));
            ObjectNode input = JsonNodeFactory.instance.objectNode()
                    .put("action", planned.wireName()).put("cluster", cluster).put("configKey", key).put("dryRun", true);
            JsonNode run;
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
            out.println(app.services().runs().plan(run.path("planKey").asText()).path("planText").asText());
            return 0;
        }
    }
}
