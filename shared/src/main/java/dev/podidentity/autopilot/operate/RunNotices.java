package dev.podidentity.autopilot.operate;

import dev.podidentity.autopilot.port.RunEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.lambda.Log;
import dev.podidentity.autopilot.naming.BucketLayout;
import dev.podidentity.autopilot.port.ConfigStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
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
     * A run's end: writes the Markdown report beside {@code full}'s JSON report, puts the run-finished event, logs
     * the metrics, and links the Markdown report from {@code output} (the execution's output).
     */
    public void finished(ObjectNode full, ObjectNode output) {
        RunFinished.Outcome outcome = RunFinished.outcome(full);
        String jsonKey = full.path("reportKey").asText();
        announce(outcome, full, jsonKey, markdownKey(jsonKey), output);
    }

    /**
     * A plan-only run (dry run, get, migration without approval), from the Report stage's plan input
     * {@code {"input", "execution", "run"}}: its Markdown report (no JSON report: the sweep counts those as evidence
     * of onboarding, and a dry run changed nothing) and its event. Returns what the plan-only output links.
     */
    public ObjectNode planned(JsonNode in) {
        JsonNode run = in.path("run");
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.set("input", in.path("input"));
        report.set("execution", in.path("execution"));
        ObjectNode summary = run.path("summary").isObject() ? run.get("summary").deepCopy()
                : JsonNodeFactory.instance.objectNode();
        summary.put("action", run.path("action").asText());
        summary.put("cluster", run.path("cluster").asText());
        report.set("summary", summary);
        report.put("planText", run.path("planText").asText(""));
        report.putArray("outcomes");
        String mdKey = BucketLayout.reportsOf(run.path("cluster").asText())
                + in.path("execution").path("name").asText("unnamed") + ".md";
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        announce(RunFinished.Outcome.PLANNED, report, null, mdKey, output);
        return output;
    }

    private void announce(RunFinished.Outcome outcome, JsonNode report, String jsonKey, String mdKey,
                          ObjectNode output) {
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
        output.put("reportMarkdownKey", mdKey);
        output.put("outcome", outcome.name());
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
