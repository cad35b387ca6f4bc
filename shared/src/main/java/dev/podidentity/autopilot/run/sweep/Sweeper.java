package dev.podidentity.autopilot.run.sweep;

import dev.podidentity.autopilot.concurrent.BackgroundRead;
import dev.podidentity.autopilot.naming.BucketLayout;

import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.run.TriggerTypes;
import dev.podidentity.autopilot.run.resolve.ResolvedRun;
import dev.podidentity.autopilot.run.resolve.Resolver;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.lambda.EventBridgeEvents;
import dev.podidentity.autopilot.lambda.Log;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.run.sweep.SweepFindings.ClusterFacts;
import dev.podidentity.autopilot.run.sweep.SweepFindings.Preview;
import dev.podidentity.autopilot.run.sweep.SweepFindings.Verdict;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The periodic sweep: CloudTrail delivers events best-effort, so a cluster can exist that no run ever onboarded, and
 * a config and its cluster can drift apart (an association deleted by hand). The sweep finds both and writes what it
 * found to {@code sweeps/<time>.json}. It changes nothing else: drift is measured by the same Resolver every run uses,
 * in plan-only mode, so the sweep's "would" lines are exactly what an apply would do.
 */
public final class Sweeper {
    /** Step lines kept per drifting cluster; the count says how many more there are. */
    public static final int STEP_LINES = 10;
    public static final int DEFAULT_MAX_CLUSTERS = 50;
    /**
     * Time kept back for the clusters still being examined when the budget runs out (they run side by side, so about
     * one cluster's checks) and for writing the report; the rest of the budget is spent starting clusters.
     */
    static final Duration RESERVE = Duration.ofSeconds(15);
    /**
     * Clusters examined at once. Each examination is a fan-out of its own (Resolve reads up to 8 roles, policies or
     * add-ons of a cluster at a time), and the account's IAM and EKS read rates are shared with the application's
     * runs and everything else in the account: 4 clusters keep the sweep at about 4 x 8 reads in flight, what 4 runs'
     * Resolve take together, while a fleet's sweep waits for about a quarter of its clusters' examinations one after
     * another instead of all of them. A read that is still throttled after the SDK's retries makes only its cluster
     * an ERROR, examined again by the next sweep.
     */
    static final int CLUSTERS_AT_ONCE = 4;
    private static final String INTERRUPTED = "interrupted while sweeping";
    /** How far back the previous sweep's resume point is looked for. */
    static final Duration RESUME_WINDOW = Duration.ofDays(30);
    static final String PREFIX = "sweeps/";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EksApi eks;
    private final ConfigStore store;
    private final Resolver resolver;
    private final int maxClusters;
    private final Clock clock;

    public Sweeper(EksApi eks, ConfigStore store, Resolver resolver, int maxClusters, Clock clock) {
        if (maxClusters < 1) {
            throw new IllegalArgumentException("SWEEP_MAX_CLUSTERS must be at least 1: " + maxClusters);
        }
        this.eks = eks;
        this.store = store;
        this.resolver = resolver;
        this.maxClusters = maxClusters;
        this.clock = clock;
    }

