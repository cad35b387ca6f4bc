package dev.podidentity.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.aws.AwsAdapters;
import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.AwsSettings;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.execute.ExecutorSettings;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.execute.Preflight;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.observe.ClusterObserver;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.PlanOptions;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.StandardPlanningPolicies;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.gateway.CallCounter;
import dev.podidentity.local.gateway.FaultRule;
import dev.podidentity.local.gateway.LambdaFunction;
import dev.podidentity.local.gateway.LambdaRegistry;
import dev.podidentity.local.gateway.RateLimits;
import dev.podidentity.local.world.GeneratedConfigs;
import software.amazon.awssdk.core.sync.RequestBody;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One apply of N new associations (each with a role the run creates) on the local cloud, with IAM and EKS latencies
 * injected at the gateway on every call, two ways side by side:
 * <ul>
 *   <li>the application: the real state machine on moto's Step Functions engine, the template's handlers;</li>
 *   <li>the baseline, the way eksctl's {@code create podidentityassociation} goes about it by hand: observe and plan,
 *       then one association at a time, each reading first, creating its role, then its association.</li>
 * </ul>
 * The baseline runs first, so the application's run is the last thing in the world: the cold-start benchmark replays
 * the payloads each function first received there, against the objects that run left in the bucket.
 * It also reports what a run costs: API calls and state transitions per association, Lambda invocations and their
 * billed duration (GB-seconds at the template's memory sizes), and the resulting price at list prices.
 */
final class EndToEnd {
    static final String CLUSTER = "dev-cluster";
    static final String KEY = "clusters/" + CLUSTER + ".yaml";
    private static final Planner PLANNER = new Planner(StandardPlanningPolicies.create());

    /**
     * What one side measured: {@code seconds} from its first call (StartExecution) to its end as the client saw it;
     * {@code executionSeconds}, the application's run from start to stop as Step Functions recorded them (NaN for
     * the baseline, which is its calls alone).
     */
    record Side(String name, String status, double seconds, double executionSeconds, long transitions,
                Map<String, Long> calls, Map<String, LambdaRegistry.Invocations> invocations) {
        long total(String prefix) {
            return calls.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .mapToLong(Map.Entry::getValue).sum();
        }

        long writes(String prefix) {
            return calls.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)
                            && CallCounter.isWrite(e.getKey().substring(prefix.length())))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** The application's run and the baseline for {@code n} associations, and the payloads each function got first. */
    record Result(int n, long iamMs, long eksMs, Side app, Side baseline, Map<String, Integer> memory,
                  double gbSeconds, double cost,
                  Map<String, String> firstPayloads, LocalApp deployed, Floor floor) {
    }

    private EndToEnd() {
    }

    static Result measure(LocalCloud cloud, int n, long iamMs, long eksMs) throws Exception {
        CfnTemplate template = CfnTemplate.load();
        // the baseline: one association after another, reading first
        cloud.reseed();
        latencies(cloud, iamMs, eksMs);
        Side baseline;
        try (AwsClients clients = AwsClients.create(AwsSettings.defaults(cloud.region()).withEndpoint(cloud.endpoint())
                .withCredentials(cloud.credentials()))) {
            ClusterObserver observer = AwsAdapters.observer(clients, PLANNER);
            StepExecutors executors = AwsAdapters.executors(clients, ExecutorSettings.defaults());
            ClusterConfig config = parse(config(n));
            cloud.calls().reset();
            long t0 = System.nanoTime();
            Plan plan = PLANNER.plan(config, Action.CREATE, observer.observe(CLUSTER, config, Action.CREATE, List.of()),
                    PlanOptions.defaults().withRolePath("/pod-identity-autopilot/")).orThrow();
            Map<Outcome.Result, Integer> results = new EnumMap<>(Outcome.Result.class);
            for (Step step : plan.stepsIn(Phase.ASSOCIATE)) {
                results.merge(executors.execute(CLUSTER, step, Preflight.READ_FIRST).result(), 1, Integer::sum);
            }
            baseline = new Side("sequential", results.toString(), (System.nanoTime() - t0) / 1e9, Double.NaN, 0,
                    cloud.calls().snapshot(), Map.of());
        }
        // the application, end to end (-Dapp.runs=N: N runs, each on a reseeded world; the median is the measurement)
        int runs = Math.max(1, Integer.getInteger("app.runs", 1));
        List<AppRun> all = new java.util.ArrayList<>();
        for (int i = 0; i < runs; i++) {
            cloud.reseed();
            all.add(runApp(cloud, template, n, iamMs, eksMs, List.of()));
            if (runs > 1) {
                System.out.printf("application run %d of %d: %.2f s (execution %.2f s), %s%n", i + 1, runs,
                        all.get(i).side().seconds(), all.get(i).side().executionSeconds(), all.get(i).side().status());
            }
        }
        AppRun median = all.stream().sorted(java.util.Comparator.comparingDouble(r -> r.side().seconds()))
                .toList().get((runs - 1) / 2);
        AppRun run = all.get(runs - 1); // the world holds the last run's objects (the cold-start replays its payloads)
        Side appSide = median.side();

        cloud.faults().clear();
        // That run gives Trust, Addons and Prune nothing to do: three console runs on the world give each its first
        // real batch (a migration off IRSA, an addon with its associations, a removal), for the cold-start table.
        for (String event : List.of("console-migrate-approve.json", "console-create-addon.json", "console-delete.json")) {
            run.app().deliver(ProjectFiles.readJson(ProjectFiles.event(event)), LocalApp.NO_PROGRESS, Duration.ofMinutes(10));
        }

        Map<String, Integer> memory = memoryByFunction(template);
        double gbSeconds = gbSeconds(appSide.invocations(), memory);
        long requests = appSide.invocations().values().stream().mapToLong(LambdaRegistry.Invocations::count).sum();
        double cost = appSide.transitions() * Pricing.PER_TRANSITION + requests * Pricing.PER_REQUEST
                + gbSeconds * Pricing.PER_GB_SECOND_ARM + appSide.writes("s3:") * Pricing.PER_S3_WRITE
                + (appSide.total("s3:") - appSide.writes("s3:")) * Pricing.PER_S3_READ;
        return new Result(n, iamMs, eksMs, appSide, baseline, memory, gbSeconds, cost, run.firstPayloads(), run.app(),
                median.floor());
    }

    /** A deployment and the payload each function first received in it. */
    record FirstRequests(LocalApp app, Map<String, String> payloads) {
    }

    /**
     * What a new user's deployment first sees, on the default world reseeded: the config upload of
     * events/config-uploaded.json (the world's clusters/dev-cluster.yaml, a few associations), then the three console
     * runs that give TrustPolicy, Addon and Prune their first real batch; no latency injected, as in the cold-start
     * runs themselves. The sweep's first request is events/scheduled-sweep.json over the world these runs leave.
     */
    static FirstRequests defaultWorldFirstRequests(LocalCloud cloud) throws Exception {
        cloud.reseed();
        cloud.faults().clear();
        cloud.rateLimits().clear();
        LocalApp app = LocalApp.deploy(cloud);
        Map<String, String> first = capturePayloads(cloud.lambdas());
        for (String event : List.of("config-uploaded.json", "console-migrate-approve.json", "console-create-addon.json",
                "console-delete.json")) {
            LocalApp.Delivery d = app.deliver(ProjectFiles.readJson(ProjectFiles.event(event)), LocalApp.NO_PROGRESS,
                    Duration.ofMinutes(10));
            d.runs().forEach(r -> System.out.println("  " + event + ": " + r.status()));
        }
        return new FirstRequests(app, first);
    }

    /** One application run of {@code n} new associations under these latencies and rate limits, on a seeded world. */
    record AppRun(int n, Side side, LocalApp app, Map<String, String> firstPayloads, Floor floor,
                  List<RateLimits.Limit> limits, Map<String, Long> throttled, Map<String, Long> admitted,
                  double iamWriteSpanSeconds, long failed) {
        /** IAM writes let through per second, from the first IAM write to the last. */
        double iamWriteRate() {
            return admitted.getOrDefault("iam:writes", side.writes("iam:")) / Math.max(1e-9, iamWriteSpanSeconds);
        }

        /** Throttled answers among all IAM and EKS calls. */
        double throttledShare() {
            long throttles = throttled.values().stream().mapToLong(Long::longValue).sum();
            return throttles / (double) Math.max(1, side.total("iam:") + side.total("eks:"));
        }
    }

    static AppRun runApp(LocalCloud cloud, CfnTemplate template, int n, long iamMs, long eksMs,
                         List<RateLimits.Limit> limits) throws Exception {
        int mapConcurrency = template.parameter("MapMaxConcurrency").path("Default").asInt(5);
        int parallelism = template.parameter("StepParallelism").path("Default").asInt(8);
        int batchSize = template.parameter("BatchSize").path("Default").asInt(50);
        LocalApp app = LocalApp.deploy(cloud, 1, mapConcurrency, s -> s);
        Map<String, String> firstPayloads = capturePayloads(cloud.lambdas());
        cloud.s3().putObject(b -> b.bucket(app.bucket()).key(KEY), RequestBody.fromString(config(n)));
        ObjectNode input = ProjectFiles.JSON.createObjectNode();
        input.put("action", "apply").put("cluster", CLUSTER).put("configKey", KEY);
        input.putObject("trigger").put("type", "console").put("id", "bench-" + n + "-" + System.nanoTime());
        latencies(cloud, iamMs, eksMs);
        cloud.rateLimits().clear();
        cloud.rateLimits().addAll(limits);
        cloud.calls().reset();
        cloud.lambdas().resetInvocations();
        long start = System.nanoTime();
        LocalApp.Delivery delivery = app.deliver(input, LocalApp.NO_PROGRESS, Duration.ofMinutes(30));
        double seconds = (System.nanoTime() - start) / 1e9;
        LocalApp.Run run = delivery.runs().get(0);
        JsonNode counts = run.outputJson().path("summary").path("counts");
        if (Boolean.getBoolean("timeline")) {
            timeline(app, run);
        }
        Side side = new Side("application", run.status() + " " + counts, seconds,
                run.duration() == null ? Double.NaN : run.duration().toNanos() / 1e9, run.stateTransitions(),
                cloud.calls().snapshot(), cloud.lambdas().invocations());
        List<CallCounter.Call> iamLog = cloud.calls().writeLog().stream().filter(c -> c.service().equals("iam"))
                .toList();
        double span = iamLog.size() < 2 ? 0 : Duration.between(iamLog.get(0).at(),
                iamLog.get(iamLog.size() - 1).at()).toNanos() / 1e9;
        // the writes that had to happen: those served (a throttled attempt is a call, not a write that happened)
        Map<String, Long> throttled = cloud.rateLimits().throttled();
        long iamWrites = side.writes("iam:") - throttled.getOrDefault("iam:writes", 0L);
        long eksWrites = side.writes("eks:") - throttled.getOrDefault("eks:writes", 0L);
        Floor floor = Floor.of(n, iamMs, eksMs, mapConcurrency, parallelism, batchSize, limits, iamWrites, eksWrites);
        AppRun out = new AppRun(n, side, app, firstPayloads, floor, limits, throttled, cloud.rateLimits().admitted(),
                span, counts.path("FAILED").asLong(0));
        cloud.faults().clear();
        cloud.rateLimits().clear();
        return out;
    }

    /**
     * What a run of {@code n} new associations cannot beat: the calls that must happen one after another. Resolve
     * reads the cluster, its longest chains of reads that depend on each other running at once: DescribeCluster,
     * ListAddons, DescribeAddon on EKS, and ListRoles, GetRole, ListAttachedRolePolicies on IAM (3 calls each); the
     * agent is created (1 EKS call: associations need the addon to exist, not to run), and its wait for ACTIVE, one
     * DescribeAddon, runs beside the associations; each association is CreateRole, AttachRolePolicy, then CreatePodIdentityAssociation
     * (2 IAM + 1 EKS call), as many at once as MapMaxConcurrency x StepParallelism allow, so
     * ceil(ceil(n / MapMaxConcurrency) / StepParallelism) rounds. Under rate limits the writes take at least
     * (writes - burst) / rate per bucket; the associate phase takes the longer of the two.
     */
    record Floor(double observe, double agent, double rounds, double chain, double rateBound, String bound) {
        double associate() {
            return Math.max(rounds * chain, rateBound);
        }

        double seconds() {
            // the agent's DescribeAddon (ACTIVE) runs beside the associations
            return observe + agent + Math.max(associate(), agent);
        }

        static Floor of(int n, long iamMs, long eksMs, int mapConcurrency, int parallelism, int batchSize,
                        List<RateLimits.Limit> limits, long iamWrites, long eksWrites) {
            int perBatch = Math.min(batchSize, (n + mapConcurrency - 1) / mapConcurrency);
            int batches = (n + perBatch - 1) / perBatch;
            int waves = (batches + mapConcurrency - 1) / mapConcurrency;
            double rounds = waves * Math.ceil(perBatch / (double) parallelism);
            double rateBound = 0;
            String bound = "latency";
            for (RateLimits.Limit limit : limits) {
                long writes = limit.service().equals("iam") ? iamWrites : limit.service().equals("eks") ? eksWrites : 0;
                if (limit.calls() == RateLimits.Calls.WRITES && writes > 0) {
                    double seconds = Math.max(0, writes - limit.burst()) / limit.perSecond();
                    if (seconds > rateBound) {
                        rateBound = seconds;
                        bound = String.format("%s writes: (%d - %.0f burst) / %.0f per s", limit.service(), writes,
                                limit.burst(), limit.perSecond());
                    }
                }
            }
            return new Floor(3 * Math.max(iamMs, eksMs) / 1e3, eksMs / 1e3, rounds,
                    (2 * iamMs + eksMs) / 1e3, rateBound, rounds * (2 * iamMs + eksMs) / 1e3 >= rateBound ? "latency"
                    : bound);
        }

        String describe() {
            return String.format("floor %.2f s = observe %.2f + agent %.2f + associate %.2f (%s: %.0f rounds x %.2f s"
                            + " chain%s)", seconds(), observe, agent, associate(), bound, rounds, chain,
                    rateBound > 0 ? String.format(", rate bound %.1f s", rateBound) : "");
        }
    }

    static void print(Result r) {
        System.out.printf("%d new associations (a role each), IAM %d ms and EKS %d ms injected per call%n", r.n(),
                r.iamMs(), r.eksMs());
        System.out.printf("%-13s %9s %10s %12s %12s %12s  %s%n", "", "wall s", "vs app", "transitions",
                "IAM calls", "EKS calls", "result");
        for (Side s : List.of(r.app(), r.baseline())) {
            System.out.printf("%-13s %9.1f %9.1fx %12s %12s %12s  %s%n", s.name(), s.seconds(),
                    s.seconds() / r.app().seconds(), s.transitions() == 0 ? "-" : s.transitions(),
                    s.total("iam:") + " (" + s.writes("iam:") + "w)", s.total("eks:") + " (" + s.writes("eks:") + "w)",
                    s.status());
        }
        System.out.printf("%s; application / floor: %.2fx; baseline / application: %.1fx%n", r.floor().describe(),
                r.app().seconds() / r.floor().seconds(), r.baseline().seconds() / r.app().seconds());
        // the wall above runs from StartExecution to the client's poll (every 100 ms) that saw the end
        System.out.printf("the same run as Step Functions records it (start to stop): %.2f s; / floor: %.2fx; baseline"
                        + " / it: %.1fx%n", r.app().executionSeconds(), r.app().executionSeconds() / r.floor().seconds(),
                r.baseline().seconds() / r.app().executionSeconds());
        Side app = r.app();
        System.out.printf("per association (application): %.2f transitions, %.2f IAM + %.2f EKS calls (%.2f writes), "
                        + "%.2f S3 calls%n", app.transitions() / (double) r.n(), app.total("iam:") / (double) r.n(),
                app.total("eks:") / (double) r.n(), (app.writes("iam:") + app.writes("eks:")) / (double) r.n(),
                app.total("s3:") / (double) r.n());
        System.out.println("Lambda invocations (billed ms, memory MB):");
        Map<String, Integer> memory = r.memory();
        r.app().invocations().forEach((fn, inv) -> System.out.printf("  %-28s %5d calls %9d ms %6d MB%n", fn,
                inv.count(), inv.billedMillis(), memory.getOrDefault(fn, 0)));
        long requests = app.invocations().values().stream().mapToLong(LambdaRegistry.Invocations::count).sum();
        System.out.printf("estimated cost of this run at list prices: $%.5f = %d transitions x $0.000025 + %d Lambda "
                        + "requests + %.1f GB-s (arm64) + %d S3 calls; $%.7f per association%n", r.cost(),
                app.transitions(), requests, r.gbSeconds(), app.total("s3:"), r.cost() / r.n());
        System.out.println("(local Lambda durations include the injected latencies; not included: cold-start INIT "
                + "(see the cold-start table), CloudWatch Logs, and free tiers)");
        System.out.println("IAM/EKS calls by operation, application vs baseline:");
        Map<String, long[]> ops = new TreeMap<>();
        app.calls().forEach((k, v) -> ops.computeIfAbsent(k, x -> new long[2])[0] = v);
        r.baseline().calls().forEach((k, v) -> ops.computeIfAbsent(k, x -> new long[2])[1] = v);
        ops.forEach((op, v) -> {
            if (op.startsWith("iam:") || op.startsWith("eks:") || op.startsWith("s3:")) {
                System.out.printf("  %-44s %8d %8d%n", op, v[0], v[1]);
            }
        });
    }

    /** -Dtimeline=true: when each state of the run was entered and left, from the execution's history. */
    private static void timeline(LocalApp app, LocalApp.Run run) {
        java.time.Instant first = null;
        for (software.amazon.awssdk.services.sfn.model.HistoryEvent e : app.history(run.executionArn())) {
            first = first == null ? e.timestamp() : first;
            String what = e.stateEnteredEventDetails() != null ? "-> " + e.stateEnteredEventDetails().name()
                    : e.stateExitedEventDetails() != null ? "<- " + e.stateExitedEventDetails().name() : null;
            if (what != null) {
                System.out.printf("  %7.3f s %s%n", Duration.between(first, e.timestamp()).toNanos() / 1e9, what);
            }
        }
    }

    private static void latencies(LocalCloud cloud, long iamMs, long eksMs) {
        cloud.faults().clear();
        cloud.faults().add(FaultRule.latency("iam", "*", iamMs));
        cloud.faults().add(FaultRule.latency("eks", "*", eksMs));
    }

    /** Wraps every registered function so the first payload each receives is kept (the cold-start benchmark's). */
    private static Map<String, String> capturePayloads(LambdaRegistry registry) {
        Map<String, String> first = new java.util.concurrent.ConcurrentHashMap<>();
        for (String name : registry.names()) {
            LambdaFunction real = registry.function(name);
            registry.register(name, payload -> {
                first.putIfAbsent(name, payload);
                return real.apply(payload);
            });
        }
        return first;
    }

    static double gbSeconds(Map<String, LambdaRegistry.Invocations> invocations, Map<String, Integer> memory) {
        double total = 0;
        for (Map.Entry<String, LambdaRegistry.Invocations> e : invocations.entrySet()) {
            total += e.getValue().billedMillis() / 1000.0 * memory.getOrDefault(e.getKey(), 1024) / 1024.0;
        }
        return total;
    }

    /** Each function's MemorySize in the template (its own, else the Globals'). */
    static Map<String, Integer> memoryByFunction(CfnTemplate template) {
        int global = template.root().path("Globals").path("Function").path("MemorySize").asInt(128);
        Map<String, Integer> out = new LinkedHashMap<>();
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, f) ->
                out.put(id, f.path("Properties").path("MemorySize").asInt(global)));
        return out;
    }

    static String config(int n) {
        return GeneratedConfigs.associations(CLUSTER, n);
    }

    private static ClusterConfig parse(String yaml) {
        LoadResult loaded = ConfigLoader.withDefaults().load(yaml, KEY);
        if (loaded.hasErrors()) {
            throw new IllegalStateException(loaded.problems().toString());
        }
        return loaded.config();
    }
}
