package dev.podidentity.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold start of every deployment jar, side by side with a minimal handler that builds one SDK client: a fresh JVM
 * per run (no SnapStart), JVM start to handler constructed (init) and to first response, against the local cloud.
 * Not a test. Run: {@code local/bin/bench cold-start} (prints a table; median of RUNS runs).
 */
public final class ColdStartBenchmark {
    private static final int RUNS = Integer.getInteger("runs", 5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ColdStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = ProjectFiles.root();
        Path driverClasses = root.resolve("local/target/test-classes");
        try (LocalCloud cloud = LocalCloud.start(LocalWorlds.defaultWorld())) {
            LocalApp app = LocalApp.deploy(cloud);
            Map<String, JsonNode> payloads = payloads(app);
            Path dir = Files.createTempDirectory("coldstart");
            Map<String, String> env = new LinkedHashMap<>();
            env.put("AWS_REGION", cloud.region());
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("AUTOPILOT_ENDPOINT_URL", cloud.endpoint().toString());
            env.put("CONFIG_BUCKET", app.bucket());
            env.put("ROLE_PATH", "/pod-identity-autopilot/");
            env.put("STATE_MACHINE_ARN", app.stateMachineArn());
            env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

            System.out.printf("%-16s %10s %10s %10s %9s  %s%n", "function", "jar MiB", "init ms", "first ms",
                    "vs min", "note");
            Path anyJar = root.resolve("functions/resolve/target/resolve.jar");
            Path minimal = dir.resolve("minimal.json");
            Files.writeString(minimal, "{}");
            long[] base = measure(anyJar, driverClasses, MinimalSdkHandler.class.getName(), minimal, env);
            System.out.printf("%-16s %10s %10d %10d %9s  %s%n", "minimal-sdk", "-", base[0], base[1], "1.00x",
                    base[2] == 0 ? "one EksClient, one DescribeCluster" : "errors");
            CfnTemplate template = CfnTemplate.load();
            for (Map.Entry<String, JsonNode> f : template.resourcesOfType("AWS::Serverless::Function").entrySet()) {
                JsonNode props = f.getValue().path("Properties");
                Path jar = root.resolve(props.path("CodeUri").asText());
                String handler = props.path("Handler").asText().split("::")[0];
                String task = jar.getFileName().toString().replace(".jar", "");
                Path payload = dir.resolve(task + ".json");
                Files.writeString(payload, payloads.getOrDefault(task, JSON.createObjectNode()).toString());
                long[] m = measure(jar, driverClasses, handler, payload, env);
                System.out.printf("%-16s %10.1f %10d %10d %8.2fx  %s%n", task, Files.size(jar) / 1048576.0, m[0],
                        m[1], (double) m[1] / base[1], m[2] == 0 ? "" : "first call threw (payload)");
            }
        }
    }

    /** Median init and first-response times over RUNS fresh JVMs; [2] counts runs whose call threw. */
    private static long[] measure(Path jar, Path driverClasses, String handler, Path payload, Map<String, String> env)
            throws IOException, InterruptedException {
        List<Long> inits = new ArrayList<>();
        List<Long> firsts = new ArrayList<>();
        long errors = 0;
        for (int i = 0; i < RUNS; i++) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", jar + java.io.File.pathSeparator + driverClasses, ColdStartDriver.class.getName(), handler,
                    payload.toString());
            pb.environment().putAll(env);
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            String line = out.lines().filter(l -> l.startsWith("COLDSTART")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(handler + " did not report:\n" + out));
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.substring("COLDSTART ".length()).split(" ")) {
                String[] e = part.split("=", 2);
                kv.put(e[0], e.length > 1 ? e[1] : "");
            }
            inits.add(Long.parseLong(kv.get("init")));
            firsts.add(Long.parseLong(kv.get("first")));
            if (!kv.get("error").isEmpty()) {
                errors++;
            }
        }
        inits.sort(null);
        firsts.sort(null);
        return new long[] {inits.get(RUNS / 2), firsts.get(RUNS / 2), errors};
    }

    /** A realistic first payload per task, taken from a real plan on the default world. */
    private static Map<String, JsonNode> payloads(LocalApp app) throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        JsonNode apply = ProjectFiles.readJson(ProjectFiles.event("console-dry-run.json"));
        ObjectNode resolve = JSON.createObjectNode();
        resolve.set("input", apply);
        resolve.put("execution", "bench");
        out.put("resolve", resolve);
        JsonNode run = app.services().resolver().resolve(apply, "bench");
        out.put("trust-policy", item(run, "trust"));
        out.put("association", item(run, "associate"));
        JsonNode migrate = app.services().resolver().resolve(
                ProjectFiles.readJson(ProjectFiles.event("console-migrate-approve.json")), "bench-migrate");
        out.put("addon", item(migrate, "addons"));
        out.put("prune", item(migrate, "prune"));
        out.put("cluster-status", JSON.readTree("{\"kind\":\"cluster\",\"cluster\":\"dev-cluster\",\"attempt\":0}"));
        out.put("install-agent", JSON.readTree("{\"cluster\":\"auto-cluster\",\"execution\":\"bench\"}"));
        out.put("dispatcher", ProjectFiles.readJson(ProjectFiles.event("cluster-created.json")));
        ObjectNode report = JSON.createObjectNode();
        report.set("input", apply);
        report.putObject("execution").put("name", "bench");
        report.set("run", run);
        report.putObject("outcomes");
        out.put("report", report);
        return out;
    }

    /** The phase's first batch, as its Map state hands it over. */
    private static JsonNode item(JsonNode run, String phase) {
        ObjectNode item = JSON.createObjectNode();
        item.set("batch", run.path(phase).path(0));
        item.put("planKey", run.path("planKey").asText());
        item.put("execution", "bench");
        return item;
    }
}
