package dev.podidentity.bench;

import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every benchmark in one run, printed side by side (not tests: nothing here fails on a slow machine).
 * <pre>
 *   local/bin/bench                      # all sections
 *   local/bin/bench plan,e2e             # some: plan, e2e, rate, cold-start, scale (scale only when named)
 *   local/bin/bench e2e -Dassociations=100 -Diam.ms=150 -Deks.ms=200 -Druns=5
 *   local/bin/bench rate -Drate.associations=1000 -Diam.writes=20 -Diam.burst=40 -Deks.writes=10 -Deks.burst=20
 * </pre>
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Set<String> sections = Arrays.stream((args.length > 0 ? args[0] : "plan,e2e,rate,cold-start").split(","))
                .map(String::trim).collect(Collectors.toSet());
        System.out.println("pod-identity-autopilot benchmarks: " + Runtime.getRuntime().availableProcessors()
                + " cores, java " + System.getProperty("java.version") + ", " + java.time.Instant.now());
        if (sections.contains("plan")) {
            heading("Resolve's CPU work: parse + validate + plan, by config size");
            List<PlanTimes.Row> rows = PlanTimes.measure(new int[] {100, 1_000, 5_000}, Integer.getInteger("plan.runs", 7));
            PlanTimes.print(rows);
            System.out.printf("ratio 5,000 / 100 associations: %.1fx the time for 50x the work%n",
                    rows.get(2).totalMs() / rows.get(0).totalMs());
        }
        if (sections.contains("e2e") || sections.contains("cold-start") || sections.contains("rate")
                || sections.contains("scale")) {
            try (LocalCloud cloud = LocalCloud.start(LocalWorlds.defaultWorld())) {
                if (sections.contains("rate")) {
                    heading("At the account's rate limits: token buckets on IAM and EKS writes");
                    RateLimited.print(RateLimited.measure(cloud, Integer.getInteger("rate.associations", 1_000),
                            Long.getLong("iam.ms", 150), Long.getLong("eks.ms", 200)));
                }
                if (sections.contains("scale")) {
                    heading("End to end at EKS's quota of associations per cluster, no rate limit");
                    RateLimited.printScale(RateLimited.scale(cloud, Integer.getInteger("scale.associations", 5_000)));
                }
                if (!sections.contains("e2e") && !sections.contains("cold-start")) {
                    return;
                }
                // -Dcoldstart.sets=default,e2e: the default world's first requests, the 100-association run's, or both
                Set<String> sets = Set.of(System.getProperty("coldstart.sets", "default,e2e").split(","));
                if (sections.contains("cold-start") && sets.contains("default")) {
                    heading("Handler cold start vs a minimal SDK handler: a new deployment's first requests "
                            + "(default world: config-uploaded.json, console runs, a sweep)");
                    EndToEnd.FirstRequests first = EndToEnd.defaultWorldFirstRequests(cloud);
                    ColdStart.print(ColdStart.measure(cloud, first.app(), first.payloads()), first.payloads());
                }
                if (!sections.contains("e2e") && !sets.contains("e2e")) {
                    return;
                }
                int n = Integer.getInteger("associations", 100);
                EndToEnd.Result e2e = EndToEnd.measure(cloud, n, Long.getLong("iam.ms", 150), Long.getLong("eks.ms", 200));
                if (sections.contains("e2e")) {
                    heading("End to end on the local cloud, application vs one-at-a-time baseline");
                    EndToEnd.print(e2e);
                }
                if (sections.contains("cold-start") && sets.contains("e2e")) {
                    heading("Handler cold start vs a minimal SDK handler: the e2e run's first requests ("
                            + n + " associations, a world holding them)");
                    ColdStart.print(ColdStart.measure(cloud, e2e.deployed(), e2e.firstPayloads()), e2e.firstPayloads());
                }
            }
        }
    }

    private static void heading(String title) {
        System.out.println();
        System.out.println("== " + title + " ==");
    }
}
