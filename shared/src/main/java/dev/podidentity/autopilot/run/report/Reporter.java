package dev.podidentity.autopilot.run.report;

import dev.podidentity.autopilot.naming.BucketLayout;

import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.run.RunArtifacts;
import dev.podidentity.autopilot.run.resolve.RunOutput;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.lambda.Log;

import dev.podidentity.autopilot.error.NotFoundException;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Report task: every step's outcome, what failed and why, written to the config bucket under
 * {@code reports/<cluster>/<execution>.json}; the summary it returns is the execution's output.
 *
 * <p>Outcomes are read from the batches' outcomes objects ({@link RunArtifacts}), one per batch descriptor of the
 * run: a batch that wrote outcomes before its Map state was stopped is still reported. Steps of a batch whose Map
 * item failed as a whole (its retries exhausted, the function timed out) and that have no outcome are reported
 * FAILED with the batch's error. The returned summary stays small: the first {@link #MAX_FAILED_LISTED} failures
 * and a count of the rest; the report object has them all.
 */
public final class Reporter {
    private static final List<String> PHASES = RunOutput.PHASES;
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_FAILED_LISTED = 20;

    private final ConfigStore store;
    private final RunArtifacts runs;

    public Reporter(ConfigStore store, RunArtifacts runs) {
        this.store = store;
        this.runs = runs;
    }

    public ObjectNode report(JsonNode input) {
        JsonNode run = input.path("run");
        JsonNode request = input.path("input");
        String cluster = run.path("cluster").asText(request.path("cluster").asText("unknown"));
        String execution = input.path("execution").path("name").asText("unnamed");
        ArrayNode outcomes = JsonNodeFactory.instance.arrayNode();
        JsonNode agent = input.path("outcomes").path("agent");
        if (agent.isObject()) {
            outcomes.add(withPhase(agent, "agent"));
        }
        String planKey = run.path("planKey").asText(null);
        PlanReader stored = new PlanReader(planKey);
        for (String phase : PHASES) {
            for (JsonNode batch : run.path(phase)) {
                for (JsonNode outcome : batchOutcomes(phase, batch, input.path("outcomes").path(phase), stored)) {
                    outcomes.add(withPhase(outcome, phase));
                }
            }
        }
        Map<String, Integer> counts = new TreeMap<>();
        ArrayNode failed = JsonNodeFactory.instance.arrayNode();
        for (JsonNode o : outcomes) {
            String result = o.path("result").asText("UNKNOWN");
            counts.merge(result, 1, Integer::sum);
            if ("FAILED".equals(result)) {
                failed.addObject().put("stepId", o.path("stepId").asText())
                        .put("error", o.path("error").asText())
                        .put("message", readableCause(o.path("cause").asText("")));
            }
        }
        JsonNode error = input.path("error");
        boolean runFailed = error.isObject() && error.hasNonNull("Error");
        String status = runFailed || !failed.isEmpty() ? "FAILED" : "SUCCEEDED";

        ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("action", run.path("action").asText(request.path("action").asText("")));
        summary.put("cluster", cluster);
        summary.set("counts", JSON.valueToTree(counts));
        summary.set("failed", failed);
        ObjectNode fullSummary = summary.deepCopy();
        if (run.has("summary")) {
            ObjectNode plan = run.get("summary").deepCopy();
            JsonNode restart = plan.remove("restartWorkloads");
            JsonNode note = plan.remove("restartNote");
            summary.set("plan", plan);
            // migration: the workloads whose running pods still hold IRSA credentials, where the operator looks
            if (restart != null) {
                summary.set("restartWorkloads", restart);
                summary.set("restartNote", note);
            }
        }
        fullSummary.setAll(summary.deepCopy().retain("plan", "restartWorkloads", "restartNote"));
        if (failed.size() > MAX_FAILED_LISTED) {
            summary.set("failed", RunOutput.first(failed, MAX_FAILED_LISTED));
            summary.put("failedNotListed", failed.size() - MAX_FAILED_LISTED);
            summary.put("failedNote", "and " + (failed.size() - MAX_FAILED_LISTED) + " more failed steps: see the "
                    + "report");
        }
        String reportKey = BucketLayout.reportKey(cluster, execution);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", status);
        if (runFailed) {
            out.put("cause", error.path("Error").asText() + ": " + readableCause(error.path("Cause").asText("")));
        } else if (!failed.isEmpty()) {
            out.put("cause", failed.size() + " of " + outcomes.size() + " steps failed; first: "
                    + failed.get(0).path("stepId").asText() + ": " + failed.get(0).path("message").asText());
        }
        out.put("reportKey", reportKey);
        out.set("summary", summary);

        ObjectNode full = out.deepCopy();
        full.set("summary", fullSummary);
        full.set("execution", input.path("execution"));
        full.set("input", request);
        full.put("planText", stored.present() ? stored.get().path("planText").asText("") : run.path("planText").asText(""));
        if (planKey != null) {
            full.put("planKey", planKey);
        }
        full.set("outcomes", outcomes);
        store.write(reportKey, full.toPrettyString().getBytes(StandardCharsets.UTF_8), "application/json");
        Log.forRun(execution, cluster).info("run " + status.toLowerCase(java.util.Locale.ROOT), "reportKey",
                reportKey, "counts", counts);
        return out;
    }

