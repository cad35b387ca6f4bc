package dev.podidentity.bench;

import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.app.StackParameters;
import dev.podidentity.local.gateway.CallCounter;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Cold start of every deployment jar, side by side with a minimal handler that builds one SDK client: a fresh JVM
 * per run (no SnapStart), JVM start to handler constructed (init) and to first response, against the local cloud,
 * each function called with the payload it first received in a real run. Each run of a function is paired with a
 * run of the minimal handler right before it, so both see the same load on a shared machine; the ratio is of the
 * medians of those pairs. Median of {@code -Druns} (default 5). {@code -Dcoldstart.functions=ResolveFunction,...}
 * measures only those; {@code -Dcoldstart.jvmArgs=...} adds JVM options to the functions' runs (a JFR recording);
 * {@code -Dcoldstart.show=true} prints what each fresh JVM printed (the functions' log lines).
 * {@code -Dcoldstart.before=/path/to/another/checkout} runs that checkout's jars (built there) in the same rounds, each
 * right after the current one: "before" and "now" side by side under the same load, the ratio of their medians.
 * The runs get Lambda's CPU where this machine can give it ({@link LambdaCpu}: init unthrottled on one vCPU, the first
 * request at the function's memory's share), and every JVM the flags Lambda's Java runtime starts it with for that
 * memory (the Serial collector, a heap of 85% of it); each minimal run gets the memory of the function it is paired
 * with.
 */
final class ColdStart {
    private static final int RUNS = Integer.getInteger("runs", 5);

    /** One function's medians, and the minimal handler's in the same pairs; {@code errors}: runs whose call threw. */
    record Row(String function, double jarMB, long initMs, long firstMs, long minimalFirstMs, long errors,
               long primedCallMs, long calls, long minimalCalls, long beforeFirstMs, long beforeMinimalFirstMs) {
        double ratio() {
            return (double) firstMs / minimalFirstMs;
        }
    }

    /** Lambda's CPU for each run, or empty: this machine's as it is. */
    private static final Optional<LambdaCpu> CPU = LambdaCpu.create();

    /** The checkout whose jars run beside the current ones, or null. */
    private static final String BEFORE = System.getProperty("coldstart.before");

    /** The functions no state-machine run invokes, and the event each gets first in AWS. */
    private static final Map<String, String> EVENTS = Map.of("DispatcherFunction", "cluster-created.json",
            "SweepFunction", "scheduled-sweep.json");

    private ColdStart() {
    }

    /** A function's deployment jar: its CodeUri module's shaded jar, what the Makefile puts in its artifact. */
    static Path jar(Path root, String codeUri) {
        Path module = root.resolve(codeUri).normalize();
        if (codeUri.endsWith(".jar")) {
            return module;
        }
        return module.resolve("target").resolve(module.getFileName() + ".jar");
    }

