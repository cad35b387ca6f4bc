package dev.podidentity.autopilot.operate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-run metrics as one log line in CloudWatch's embedded metric format: CloudWatch Logs turns it into metrics in
 * the {@link #NAMESPACE} namespace, dimension {@code Outcome}, without a PutMetricData call (none at cold start, no
 * extra permission). Cluster and execution ride along as properties (searchable in Logs Insights, not dimensions:
 * one metric per cluster would cost per cluster).
 */
public final class RunMetrics {
    public static final String NAMESPACE = "PodIdentityAutopilot";

    private RunMetrics() {
    }

    /** The metrics document of one finished run (its event detail and its full report's outcomes). */
    public static ObjectNode document(ObjectNode detail, JsonNode outcomes, Instant now) {
        Map<String, Integer> values = new LinkedHashMap<>();
        values.put("Runs", 1);
        values.put("AssociationsCreated", 0);
        values.put("AssociationsUpdated", 0);
        values.put("AssociationsFailed", 0);
        values.put("StepsFailed", 0);
        for (JsonNode o : outcomes) {
            String result = o.path("result").asText();
            if ("FAILED".equals(result)) {
                values.merge("StepsFailed", 1, Integer::sum);
            }
            if ("associate".equals(o.path("phase").asText()) || "addons".equals(o.path("phase").asText())) {
                switch (result) {
                    case "CREATED" -> values.merge("AssociationsCreated", 1, Integer::sum);
                    case "UPDATED" -> values.merge("AssociationsUpdated", 1, Integer::sum);
                    case "FAILED" -> values.merge("AssociationsFailed", 1, Integer::sum);
                    default -> {
                    }
                }
            }
        }
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        ObjectNode aws = doc.putObject("_aws");
        aws.put("Timestamp", now.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Outcome");
        ArrayNode metrics = directive.putArray("Metrics");
        values.keySet().forEach(name -> metrics.addObject().put("Name", name).put("Unit", "Count"));
        boolean timed = detail.has("durationSeconds");
        if (timed) {
            metrics.addObject().put("Name", "RunDuration").put("Unit", "Seconds");
        }
        doc.put("level", "INFO");
        doc.put("Outcome", detail.path("outcome").asText());
        values.forEach(doc::put);
        if (timed) {
            doc.put("RunDuration", detail.path("durationSeconds").asDouble());
        }
        doc.put("cluster", detail.path("cluster").asText());
        doc.put("execution", detail.path("execution").asText());
        doc.put("action", detail.path("action").asText());
        return doc;
    }
}
