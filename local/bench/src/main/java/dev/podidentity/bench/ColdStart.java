package dev.podidentity.bench;

import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.app.StackParameters;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold start of every deployment jar, side by side with a minimal handler that builds one SDK client: a fresh JVM
 * per run (no SnapStart), JVM start to handler constructed (init) and to first response, against the local cloud,
 * each function called with the payload it first received in a real run. Median of {@code -Druns} (default 5).
 */
final class ColdStart {
    private static final int RUNS = Integer.getInteger("runs", 5);

    /** One function's medians; {@code errors} counts runs whose first call threw. */
    record Row(String function, double jarMiB, long initMs, long firstMs, long errors) {
    }

    private ColdStart() {
    }

    static List<Row> measure(LocalCloud cloud, LocalApp app, Map<String, String> firstPayloads) throws Exception {
        Path root = ProjectFiles.root();
        Path classes = Path.of(ColdStartDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = Files.createTempDirectory("coldstart");
        Map<String, String> common = new LinkedHashMap<>();
        common.put("AWS_REGION", cloud.region());
        common.put("AWS_ACCESS_KEY_ID", LocalCloud.ACCESS_KEY);
        common.put("AWS_SECRET_ACCESS_KEY", LocalCloud.SECRET_KEY);
        common.put("AUTOPILOT_ENDPOINT_URL", cloud.endpoint().toString());
        // what the template's references to resources stand for on the local cloud
        common.put("CONFIG_BUCKET", app.bucket());
        common.put("STATE_MACHINE_ARN", app.stateMachineArn());
        common.put("LOCK_TABLE", app.lockTable());
        // Lambda's own JVM flags for Java functions
        common.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

        List<Row> rows = new ArrayList<>();
        Path anyJar = root.resolve("functions/resolve/target/resolve.jar");
        Path empty = dir.resolve("minimal.json");
        Files.writeString(empty, "{}");
        long[] base = run(anyJar, classes, MinimalSdkHandler.class.getName(), empty, common);
        CfnTemplate template = CfnTemplate.load();
        StackParameters stack = new StackParameters(template, cloud.accountId(), Map.of());
        rows.add(new Row("minimal-sdk", 0, base[0], base[1], base[2]));
        for (Map.Entry<String, JsonNode> f : template.resourcesOfType("AWS::Serverless::Function").entrySet()) {
            JsonNode props = f.getValue().path("Properties");
            Path jar = root.resolve(props.path("CodeUri").asText());
            String handler = props.path("Handler").asText().split("::")[0];
            Path payload = dir.resolve(f.getKey() + ".json");
            String first = firstPayloads.get(f.getKey());
            if (first == null && f.getKey().equals("DispatcherFunction")) {
                first = Files.readString(ProjectFiles.event("cluster-created.json"));
            }
            Files.writeString(payload, first == null ? "{}" : first);
            // the function's environment as the template gives it, then what its resource references are here
            Map<String, String> own = new LinkedHashMap<>(stack.environment(List.of(f.getKey())));
            own.putAll(common);
            try {
                long[] m = run(jar, classes, handler, payload, own);
                rows.add(new Row(f.getKey(), Files.size(jar) / 1048576.0, m[0], m[1], m[2]));
            } catch (IllegalStateException noReport) {
                System.err.println(noReport.getMessage());
                rows.add(new Row(f.getKey(), Files.size(jar) / 1048576.0, -1, -1, RUNS));
            }
        }
        return rows;
    }

    static void print(List<Row> rows, Map<String, String> firstPayloads) {
        long base = rows.get(0).firstMs();
        System.out.printf("%-28s %8s %8s %9s %8s  %s%n", "function", "jar MiB", "init ms", "first ms", "vs min",
                "note");
        for (Row r : rows) {
            String note = r.function().equals("minimal-sdk") ? "one EksClient, one DescribeCluster"
                    : r.function().equals("DispatcherFunction") ? "events/cluster-created.json"
                    : !firstPayloads.containsKey(r.function()) ? "not invoked in the run: called with {}"
                    : r.initMs() < 0 ? "did not start (stderr says why)"
                    : r.errors() > 0 ? "first call threw" : "";
            System.out.printf("%-28s %8s %8d %9d %7.2fx  %s%n", r.function(),
                    r.jarMiB() == 0 ? "-" : String.format("%.1f", r.jarMiB()), r.initMs(), r.firstMs(),
                    (double) r.firstMs() / base, note);
        }
        System.out.println("(fresh JVM per run, no SnapStart; median of " + RUNS + ")");
    }

    /** Median init and first-response times over RUNS fresh JVMs; [2] counts runs whose call threw. */
    private static long[] run(Path jar, Path driverClasses, String handler, Path payload, Map<String, String> env)
            throws IOException, InterruptedException {
        List<Long> inits = new ArrayList<>();
        List<Long> firsts = new ArrayList<>();
        long errors = 0;
        for (int i = 0; i < RUNS; i++) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", jar + File.pathSeparator + driverClasses, ColdStartDriver.class.getName(), handler,
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
}
