package dev.podidentity.autopilot.operate;

import dev.podidentity.autopilot.port.RunEvents;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.lambda.Log;
import dev.podidentity.autopilot.naming.BucketLayout;
import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.run.contract.ExecutionInfo;
import dev.podidentity.autopilot.run.contract.PlanSummary;
import dev.podidentity.autopilot.run.contract.ReportResult;
import dev.podidentity.autopilot.run.contract.ReportTask;
import dev.podidentity.autopilot.run.contract.ResolveOutput;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the Report stage (and the sweep) tell people, besides the JSON report: the human-readable report beside it,
 * exactly one run-finished event per run, the run's metrics, and one event per sweep finding that needs a person.
 * A retried Report writes the same keys again; its event may then arrive twice (EventBridge is at-least-once
 * anyway): consumers deduplicate on {@code detail.execution}.
 */
public final class RunNotices {
    /** Sweep verdicts that need a person, and their events' detail-types. */
    public static final Map<String, String> FINDING_DETAIL_TYPES = Map.of(
            "NOT_ONBOARDED", "Cluster Not Onboarded",
            "DRIFT", "Cluster Drift Detected",
            "INVALID_CONFIG", "Cluster Config Invalid");

    private final ConfigStore store;
    private final String bucket;
    private final RunEvents events;
    private final Clock clock;

    public RunNotices(ConfigStore store, String bucket, RunEvents events, Clock clock) {
        this.store = store;
        this.bucket = bucket;
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The Markdown report's key beside a JSON report's. */
    public static String markdownKey(String jsonKey) {
        return jsonKey.endsWith(".json") ? jsonKey.substring(0, jsonKey.length() - 5) + ".md" : jsonKey + ".md";
    }

    /**
     * A run's end: writes the Markdown report beside {@code report}'s JSON report (the report object as written),
     * puts the run-finished event, logs the metrics, and returns {@code result} (the execution's output) linking the
     * Markdown report and naming the outcome.
     */
    public ReportResult finished(JsonNode report, ReportResult result) {
        RunFinished.Outcome outcome = RunFinished.outcome(report);
        String jsonKey = report.path("reportKey").asText();
        String mdKey = markdownKey(jsonKey);
        announce(outcome, report, jsonKey, mdKey);
        return result.announced(mdKey, outcome.name());
    }

    /**
     * A plan-only run (dry run, get, migration without approval), from the ReportPlan state's input
     * ({@code input, execution, run}): its Markdown report (no JSON report: the sweep counts those as evidence of
     * onboarding, and a dry run changed nothing) and its event. Returns what the plan-only output links.
     */
    public ReportResult planned(ReportTask task) {
        ResolveOutput run = task.run();
        String cluster = run == null || run.cluster() == null ? "" : run.cluster();
        PlannedReport report = new PlannedReport(task.input(), task.execution(),
                new PlannedReport.Summary(run == null ? null : run.summary(),
                        run == null || run.action() == null ? "" : run.action(), cluster),
                run == null || run.planText() == null ? "" : run.planText(), List.of());
        String execution = task.execution() == null || task.execution().name() == null ? "unnamed"
                : task.execution().name();
        String mdKey = BucketLayout.reportsOf(cluster) + execution + ".md";
        announce(RunFinished.Outcome.PLANNED, JsonHandler.MAPPER.valueToTree(report), null, mdKey);
        return ReportResult.planned(mdKey, RunFinished.Outcome.PLANNED.name());
    }

    /** What the Markdown report of a plan-only run is rendered from: the plan's summary with the run's names. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PlannedReport(JsonNode input, ExecutionInfo execution, Summary summary, String planText,
                         List<Object> outcomes) {
        record Summary(@JsonUnwrapped PlanSummary plan, String action, String cluster) {
        }
    }

    private void announce(RunFinished.Outcome outcome, JsonNode report, String jsonKey, String mdKey) {
        Instant now = clock.instant();
        if (store != null) {
            store.write(mdKey, MarkdownReport.render(outcome, report, now).getBytes(StandardCharsets.UTF_8),
                    "text/markdown; charset=utf-8");
        }
        ObjectNode locations = JsonNodeFactory.instance.objectNode();
        if (jsonKey != null) {
            locations.put("json", location(jsonKey));
        }
        locations.put("markdown", location(mdKey));
        ObjectNode detail = RunFinished.detail(outcome, report, locations, now);
        events.put(outcome.detailType(), detail);
        Log.emit(RunMetrics.document(detail, report.path("outcomes"), now).toString());
        Log.forRun(detail.path("execution").asText(), detail.path("cluster").asText())
                .info("run-finished event put", "detailType", outcome.detailType(), "markdownKey", mdKey);
    }

    /** One event per finding of a sweep report that needs a person; returns how many were put. */
    public int sweepFindings(JsonNode sweep) {
        int put = 0;
        for (JsonNode finding : sweep.path("clusters")) {
            String detailType = FINDING_DETAIL_TYPES.get(finding.path("verdict").asText());
            if (detailType == null) {
                continue;
            }
            ObjectNode detail = JsonNodeFactory.instance.objectNode();
            detail.put("verdict", finding.path("verdict").asText());
            detail.put("cluster", finding.path("cluster").asText());
            for (String field : new String[] {"status", "configKey", "changes", "note"}) {
                if (finding.hasNonNull(field)) {
                    detail.set(field, finding.get(field));
                }
            }
            for (String list : new String[] {"steps", "problems"}) {
                if (finding.path(list).isArray()) {
                    ArrayNode copy = detail.putArray(list);
                    for (int i = 0; i < finding.get(list).size() && i < 10; i++) {
                        copy.add(finding.get(list).get(i));
                    }
                }
            }
            if (finding.has("fix")) {
                detail.set("fix", finding.get("fix"));
            }
            detail.put("sweepReport", location(sweep.path("reportKey").asText()));
            events.put(detailType, detail);
            put++;
        }
        return put;
    }

    private String location(String key) {
        return bucket == null ? key : "s3://" + bucket + "/" + key;
    }
}
