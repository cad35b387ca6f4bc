package dev.podidentity.local.bench;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.aws.AwsAdapters;
import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.execute.Preflight;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.observe.ClusterObserver;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.PlanOptions;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.StandardPlanningPolicies;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.execute.LocalAws;
import dev.podidentity.local.gateway.FaultRule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Not a test (no Test in its name; surefire skips it), and it never fails: it prints what creating associations
 * costs through the real code path (observe → plan → executors → SDK → gateway → moto / EKS emulator).
 *
 * <ol>
 *   <li>API calls, per service and operation, to create N=20 associations each with a new role (one managed policy
 *       each), then for a rerun: the whole flow again (observe + plan, nothing to do), and a replay of the same
 *       steps (what a Step Functions retry of an already-done Map item costs).</li>
 *   <li>Wall time to execute 100 such steps with 100 ms injected at the gateway on every call: sequentially, then on
 *       bounded pools (8 = the state machine's Map MaxConcurrency; 16), side by side with the speed-up; the last row
 *       trusts the plan ({@link Preflight#TRUST_PLAN}: no read before the creates).</li>
 * </ol>
 * Run:
 * <pre>
 *   ./run-tests -pl shared,local -DskipTests
 *   mvn -q -o -pl local dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp
 *   java -cp local/target/classes:local/target/test-classes:$(cat /tmp/cp) dev.podidentity.local.bench.ExecutorBenchmark
 * </pre>
 */
public final class ExecutorBenchmark {
    private static final String CLUSTER = "dev-cluster";
    private static final Planner PLANNER = new Planner(StandardPlanningPolicies.create());

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int wallN = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        long latency = args.length > 2 ? Long.parseLong(args[2]) : 100;
        try (LocalCloud cloud = LocalCloud.start(LocalWorlds.defaultWorld());
             AwsClients clients = LocalAws.clients(cloud)) {
            ClusterObserver observer = AwsAdapters.observer(clients, PLANNER);
            StepExecutors executors = LocalAws.executors(clients);
            callCounts(cloud, observer, executors, n);
            wallTime(cloud, observer, executors, wallN, latency);
        }
    }

    // ---------------------------------------------------------------------------------------------- calls

    private static void callCounts(LocalCloud cloud, ClusterObserver observer, StepExecutors executors, int n) {
        ClusterConfig config = config("calls", n);
        System.out.println("== API calls to create " + n + " associations, each with a new role (1 managed policy) ==");

        cloud.calls().reset();
        Plan plan = plan(observer, config);
        Map<String, Long> observe = cloud.calls().snapshot();
        cloud.calls().reset();
        List<Step> steps = plan.stepsIn(Phase.ASSOCIATE);
        Map<Outcome.Result, Integer> results = run(executors, steps, 1, Preflight.READ_FIRST);
        Map<String, Long> execute = cloud.calls().snapshot();
        cloud.calls().reset();

        Plan again = plan(observer, config);
        Map<String, Long> rerunObserve = cloud.calls().snapshot();
        cloud.calls().reset();
        Map<Outcome.Result, Integer> replayResults = run(executors, steps, 1, Preflight.READ_FIRST);
        Map<String, Long> replay = cloud.calls().snapshot();

        // the same again for another namespace, the executors trusting the plan (first attempt after Resolve)
        List<Step> trusted = plan(observer, config("calls-trusted", n)).stepsIn(Phase.ASSOCIATE);
        cloud.calls().reset();
        Map<Outcome.Result, Integer> trustedResults = run(executors, trusted, 1, Preflight.TRUST_PLAN);
        Map<String, Long> executeTrusted = cloud.calls().snapshot();
        cloud.calls().reset();
        Map<Outcome.Result, Integer> trustedReplayResults = run(executors, trusted, 1, Preflight.TRUST_PLAN);
        Map<String, Long> replayTrusted = cloud.calls().snapshot();

        System.out.printf("first run: %d steps %s (trust plan: %s); rerun plan: %d steps; replay of the same steps: %s "
                        + "(trust plan: %s)%n", steps.size(), results, trustedResults,
                again.stepsIn(Phase.ASSOCIATE).size(), replayResults, trustedReplayResults);
        table(n, List.of("observe", "exec READ_FIRST", "exec TRUST_PLAN", "rerun: observe", "replay READ_1ST",
                        "replay TRUST"),
                List.of(observe, execute, executeTrusted, rerunObserve, replay, replayTrusted));
    }

    private static void table(int n, List<String> names, List<Map<String, Long>> columns) {
        TreeMap<String, long[]> rows = new TreeMap<>();
        for (int c = 0; c < columns.size(); c++) {
            int col = c;
            columns.get(c).forEach((op, count) -> rows.computeIfAbsent(op, k -> new long[columns.size()])[col] = count);
        }
        StringBuilder header = new StringBuilder(String.format("%-40s", "service:operation"));
        names.forEach(name -> header.append(String.format(" %16s", name)));
        System.out.println(header);
        long[] totals = new long[columns.size()];
        long[] writes = new long[columns.size()];
        rows.forEach((op, counts) -> {
            StringBuilder line = new StringBuilder(String.format("%-40s", op));
            for (int c = 0; c < counts.length; c++) {
                line.append(String.format(" %16d", counts[c]));
                totals[c] += counts[c];
                if (isWrite(op)) {
                    writes[c] += counts[c];
                }
            }
            System.out.println(line);
        });
        StringBuilder total = new StringBuilder(String.format("%-40s", "total (writes)"));
        StringBuilder per = new StringBuilder(String.format("%-40s", "per association: reads / writes"));
        for (int c = 0; c < totals.length; c++) {
            total.append(String.format(" %16s", totals[c] + " (" + writes[c] + ")"));
            per.append(String.format(" %16s", String.format("%.2f / %.2f", (totals[c] - writes[c]) / (double) n,
                    writes[c] / (double) n)));
        }
        System.out.println(total);
        System.out.println(per);
        System.out.println();
    }

    private static boolean isWrite(String op) {
        String name = op.substring(op.indexOf(':') + 1);
        return List.of("Create", "Update", "Delete", "Put", "Attach", "Detach", "Tag", "Untag").stream()
                .anyMatch(name::startsWith);
    }

    // ---------------------------------------------------------------------------------------------- wall time

    private static void wallTime(LocalCloud cloud, ClusterObserver observer, StepExecutors executors, int n,
                                 long latency) throws Exception {
        System.out.println("== Wall time: " + n + " associations with new roles, " + latency
                + " ms injected per call (observe not included) ==");
        record Run(int threads, Preflight preflight) {
        }
        List<Run> runs = List.of(new Run(1, Preflight.READ_FIRST), new Run(8, Preflight.READ_FIRST),
                new Run(16, Preflight.READ_FIRST), new Run(8, Preflight.TRUST_PLAN));
        long sequential = 0;
        System.out.printf("%-28s %10s %8s %10s %s%n", "executors", "wall ms", "calls", "speed-up", "results");
        for (Run run : runs) {
            cloud.faults().clear();
            List<Step> steps = plan(observer, config("wall" + run.threads() + run.preflight().ordinal(), n))
                    .stepsIn(Phase.ASSOCIATE);
            cloud.faults().add(FaultRule.latency("*", "*", latency));
            cloud.calls().reset();
            long start = System.nanoTime();
            Map<Outcome.Result, Integer> results = run(executors, steps, run.threads(), run.preflight());
            long ms = (System.nanoTime() - start) / 1_000_000;
            long calls = cloud.calls().snapshot().values().stream().mapToLong(Long::longValue).sum();
            if (run.threads() == 1) {
                sequential = ms;
            }
            String name = (run.threads() == 1 ? "sequential" : "pool of " + run.threads()) + ", " + run.preflight();
            System.out.printf("%-28s %10d %8d %9.1fx %s%n", name, ms, calls, sequential / (double) ms, results);
        }
        cloud.faults().clear();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static Plan plan(ClusterObserver observer, ClusterConfig config) {
        ClusterState state = observer.observe(CLUSTER, config, Action.CREATE, List.of());
        return PLANNER.plan(config, Action.CREATE, state, PlanOptions.defaults().withRolePath("/pod-identity-autopilot/"))
                .orThrow();
    }

    private static Map<Outcome.Result, Integer> run(StepExecutors executors, List<Step> steps, int threads,
                                                    Preflight preflight) {
        Map<Outcome.Result, Integer> results = new EnumMap<>(Outcome.Result.class);
        if (threads == 1) {
            steps.forEach(s -> results.merge(executors.execute(CLUSTER, s, preflight).result(), 1, Integer::sum));
            return results;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Outcome>> futures = new ArrayList<>();
            steps.forEach(s -> futures.add(pool.submit(() -> executors.execute(CLUSTER, s, preflight))));
            for (Future<Outcome> f : futures) {
                results.merge(f.get().result(), 1, Integer::sum);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return results;
    }

    private static ClusterConfig config(String namespace, int n) {
        StringBuilder yaml = new StringBuilder("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n"
                + "  name: " + CLUSTER + "\niam:\n  podIdentityAssociations:\n");
        for (int i = 0; i < n; i++) {
            yaml.append("    - namespace: ").append(namespace).append("\n      serviceAccountName: svc-").append(i)
                    .append("\n      permissionPolicyARNs: [").append(LocalAws.POLICY_S3_READ).append("]\n");
        }
        LoadResult loaded = ConfigLoader.withDefaults().load(yaml.toString(), namespace + ".yaml");
        if (loaded.hasErrors()) {
            throw new IllegalStateException(loaded.problems().toString());
        }
        return loaded.config();
    }
}