    static List<Row> measure(LocalCloud cloud, LocalApp app, Map<String, String> firstPayloads) throws Exception {
        Path root = ProjectFiles.root();
        Path classes = Path.of(ColdStartDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = Files.createTempDirectory("coldstart");
        Map<String, String> common = new LinkedHashMap<>();
        common.put("AWS_REGION", cloud.region());
        common.put("AWS_ACCESS_KEY_ID", LocalCloud.ACCESS_KEY);
        common.put("AWS_SECRET_ACCESS_KEY", LocalCloud.SECRET_KEY);
        // the SDK's own endpoint setting, as `sam local invoke --env-vars local/env.json` gives it
        common.put("AWS_ENDPOINT_URL", cloud.endpoint().toString());
        // what the template's references to resources stand for on the local cloud
        common.put("CONFIG_BUCKET", app.bucket());
        common.put("STATE_MACHINE_ARN", app.stateMachineArn());
        common.put("LOCK_TABLE", app.lockTable());
        // Lambda's own JVM flags for Java functions
        common.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

        List<Row> rows = new ArrayList<>();
        CfnTemplate template = CfnTemplate.load();
        // the smallest jar with the EKS client: the baseline pays for no library it does not use either
        Path minimalJar = jar(root, template.resource("ClusterStatusFunction").path("Properties").path("CodeUri").asText());
        Path empty = dir.resolve("minimal.json");
        Files.writeString(empty, "{}");
        int defaultMemory = template.root().path("Globals").path("Function").path("MemorySize").asInt(128);
        Run minimal = new Run(minimalJar, classes, MinimalSdkHandler.class.getName(), () -> empty, common, false,
                defaultMemory);
        StackParameters stack = new StackParameters(template, cloud.accountId(), Map.of());
        CallCounter counter = cloud.calls();
        long[] alone = measure(List.of(minimal), counter).get(0);
        rows.add(new Row("minimal-sdk", 0, alone[0], alone[1], alone[1], alone[2], alone[3], alone[4], alone[4], -1, -1));
        // A batch's first request, replayed as is, finds its outcomes written and skips every step; and a replayed
        // Resolve rewrites its run's plan for the world as it is now (nothing left to do). So each batch's run is
        // copied now, before any replay, and each of its runs gets a fresh copy of that (FreshBatch).
        Map<String, Supplier<Path>> batches = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : firstPayloads.entrySet()) {
            JsonNode json = ProjectFiles.JSON.readTree(p.getValue());
            if (FreshBatch.isBatch(json)) {
                batches.put(p.getKey(), new FreshBatch(cloud.s3(), app.bucket(), json, dir.resolve(p.getKey())));
            }
        }
        String only = System.getProperty("coldstart.functions", "");
        for (Map.Entry<String, JsonNode> f : template.resourcesOfType("AWS::Serverless::Function").entrySet()) {
            if (!only.isEmpty() && !List.of(only.split(",")).contains(f.getKey())) {
                continue;
            }
            JsonNode props = f.getValue().path("Properties");
            Path jar = jar(root, props.path("CodeUri").asText());
            String handler = props.path("Handler").asText().split("::")[0];
            Path payload = dir.resolve(f.getKey() + ".json");
            String first = firstPayloads.get(f.getKey());
            if (first == null && EVENTS.containsKey(f.getKey())) {
                first = Files.readString(ProjectFiles.event(EVENTS.get(f.getKey())));
            }
            Files.writeString(payload, first == null ? "{}" : first);
            Supplier<Path> payloads = batches.getOrDefault(f.getKey(), () -> payload);
            // the function's environment as the template gives it, then what its resource references are here
            Map<String, String> own = new LinkedHashMap<>(stack.environment(List.of(f.getKey())));
            own.putAll(common);
            int memory = props.path("MemorySize").asInt(defaultMemory);
            try {
                Run function = new Run(jar, classes, handler, payloads, own, false, memory);
                Run paired = minimal.withMemory(memory);
                List<Run> runs = new ArrayList<>(List.of(paired, function, function.primed()));
                if (BEFORE != null) {
                    // the other checkout's jar, then a minimal run of its own: its ratio is of its own pairs too
                    runs.add(new Run(jar(Path.of(BEFORE), props.path("CodeUri").asText()), classes, handler, payloads,
                            own, false, memory));
                    runs.add(paired);
                }
                List<long[]> m = measure(runs, counter);
                rows.add(new Row(f.getKey(), Files.size(jar) / 1e6, m.get(1)[0], m.get(1)[1], m.get(0)[1],
                        m.get(1)[2], m.get(2)[3], m.get(1)[4], m.get(0)[4], BEFORE == null ? -1 : m.get(3)[1],
                        BEFORE == null ? -1 : m.get(4)[1]));
            } catch (IllegalStateException noReport) {
                System.err.println(noReport.getMessage());
                rows.add(new Row(f.getKey(), Files.size(jar) / 1e6, -1, -1, 1, RUNS, -1, -1, -1, -1, -1));
            }
        }
        return rows;
    }

