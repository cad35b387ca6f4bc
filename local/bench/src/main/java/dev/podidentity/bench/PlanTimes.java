package dev.podidentity.bench;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.PlanJson;
import dev.podidentity.autopilot.plan.PlanOptions;
import dev.podidentity.autopilot.plan.PlanResult;
import dev.podidentity.autopilot.plan.PlanText;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.StandardPlanningPolicies;
import dev.podidentity.autopilot.naming.RoleNames;
import dev.podidentity.autopilot.validate.ConfigValidator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parse + validate + plan (+ render) for generated configs of 100 / 1,000 / 5,000 associations (5,000 is the EKS
 * quota), against an empty cluster (everything to create) and a converged one (everything unchanged): medians after
 * a warm-up, printed side by side. Part of {@link Benchmarks}; also runs alone.
 */
public final class PlanTimes {
    static final String CLUSTER = "bench-cluster";
    static final String ACCOUNT = "111122223333";
    static final String POD_TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
            + "{\"Service\":\"pods.eks.amazonaws.com\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}";

    /** One size's medians in milliseconds. */
    public record Row(int associations, double parseMs, double validateMs, double planEmptyMs, double planConvergedMs,
                      double textMs, double jsonMs, int jsonBytes) {
        public double totalMs() {
            return parseMs + validateMs + planEmptyMs;
        }
    }

    private PlanTimes() {
    }

    public static void main(String[] args) {
        print(measure(new int[] {100, 1_000, 5_000}, args.length > 0 ? Integer.parseInt(args[0]) : 7));
    }

    public static void print(List<Row> rows) {
        System.out.printf("%-8s %10s %11s %14s %18s %10s %10s %12s %12s%n", "assocs", "parse ms", "validate ms",
                "plan(empty) ms", "plan(converged) ms", "text ms", "json ms", "json bytes", "total ms");
        for (Row r : rows) {
            System.out.printf("%-8d %10.1f %11.1f %14.1f %18.1f %10.1f %10.1f %12d %12.1f%n", r.associations(),
                    r.parseMs(), r.validateMs(), r.planEmptyMs(), r.planConvergedMs(), r.textMs(), r.jsonMs(),
                    r.jsonBytes(), r.totalMs());
        }
        System.out.println("(total = parse + validate + plan against an empty cluster: Resolve's CPU work)");
    }

