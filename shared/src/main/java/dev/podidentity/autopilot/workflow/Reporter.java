package dev.podidentity.autopilot.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.lambda.Log;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Report task: every step's outcome, what failed and why, written to the config bucket under
 * {@code reports/<cluster>/<execution>.json}; the summary it returns is the execution's output.
 */
public final class Reporter {
    private static final List<String> PHASES = List.of("trust", "associate", "addons", "prune");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConfigStore store;

    public Reporter(ConfigStore store) {
        this.store = store;
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
        for (String phase : PHASES) {
            for (JsonNode outcome : input.path("outcomes").path(phase)) {
                outcomes.add(withPhase(outcome, phase));
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
        String reportKey = "reports/" + cluster + "/" + execution + ".json";
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
        full.set("execution", input.path("execution"));
        full.set("input", request);
        full.put("planText", run.path("planText").asText(""));
        full.set("outcomes", outcomes);
        store.write(reportKey, full.toPrettyString().getBytes(StandardCharsets.UTF_8), "application/json");
        Log.forRun(execution, cluster).info("run " + status.toLowerCase(java.util.Locale.ROOT), "reportKey",
                reportKey, "counts", counts);
        return out;
    }

    private static ObjectNode withPhase(JsonNode outcome, String phase) {
        ObjectNode o = outcome.deepCopy();
        o.put("phase", phase);
        return o;
    }

    /** Lambda's error document (a JSON string in Cause) read down to its message, for people. */
    static String readableCause(String cause) {
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