    static void print(List<Row> rows, Map<String, String> firstPayloads) {
        System.out.println("(CPU: " + LambdaCpu.describe(CPU) + "; every JVM with Lambda's flags for its memory: "
                + "-XX:+UseSerialGC, a heap of 85%)");
        System.out.printf("%-28s %8s %8s %9s %10s %8s %9s %9s %s %s%n", "function", "jar MB", "init ms", "first ms",
                "minimal ms", "vs min", "primed ms", "AWS calls",
                BEFORE == null ? "" : String.format("%10s %8s %8s ", "before ms", "vs min", "now/bef"), " note");
        for (Row r : rows) {
            String note = r.function().equals("minimal-sdk")
                    ? "one EksClient, one DescribeCluster (the call alone: " + r.primedCallMs() + " ms)"
                    : EVENTS.containsKey(r.function()) ? "events/" + EVENTS.get(r.function())
                    : !firstPayloads.containsKey(r.function()) ? "not invoked in the run: called with {}"
                    : r.initMs() < 0 ? "did not start (stderr says why)"
                    : r.errors() > 0 ? "first call threw (stderr says why)"
                    : isBatch(firstPayloads.get(r.function())) ? "its batch, on a fresh copy of its run" : "";
            String before = BEFORE == null ? "" : r.beforeFirstMs() < 0 ? String.format("%10s %8s %8s ", "-", "-", "-")
                    : String.format("%10d %7.2fx %7.2fx ", r.beforeFirstMs(),
                    (double) r.beforeFirstMs() / r.beforeMinimalFirstMs(), (double) r.firstMs() / r.beforeFirstMs());
            System.out.printf("%-28s %8s %8d %9d %10d %7.2fx %9s %9s %s %s%n", r.function(),
                    r.jarMB() == 0 ? "-" : String.format("%.1f", r.jarMB()), r.initMs(), r.firstMs(),
                    r.minimalFirstMs(), r.ratio(), r.function().equals("minimal-sdk") ? "-" : r.primedCallMs(),
                    r.calls() + (r.function().equals("minimal-sdk") ? "" : " vs " + r.minimalCalls()), before, note);
        }
        if (BEFORE != null) {
            System.out.println("(\"before ms\": " + BEFORE + "'s jars in the same rounds, each right after the current "
                    + "one, and its ratio to a minimal run of its own right after it; \"now/bef\": first ms over before ms)");
        }
        CALLED.forEach((handler, calls) -> System.out.println("  " + handler.substring(handler.lastIndexOf('.') + 1)
                + " calls: " + calls));
        System.out.println("(fresh JVM per run, no SnapStart; medians of " + RUNS + " runs, each run of a function "
                + "right after one of the minimal handler: \"minimal ms\" is the minimal handler's in those pairs; "
                + "\"primed ms\": the first request alone after SnapStart's priming ran in the JVM, what a restored "
                + "snapshot's first request costs, restore not counted; \"AWS calls\": the calls the local cloud's "
                + "gateway counted during the function's first request (median), vs the minimal handler's; no latency "
                + "is injected on either side)");
    }

    private static boolean isBatch(String payload) {
        try {
            return FreshBatch.isBatch(ProjectFiles.JSON.readTree(payload));
        } catch (IOException e) {
            return false;
        }
    }

    /** One fresh-JVM run: a jar, the handler class on it, the payload file, the environment, the function's memory. */
    private record Run(Path jar, Path driverClasses, String handler, Supplier<Path> payload, Map<String, String> env,
                       boolean prime, int memoryMb) {
        /** The same run with SnapStart's priming before the first request. */
        Run primed() {
            return new Run(jar, driverClasses, handler, payload, env, true, memoryMb);
        }

        Run withMemory(int mb) {
            return new Run(jar, driverClasses, handler, payload, env, prime, mb);
        }
    }