    /**
     * A batch's outcomes from its outcomes object; for a batch whose Map item failed, its steps without an outcome
     * become FAILED with the item's error. A batch that never ran (the run stopped before its phase) has none.
     */
    private List<JsonNode> batchOutcomes(String phase, JsonNode batch, JsonNode mapResults, PlanReader plan) {
        int number = batch.path("batch").asInt();
        List<JsonNode> out = new java.util.ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (plan.key != null) {
            runs.outcomes(RunArtifacts.outcomesKey(plan.key, phase, number)).ifPresent(list -> list.forEach(o -> {
                out.add(o);
                seen.add(o.path("stepId").asText());
            }));
        }
        JsonNode itemFailure = null;
        for (JsonNode result : mapResults) {
            if (result.path("batch").asInt(-1) == number && "FAILED".equals(result.path("result").asText())) {
                itemFailure = result;
            }
        }
        int expected = batch.path("to").asInt() - batch.path("from").asInt();
        if (itemFailure != null && out.size() < expected && plan.present()) {
            JsonNode steps = plan.get().path("phases").path(phase);
            for (int i = batch.path("from").asInt(); i < batch.path("to").asInt() && i < steps.size(); i++) {
                String stepId = steps.get(i).path("id").asText();
                if (!seen.contains(stepId)) {
                    out.add(JsonNodeFactory.instance.objectNode().put("stepId", stepId).put("result", "FAILED")
                            .put("error", itemFailure.path("error").asText())
                            .put("cause", itemFailure.path("cause").asText("")));
                }
            }
        }
        return out;
    }

    /** The run's plan artifact, read once and only when the report needs it. */
    private final class PlanReader {
        private final String key;
        private ObjectNode plan;
        private boolean read;

        PlanReader(String key) {
            this.key = key;
        }

        boolean present() {
            return get() != null;
        }

        /** The plan, or null when the run has none or it is gone: a report without it is still a report. */
        ObjectNode get() {
            if (!read && key != null) {
                read = true;
                try {
                    plan = runs.plan(key);
                } catch (NotFoundException gone) {
                    plan = null;
                }
            }
            return plan;
        }
    }

    private static ObjectNode withPhase(JsonNode outcome, String phase) {
        ObjectNode o = outcome.deepCopy();
        o.put("phase", phase);
        return o;
    }

    /** Lambda's error document (a JSON string in Cause) read down to its message, for people. */
    public static String readableCause(String cause) {
        if (cause == null || cause.isEmpty()) {
            return "";
        }
        try {
            JsonNode doc = JSON.readTree(cause);
            if (doc.hasNonNull("errorMessage")) {
                return doc.get("errorMessage").asText();
            }
        } catch (JsonProcessingException notJson) {
            // a plain-text cause is readable as it is
        }
        return cause;
    }
}
