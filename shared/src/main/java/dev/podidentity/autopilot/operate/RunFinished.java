package dev.podidentity.autopilot.operate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The run-finished event: how a run ended (one {@code detail-type} per outcome) and what a person routing it needs
 * (cluster, action, trigger, counts, duration, the first failures and where the reports are). Built from the full
 * report the Report task writes, or from a plan-only run's plan.
 */
public final class RunFinished {
    /** Failures named in the event; the count says how many there were, the report has them all. */
    static final int FAILURES_IN_EVENT = 5;

    /** How a run ended, and the detail-type of its event. */
    public enum Outcome {
        SUCCEEDED("Run Succeeded"),
        STEPS_FAILED("Run Steps Failed"),
        RUN_FAILED("Run Failed"),
        SUPERSEDED("Run Superseded"),
        LOCKED_OUT("Run Locked Out"),
        PLANNED("Run Planned");

        private final String detailType;

        Outcome(String detailType) {
            this.detailType = detailType;
        }

        public String detailType() {
            return detailType;
        }

        /** Needs a person: the notification rule in template.yaml sends these (and sweep findings). */
        public boolean needsAttention() {
            return this == STEPS_FAILED || this == RUN_FAILED || this == LOCKED_OUT;
        }
    }

    private RunFinished() {
    }

    /** How the run of this full report ended. */
    public static Outcome outcome(JsonNode report) {
        String error = report.path("error").path("Error").asText("");
        if ("PodIdentityAutopilot.ClusterLocked".equals(error)) {
            return Outcome.LOCKED_OUT;
        }
        if (!error.isEmpty()) {
            return Outcome.RUN_FAILED;
        }
        if (report.path("summary").path("plan").hasNonNull("superseded")) {
            return Outcome.SUPERSEDED;
        }
        return report.path("summary").path("failed").isEmpty() && "SUCCEEDED".equals(report.path("status").asText())
                ? Outcome.SUCCEEDED : Outcome.STEPS_FAILED;
    }

    /**
     * The event's detail. {@code report} is the full report (or, for {@link Outcome#PLANNED}, the plan-only
     * answer with {@code execution}, {@code input} and {@code summary}); {@code locations} names the reports.
     */
    public static ObjectNode detail(Outcome outcome, JsonNode report, ObjectNode locations, Instant now) {
        JsonNode input = report.path("input");
        JsonNode summary = report.path("summary");
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("outcome", outcome.name());
        d.put("cluster", summary.path("cluster").asText(input.path("cluster").asText("")));
        d.put("action", summary.path("action").asText(input.path("action").asText("")));
        d.put("dryRun", outcome == Outcome.PLANNED || input.path("dryRun").asBoolean(false));
        d.put("execution", report.path("execution").path("name").asText(""));
        d.put("executionArn", report.path("execution").path("id").asText(""));
        ObjectNode trigger = d.putObject("trigger");
        trigger.put("type", input.path("trigger").path("type").asText(""));
        trigger.put("id", input.path("trigger").path("id").asText(""));
        if (input.hasNonNull("configKey")) {
            trigger.put("configKey", input.path("configKey").asText());
        }
        if (outcome == Outcome.PLANNED) {
            d.put("changes", summary.path("changes").asInt());
            d.put("unchanged", summary.path("unchanged").asInt());
        } else {
            d.set("counts", summary.path("counts").isObject() ? summary.get("counts").deepCopy()
                    : JsonNodeFactory.instance.objectNode());
        }
        Duration took = duration(report.path("execution").path("startTime").asText(""), now);
        if (took != null) {
            d.put("durationSeconds", took.toMillis() / 1000.0);
        }
        JsonNode failed = report.path("outcomes").isArray() ? failedOutcomes(report.path("outcomes"))
                : summary.path("failed");
        ObjectNode failures = d.putObject("failures");
        failures.put("count", failed.size());
        ArrayNode first = failures.putArray("first");
        for (int i = 0; i < failed.size() && i < FAILURES_IN_EVENT; i++) {
            first.addObject().put("stepId", failed.get(i).path("stepId").asText())
                    .put("message", failed.get(i).path("message").asText(""));
        }
        if (report.hasNonNull("cause")) {
            d.put("cause", report.path("cause").asText());
        }
        d.set("report", locations);
        return d;
    }

    private static ArrayNode failedOutcomes(JsonNode outcomes) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode o : outcomes) {
            if ("FAILED".equals(o.path("result").asText())) {
                out.addObject().put("stepId", o.path("stepId").asText())
                        .put("message", Readable.cause(o.path("cause").asText(o.path("error").asText(""))));
            }
        }
        return out;
    }

    static Duration duration(String startTime, Instant now) {
        try {
            return startTime.isEmpty() ? null : Duration.between(Instant.parse(startTime), now);
        } catch (DateTimeParseException unreadable) {
            return null;
        }
    }
}
