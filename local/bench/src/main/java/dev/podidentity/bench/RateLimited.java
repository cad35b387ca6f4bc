package dev.podidentity.bench;

import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.gateway.RateLimits;

import java.util.List;

/**
 * A large apply against the account's rate limits (token buckets at the local cloud's gateway, each service
 * answering with its own throttling error): how close the run gets to the buckets' rates, how many calls were
 * throttled on the way, and whether every step succeeded. And the largest apply EKS allows, without limits.
 */
final class RateLimited {
    private RateLimited() {
    }

    static EndToEnd.AppRun measure(LocalCloud cloud, int n, long iamMs, long eksMs) throws Exception {
        List<RateLimits.Limit> limits = List.of(
                RateLimits.Limit.of("iam", RateLimits.Calls.WRITES, Double.parseDouble(System.getProperty("iam.writes",
                        "20")), Double.parseDouble(System.getProperty("iam.burst", "40"))),
                RateLimits.Limit.of("eks", RateLimits.Calls.WRITES, Double.parseDouble(System.getProperty("eks.writes",
                        "10")), Double.parseDouble(System.getProperty("eks.burst", "20"))));
        cloud.reseed();
        return EndToEnd.runApp(cloud, CfnTemplate.load(), n, iamMs, eksMs, limits);
    }

    static void print(EndToEnd.AppRun run) {
        EndToEnd.Side side = run.side();
        int n = run.n();
        System.out.printf("%d new associations, IAM %s, EKS %s; latencies as above%n", n,
                describe(run.limits(), "iam"), describe(run.limits(), "eks"));
        System.out.printf("%-13s %9s %9s %9s %12s %14s %14s  %s%n", "", "wall s", "floor s", "run/floor",
                "transitions", "IAM calls", "EKS calls", "result");
        System.out.printf("%-13s %9.1f %9.1f %8.2fx %12d %14s %14s  %s%n", side.name(), side.seconds(),
                run.floor().seconds(), side.seconds() / run.floor().seconds(), side.transitions(),
                side.total("iam:") + " (" + side.writes("iam:") + "w)", side.total("eks:") + " (" + side.writes("eks:")
                        + "w)", side.status());
        System.out.println(run.floor().describe());
        double bucket = run.limits().stream().filter(l -> l.service().equals("iam")).mapToDouble(RateLimits.Limit::perSecond)
                .findFirst().orElse(Double.NaN);
        System.out.printf("sustained IAM write rate: %.1f per s over %.1f s = %.0f%% of the bucket's %.0f per s%n",
                run.iamWriteRate(), run.iamWriteSpanSeconds(), 100 * run.iamWriteRate() / bucket, bucket);
        System.out.printf("throttled: %s = %.1f%% of %d IAM and EKS calls; failed steps: %d; transitions %d (goal <= "
                        + "2 x %d + 30 = %d)%n", run.throttled(), 100 * run.throttledShare(),
                side.total("iam:") + side.total("eks:"), run.failed(), side.transitions(), n, 2 * n + 30);
    }

    static EndToEnd.AppRun scale(LocalCloud cloud, int n) throws Exception {
        cloud.reseed();
        return EndToEnd.runApp(cloud, CfnTemplate.load(), n, 0, 0, List.of());
    }

    static void printScale(EndToEnd.AppRun run) {
        EndToEnd.Side side = run.side();
        long n = run.n();
        System.out.printf("%d new associations, no injected latency: %s in %.1f s, %d transitions (goal <= 2 x %d + 30 "
                        + "= %d), %d IAM + %d EKS calls, failed steps: %d%n", n, side.status(), side.seconds(),
                side.transitions(), n, 2 * n + 30, side.total("iam:"), side.total("eks:"), run.failed());
    }

    private static String describe(List<RateLimits.Limit> limits, String service) {
        return limits.stream().filter(l -> l.service().equals(service))
                .map(l -> String.format("%s %.0f per s (burst %.0f)", l.calls().name().toLowerCase(), l.perSecond(),
                        l.burst()))
                .findFirst().orElse("no limit");
    }
}