    /** {@code SWEEP_MAX_CLUSTERS} from the environment (the stack parameter SweepMaxClusters). */
    public static int maxClustersFrom(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_MAX_CLUSTERS;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SWEEP_MAX_CLUSTERS is not a number: " + value, e);
        }
    }

    /**
     * One sweep, for an EventBridge Scheduled Event (its {@code id}, {@code detail-type}, {@code time} and
     * {@code resources} are read; without a time, the sweep is named after now).
     *
     * @param budget how long this invocation may take (the Lambda's remaining time)
     * @return the report, as written to the bucket
     */
    public ObjectNode sweep(ScheduledEvent event, Duration budget) {
        Instant now = clock.instant();
        Instant deadline = now.plus(budget);
        Instant scheduled = Optional.ofNullable(EventBridgeEvents.time(event)).orElse(now);
        // The scheduled time names the report, so a redelivered event rewrites the same object.
        String reportKey = PREFIX + STAMP.format(scheduled) + ".json";
        String sweepId = "sweep-" + STAMP.format(scheduled);
        Log log = Log.forRun(sweepId, null);

        // The config index and where the previous sweep stopped are read beside the list of clusters: none of the
        // three needs another. When one fails, the others are discarded.
        List<String> clusters;
        SweepFindings.ConfigIndex configs;
        String resumeFrom;
        try (BackgroundRead<List<String>> configKeys = BackgroundRead.start("sweep-configs",
                () -> store.list(BucketLayout.CLUSTERS, null, Integer.MAX_VALUE));
             BackgroundRead<String> previous = BackgroundRead.start("sweep-resume-point",
                     () -> previousResumePoint(scheduled))) {
            clusters = eks.listClusters();
            configs = SweepFindings.index(configKeys.await(INTERRUPTED));
            resumeFrom = previous.await(INTERRUPTED);
        }
        List<String> order = SweepFindings.rotation(clusters, resumeFrom);

        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("reportKey", reportKey);
        report.put("time", scheduled.toString());
        ObjectNode trigger = report.putObject("trigger");
        trigger.put("id", Objects.requireNonNullElse(event.getId(), ""));
        trigger.put("detailType", Objects.requireNonNullElse(event.getDetailType(), ""));
        ArrayNode resources = trigger.putArray("resources");
        Objects.requireNonNullElse(event.getResources(), List.<String>of()).forEach(resources::add);
        report.put("clustersInRegion", order.size());
        report.put("startedAt", resumeFrom);

        Map<String, Integer> counts = new TreeMap<>();
        ArrayNode findings = report.putArray("clusters");
        ArrayNode skipped = JSON.createArrayNode();
        List<ClusterFacts> examined = examineInTurn(order.subList(0, Math.min(maxClusters, order.size())), deadline,
                cluster -> examine(cluster, configs.keyFor(cluster).orElse(null), sweepId));
        String next = null;
        for (int i = 0; i < order.size(); i++) {
            String cluster = order.get(i);
            if (i < examined.size()) {
                ClusterFacts facts = examined.get(i);
                Verdict verdict = SweepFindings.verdict(facts);
                counts.merge(verdict.name(), 1, Integer::sum);
                findings.add(finding(facts, verdict, sweepId));
                log.with("cluster", cluster).info("swept", "verdict", verdict.name());
                continue;
            }
            String reason = i >= maxClusters
                    ? "over this invocation's limit of " + maxClusters + " clusters (SweepMaxClusters)"
                    : "out of time: less than " + RESERVE.toSeconds() + " s of the invocation were left";
            next = next == null ? cluster : next;
            skipped.addObject().put("cluster", cluster).put("reason", reason);
        }
        report.put("examined", findings.size());
        report.set("counts", JSON.valueToTree(counts));
        report.set("skipped", skipped);
        // Where the next sweep starts; null when this one saw every cluster.
        report.put("resumeFrom", next);
        report.set("configsWithoutCluster", configsWithoutCluster(configs, Set.copyOf(clusters)));
        ArrayNode ignored = report.putArray("ignoredConfigKeys");
        configs.ignored().forEach(k -> ignored.addObject().put("key", k)
                .put("reason", "not clusters/<name>.yaml|yml|json: no upload of it starts a run"));
        configs.duplicates().forEach(k -> ignored.addObject().put("key", k)
                .put("reason", "the cluster has a config under another extension, which runs read first (.yaml, .yml, .json)"));

        store.write(reportKey, report.toPrettyString().getBytes(StandardCharsets.UTF_8), "application/json");
        log.info("sweep written", "reportKey", reportKey, "counts", counts, "skipped", skipped.size());
        return report;
    }

    /**
     * The candidates' facts, {@link #CLUSTERS_AT_ONCE} clusters at a time, in the candidates' order. Clusters are
     * handed out strictly in that order, and one is started only while {@link #RESERVE} of the budget is left; once
     * one is refused, none after it starts. So the clusters examined are always the first k candidates, each
     * examined once and to its end (the ones in flight when time runs out finish within the reserve), and the
     * first one not started is where the next sweep resumes: none is skipped for good, none examined twice.
     */
    private List<ClusterFacts> examineInTurn(List<String> candidates, Instant deadline,
                                             Function<String, ClusterFacts> examine) {
        ClusterFacts[] facts = new ClusterFacts[candidates.size()];
        Turns turns = new Turns(candidates.size(), deadline);
        int workers = Math.min(CLUSTERS_AT_ONCE, candidates.size());
        // each worker examines the next cluster in turn until none is left or time is up; examine() keeps a
        // cluster's failure to that cluster, so one worker's error never stops the others
        BackgroundRead.each(IntStream.range(0, workers).boxed().toList(), workers, worker -> {
            for (int i = turns.next(); i >= 0; i = turns.next()) {
                facts[i] = examine.apply(candidates.get(i));
            }
            return worker;
        }, INTERRUPTED);
        return Arrays.asList(facts).subList(0, turns.started());
    }

    /** Hands out the candidates' positions in order while the budget allows starting one more. */
    private final class Turns {
        private final int count;
        private final Instant deadline;
        private int started;
        private boolean outOfTime;

        Turns(int count, Instant deadline) {
            this.count = count;
            this.deadline = deadline;
        }

        /** The next position to examine, or -1: all started, or too little time left (then for good). */
        synchronized int next() {
            if (outOfTime || started >= count) {
                return -1;
            }
            if (clock.instant().plus(RESERVE).isAfter(deadline)) {
                outOfTime = true;
                return -1;
            }
            return started++;
        }

        synchronized int started() {
            return started;
        }
    }

    /** The facts about one cluster; a failed read becomes the cluster's error, not the sweep's. */
    private ClusterFacts examine(String cluster, String configKey, String sweepId) {
        String status = "UNKNOWN";
        try {
            Optional<EksApi.Cluster> described = eks.describeCluster(cluster);
            if (described.isEmpty()) {
                return new ClusterFacts(cluster, "DELETED", null, configKey, null, null);
            }
            status = described.get().status();
            if (!SweepFindings.judged(status)) {
                return new ClusterFacts(cluster, status, null, configKey, null, null);
            }
            if (configKey == null) {
                return new ClusterFacts(cluster, status, onboardingEvidence(cluster), null, null, null);
            }
        } catch (RuntimeException e) {
            return failed(cluster, status, null, configKey, sweepId, e);
        }
        // The onboarding evidence is listed beside the plan-only apply, which does not need it. A failed listing
        // is the cluster's error even when the preview succeeded (the listing came first when they ran in turn).
        Preview preview = null;
        RuntimeException previewFailed = null;
        String evidence;
        try (BackgroundRead<String> evidenceRead = BackgroundRead.start("sweep-evidence",
                () -> onboardingEvidence(cluster))) {
            try {
                preview = preview(cluster, configKey, sweepId);
            } catch (RuntimeException e) {
                previewFailed = e;
            }
            try {
                evidence = evidenceRead.await(INTERRUPTED);
            } catch (RuntimeException e) {
                return failed(cluster, status, null, configKey, sweepId, e);
            }
        }
        if (previewFailed != null) {
            return failed(cluster, status, evidence, configKey, sweepId, previewFailed);
        }
        return new ClusterFacts(cluster, status, evidence, configKey, preview, null);
    }

    /** A JSON report: every run writes one; plan-only runs leave a Markdown report only. */
    private String onboardingEvidence(String cluster) {
        return store.list(BucketLayout.reportsOf(cluster), null, 1000).stream()
                .filter(k -> k.endsWith(".json")).findFirst().orElse(null);
    }

    private static ClusterFacts failed(String cluster, String status, String evidence, String configKey,
                                       String sweepId, RuntimeException e) {
        Log.forRun(sweepId, cluster).warn("sweep could not examine the cluster", "error", e.toString());
        return new ClusterFacts(cluster, status, evidence, configKey, null,
                e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** A plan-only apply of the cluster's config through Resolve, the brain of every run. */
    private Preview preview(String cluster, String configKey, String sweepId) {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        input.put("action", "apply").put("cluster", cluster).put("configKey", configKey).put("dryRun", true);
        input.putObject("trigger").put("type", TriggerTypes.SWEEP).put("id", sweepId);
        ResolvedRun run;
        try {
            run = resolver.preview(input);
        } catch (InvalidInputException invalid) {
            return Preview.invalid(invalid.problems());
        }
        return new Preview(run.summary().changes(), run.summary().unchanged(),
                SweepFindings.stepLines(run.planText()), run.summary().warnings(), List.of());
    }

    private static ObjectNode finding(ClusterFacts facts, Verdict verdict, String sweepId) {
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        f.put("cluster", facts.cluster());
        f.put("status", facts.status());
        f.put("verdict", verdict.name());
        f.put("onboarded", facts.onboardingEvidence() != null);
        f.put("onboardingEvidence", facts.onboardingEvidence());
        f.put("configKey", facts.configKey());
        Preview p = facts.preview();
        if (p != null && p.valid()) {
            f.put("changes", p.changes());
            f.put("unchanged", p.unchanged());
            ArrayNode steps = f.putArray("steps");
            p.steps().stream().limit(STEP_LINES).forEach(steps::add);
            f.put("moreSteps", Math.max(0, p.steps().size() - STEP_LINES));
            ArrayNode warnings = f.putArray("warnings");
            p.warnings().forEach(warnings::add);
        } else if (p != null) {
            ArrayNode problems = f.putArray("problems");
            p.problems().forEach(problems::add);
        }
        if (facts.error() != null) {
            f.put("error", facts.error());
        }
        f.put("note", note(facts, verdict));
        if (verdict == Verdict.NOT_ONBOARDED || verdict == Verdict.DRIFT) {
            // The console input that fixes it (events/console-onboard.json / console-apply.json), ready to paste.
            ObjectNode fix = f.putObject("fix");
            fix.put("action", verdict == Verdict.DRIFT ? "apply" : "onboard").put("cluster", facts.cluster());
            if (verdict == Verdict.DRIFT) {
                fix.put("configKey", facts.configKey());
            }
            fix.put("dryRun", true);
            fix.putObject("trigger").put("type", TriggerTypes.CONSOLE).put("id", sweepId + "-" + facts.cluster());
        }
        return f;
    }

    private static String note(ClusterFacts facts, Verdict verdict) {
        return switch (verdict) {
            case NOT_JUDGED -> "cluster is " + facts.status() + ": not judged until it is ACTIVE";
            case ERROR -> "could not be examined; the next sweep tries again";
            case INVALID_CONFIG -> facts.configKey() + " would be refused by every run; fix it and upload it again";
            case NOT_ONBOARDED -> "no run report under reports/" + facts.cluster() + "/: the application never ran for "
                    + "this cluster (its CreateCluster event was not delivered, or it predates the stack)"
                    + (facts.configKey() == null ? "" : "; " + changesOf(facts.preview()) + " pending from "
                    + facts.configKey());
            case DRIFT -> changesOf(facts.preview()) + " between " + facts.configKey() + " and the cluster: an apply "
                    + "would make the steps listed";
            case IN_SYNC -> facts.configKey() + " and the cluster agree: an apply would change nothing";
            case ONBOARDED -> "onboarded; no clusters/" + facts.cluster() + ".yaml to compare the cluster with";
        };
    }

    private static String changesOf(Preview preview) {
        return preview.changes() + (preview.changes() == 1 ? " change" : " changes");
    }

    private static ArrayNode configsWithoutCluster(SweepFindings.ConfigIndex configs, Set<String> clusters) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        configs.byCluster().forEach((cluster, key) -> {
            if (!clusters.contains(cluster)) {
                out.addObject().put("cluster", cluster).put("configKey", key).put("note", "no cluster \"" + cluster
                        + "\" in this account and region: the config is applied when the cluster is created");
            }
        });
        return out;
    }

    /** Where the latest sweep of the last {@link #RESUME_WINDOW} stopped early, if it did. */
    private String previousResumePoint(Instant now) {
        List<String> keys = store.list(PREFIX, PREFIX + STAMP.format(now.minus(RESUME_WINDOW)), 1000);
        for (int i = keys.size() - 1; i >= 0; i--) {
            String key = keys.get(i);
            if (key.compareTo(PREFIX + STAMP.format(now)) >= 0) {
                continue; // this sweep's own report, rewritten on redelivery
            }
            Optional<byte[]> bytes = store.read(key, null);
            if (bytes.isEmpty()) {
                continue;
            }
            try {
                JsonNode previous = JSON.readTree(bytes.get());
                JsonNode resume = previous.path("resumeFrom");
                return resume.isTextual() ? resume.asText() : null;
            } catch (java.io.IOException unreadable) {
                return null;
            }
        }
        return null;
    }
}