    public static List<Row> measure(int[] sizes, int runs) {
        Planner planner = new Planner(StandardPlanningPolicies.create());
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            byte[] yaml = yaml(n).getBytes(StandardCharsets.UTF_8);
            ClusterState empty = state(n, false);
            ClusterState converged = state(n, true);
            // warm up the JIT on this size before measuring
            for (int i = 0; i < 3; i++) {
                once(planner, yaml, empty);
                once(planner, yaml, converged);
            }
            long[] parse = new long[runs];
            long[] validate = new long[runs];
            long[] planEmpty = new long[runs];
            long[] planConverged = new long[runs];
            long[] text = new long[runs];
            long[] json = new long[runs];
            int bytes = 0;
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                LoadResult loaded = ConfigLoader.withDefaults().load(yaml, "bench.yaml");
                long t1 = System.nanoTime();
                List<Problem> problems = ConfigValidator.validate(loaded.config(), Action.APPLY);
                long t2 = System.nanoTime();
                Plan plan = planner.plan(loaded.config(), Action.APPLY, empty, PlanOptions.defaults()).orThrow();
                long t3 = System.nanoTime();
                Plan same = planner.plan(loaded.config(), Action.APPLY, converged, PlanOptions.defaults()).orThrow();
                long t4 = System.nanoTime();
                String rendered = PlanText.render(plan);
                long t5 = System.nanoTime();
                String written = PlanJson.write(plan);
                long t6 = System.nanoTime();
                check(problems.stream().noneMatch(Problem::isError), "config invalid: " + problems);
                check(plan.steps().size() == n + 1, "expected " + (n + 1) + " steps, got " + plan.steps().size());
                check(same.isEmpty(), "converged plan not empty");
                check(!rendered.isEmpty(), "no text");
                bytes = written.length();
                parse[r] = t1 - t0;
                validate[r] = t2 - t1;
                planEmpty[r] = t3 - t2;
                planConverged[r] = t4 - t3;
                text[r] = t5 - t4;
                json[r] = t6 - t5;
            }
            rows.add(new Row(n, ms(parse), ms(validate), ms(planEmpty), ms(planConverged), ms(text), ms(json), bytes));
        }
        return rows;
    }

    private static void once(Planner planner, byte[] yaml, ClusterState state) {
        LoadResult loaded = ConfigLoader.withDefaults().load(yaml, "bench.yaml");
        ConfigValidator.validate(loaded.config(), Action.APPLY);
        PlanResult result = planner.plan(loaded.config(), Action.APPLY, state, PlanOptions.defaults());
        PlanText.render(result.orThrow());
        PlanJson.write(result.orThrow());
    }

    /** n associations over n/50 namespaces: half with managed ARNs, a quarter well-known, a quarter an existing role. */
    static String yaml(int n) {
        StringBuilder b = new StringBuilder("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: "
                + CLUSTER + "\n  region: us-west-2\niam:\n  podIdentityAssociations:\n");
        for (int i = 0; i < n; i++) {
            b.append("    - namespace: ").append(ns(i)).append("\n      serviceAccountName: ").append(sa(i)).append('\n');
            switch (i % 4) {
                case 0, 1 -> b.append("      permissionPolicyARNs: [\"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\"]\n");
                case 2 -> b.append("      wellKnownPolicies:\n        externalDNS: true\n");
                default -> b.append("      roleARN: arn:aws:iam::").append(ACCOUNT).append(":role/app-").append(i)
                        .append('\n');
            }
        }
        return b.toString();
    }

    static ClusterState state(int n, boolean converged) {
        List<ClusterState.Association> associations = new ArrayList<>();
        Map<String, ClusterState.Role> roles = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String userRole = "arn:aws:iam::" + ACCOUNT + ":role/app-" + i;
            roles.put(userRole, new ClusterState.Role(userRole, "app-" + i, "/", Map.of(), POD_TRUST, List.of(),
                    List.of(), null));
            if (!converged) {
                continue;
            }
            String roleArn = userRole;
            if (i % 4 != 3) {
                String name = RoleNames.forAssociation(CLUSTER, ns(i), sa(i));
                roleArn = "arn:aws:iam::" + ACCOUNT + ":role/" + name;
                List<String> managed = i % 4 == 2 ? List.of() : List.of("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
                List<String> inline = i % 4 == 2 ? List.of("PolicyExternalDNSChangeSet", "PolicyExternalDNSHostedZones")
                        : List.of();
                roles.put(roleArn, new ClusterState.Role(roleArn, name, "/",
                        OwnershipTags.forAssociation(CLUSTER, ns(i), sa(i)), POD_TRUST, managed, inline, null));
            }
            String id = String.format("a-%017d", i);
            associations.add(new ClusterState.Association(id, "arn:aws:eks:us-west-2:" + ACCOUNT
                    + ":podidentityassociation/" + CLUSTER + "/" + id, ns(i), sa(i), roleArn, null, null, null,
                    OwnershipTags.forAssociation(CLUSTER, ns(i), sa(i)), null));
        }
        return new ClusterState(CLUSTER, ACCOUNT, "us-west-2", "aws", ClusterState.ClusterStatus.ACTIVE, false, null,
                converged ? new ClusterState.Agent("v1", "ACTIVE") : null, List.of(), associations, roles, List.of(),
                List.of());
    }

    static String ns(int i) {
        return "team-" + (i / 50);
    }

    static String sa(int i) {
        return "app-" + i;
    }

    private static double ms(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