    /** RUNS rounds of the given runs one after another; per run its median [init, first, errors, call, AWS calls]. */
    private static List<long[]> measure(List<Run> runs, CallCounter counter) throws IOException, InterruptedException {
        List<List<long[]>> samples = new ArrayList<>();
        runs.forEach(r -> samples.add(new ArrayList<>()));
        for (int i = 0; i < RUNS; i++) {
            for (int j = 0; j < runs.size(); j++) {
                // the payload first: a batch's fresh copy of its run is the benchmark's S3 calls, not the function's
                Path payload = runs.get(j).payload().get();
                Map<String, Long> before = counter.snapshot();
                long[] one = once(runs.get(j), payload);
                Map<String, Long> after = counter.snapshot();
                samples.get(j).add(new long[] {one[0], one[1], one[2], one[3], total(after) - total(before)});
                if (i == 0 && j == 1) {
                    // which calls the function's first request makes: what its warm-up has to cover
                    CALLED.put(runs.get(j).handler(), called(before, after));
                }
            }
        }
        List<long[]> medians = new ArrayList<>();
        for (List<long[]> s : samples) {
            List<Long> inits = new ArrayList<>(s.stream().map(x -> x[0]).toList());
            List<Long> firsts = new ArrayList<>(s.stream().map(x -> x[1]).toList());
            List<Long> calls = new ArrayList<>(s.stream().map(x -> x[3]).toList());
            List<Long> aws = new ArrayList<>(s.stream().map(x -> x[4]).toList());
            inits.sort(null);
            firsts.sort(null);
            calls.sort(null);
            aws.sort(null);
            medians.add(new long[] {inits.get(RUNS / 2), firsts.get(RUNS / 2), s.stream().filter(x -> x[2] > 0).count(),
                    calls.get(RUNS / 2), aws.get(RUNS / 2)});
        }
        return medians;
    }

    /** Every call the gateway has counted since its last reset (the runs are one at a time: the difference is one's). */
    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Per handler, the calls of its first measured request, by service and action. */
    private static final Map<String, String> CALLED = new LinkedHashMap<>();

    private static String called(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder out = new StringBuilder();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n > 0) {
                out.append(out.isEmpty() ? "" : ", ").append(k).append(n > 1 ? " x" + n : "");
            }
        });
        return out.toString();
    }

    /** The heap Lambda's Java runtime gives a function of this memory: 85% of it (445,645 KiB at 512 MB). */
    static long lambdaHeapKb(int memoryMb) {
        return Math.round(memoryMb * 1024 * 0.85);
    }

    /** One fresh JVM: [init ms, first ms, 1 if the call threw, the call's own ms]. */
    private static long[] once(Run run, Path payload) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcoldstart.prime=" + run.prime()));
        // what Lambda's Java runtime starts every function's JVM with: the Serial collector and a heap of 85% of the
        // function's memory (its command line, dumped from a java17 function at 512 MB: -XX:MaxHeapSize=445645k
        // -XX:+UseSerialGC). Left to itself on this machine's 24 GB, the JVM would pick G1 and size for 24 GB.
        command.add("-XX:+UseSerialGC");
        command.add("-XX:MaxHeapSize=" + lambdaHeapKb(run.memoryMb()) + "k");
        // e.g. -Dcoldstart.jvmArgs=-XX:StartFlightRecording=filename=/tmp/%p.jfr,settings=profile (not the minimal's)
        String jvmArgs = System.getProperty("coldstart.jvmArgs", "");
        if (!jvmArgs.isBlank() && !run.handler().equals(MinimalSdkHandler.class.getName())) {
            command.addAll(List.of(jvmArgs.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", run.jar() + File.pathSeparator + run.driverClasses(),
                ColdStartDriver.class.getName(), run.handler(), payload.toString()));
        if (CPU.isPresent()) {
            command = CPU.get().wrap(command, run.memoryMb());
        }
        ProcessBuilder pb = new ProcessBuilder();
        pb.environment().putAll(run.env());
        // what Lambda says of the environment: the primed run stands for a SnapStart restore, the others for on-demand
        pb.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", run.prime() ? "snap-start" : "on-demand");
        pb.redirectErrorStream(true);
        // the driver's times start here, on the same wall clock (see ColdStartDriver)
        command.add(Long.toString(System.currentTimeMillis()));
        Process p = pb.command(command).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        out.lines().filter(l -> l.startsWith("COLDSTART-ERROR") || Boolean.getBoolean("coldstart.show"))
                .forEach(System.err::println);
        String line = out.lines().filter(l -> l.startsWith("COLDSTART ")).findFirst()
                .orElseThrow(() -> new IllegalStateException(run.handler() + " did not report:\n" + out));
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.substring("COLDSTART ".length()).split(" ")) {
            String[] e = part.split("=", 2);
            kv.put(e[0], e.length > 1 ? e[1] : "");
        }
        return new long[] {Long.parseLong(kv.get("init")), Long.parseLong(kv.get("first")),
                kv.get("error").isEmpty() ? 0 : 1, Long.parseLong(kv.getOrDefault("call", "-1"))};
    }
}
