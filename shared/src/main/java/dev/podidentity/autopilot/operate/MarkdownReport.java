package dev.podidentity.autopilot.operate;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report a person reads, beside the JSON one: what was asked, what was done step by step, warnings, and what to
 * do next. Rendered from the same full report (or a plan-only run's plan), so both always agree. {@code ./run-local}
 * prints the same text at the end of a run.
 */
public final class MarkdownReport {
    /** The order results are listed in: what needs a person first. */
    private static final List<String> RESULT_ORDER = List.of("FAILED", "CREATED", "UPDATED", "DELETED", "SKIPPED",
            "UNCHANGED");

    private MarkdownReport() {
    }

    public static String render(RunFinished.Outcome outcome, JsonNode report, Instant now) {
        JsonNode input = report.path("input");
        JsonNode summary = report.path("summary");
        String action = summary.path("action").asText(input.path("action").asText(""));
        String cluster = summary.path("cluster").asText(input.path("cluster").asText(""));
        StringBuilder md = new StringBuilder();
        md.append("# ").append(action).append(" on cluster ").append(cluster).append(": ")
                .append(headline(outcome)).append("\n\n");
        line(md, "execution", code(report.path("execution").path("name").asText("")));
        line(md, "started", report.path("execution").path("startTime").asText(""));
        Duration took = RunFinished.duration(report.path("execution").path("startTime").asText(""), now);
        if (took != null) {
            line(md, "duration", String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0));
        }
        line(md, "result", outcome == RunFinished.Outcome.PLANNED ? plannedCounts(summary)
                : counts(summary.path("counts")));
        if (report.hasNonNull("cause")) {
            line(md, "why", report.path("cause").asText());
        }
        md.append('\n');

        md.append("## What was asked\n\n");
        md.append("- action `").append(action).append("` on cluster `").append(cluster).append("`");
        if (input.path("dryRun").asBoolean(false) || outcome == RunFinished.Outcome.PLANNED) {
            md.append(", plan only (nothing is changed)");
        }
        md.append('\n');
        md.append("- trigger: ").append(input.path("trigger").path("type").asText("?")).append(' ')
                .append(code(input.path("trigger").path("id").asText(""))).append('\n');
        if (input.hasNonNull("configKey")) {
            md.append("- config: ").append(code(input.path("configKey").asText()));
            if (input.hasNonNull("configVersion")) {
                md.append(" version ").append(code(input.path("configVersion").asText()));
            }
            md.append('\n');
        }
        md.append('\n');

        if (outcome == RunFinished.Outcome.PLANNED) {
            md.append("## What a run would do\n\n");
            planLines(md, report.path("planText").asText(""));
        } else {
            md.append("## What was done\n\n");
            steps(md, report.path("outcomes"));
        }

        List<String> warnings = new ArrayList<>();
        summary.path("plan").path("warnings").forEach(w -> warnings.add(w.asText()));
        summary.path("warnings").forEach(w -> warnings.add(w.asText()));
        if (!warnings.isEmpty()) {
            md.append("## Warnings\n\n");
            warnings.forEach(w -> md.append("- ").append(w).append('\n'));
            md.append('\n');
        }
        md.append("## What to do next\n\n");
        next(md, outcome, report, warnings);
        return md.toString();
    }

    private static String headline(RunFinished.Outcome outcome) {
        return switch (outcome) {
            case SUCCEEDED -> "succeeded";
            case STEPS_FAILED -> "some steps failed";
            case RUN_FAILED -> "the run failed";
            case SUPERSEDED -> "stood down (a newer upload replaced the config)";
            case LOCKED_OUT -> "locked out (another run held the cluster)";
            case PLANNED -> "planned (dry run)";
        };
    }

    private static void steps(StringBuilder md, JsonNode outcomes) {
        if (outcomes.isEmpty()) {
            md.append("No step ran.\n\n");
            return;
        }
        Map<String, List<JsonNode>> byResult = new LinkedHashMap<>();
        RESULT_ORDER.forEach(r -> byResult.put(r, new ArrayList<>()));
        outcomes.forEach(o -> byResult.computeIfAbsent(o.path("result").asText("UNKNOWN"), r -> new ArrayList<>())
                .add(o));
        byResult.forEach((result, list) -> {
            if (list.isEmpty()) {
                return;
            }
            md.append("### ").append(result.charAt(0)).append(result.substring(1).toLowerCase(Locale.ROOT))
                    .append(" (").append(list.size()).append(")\n\n");
            for (JsonNode o : list) {
                md.append("- ").append(o.path("phase").asText("")).append(": ").append(code(o.path("stepId").asText()));
                if (o.hasNonNull("resource") && !o.path("resource").asText().isEmpty()) {
                    md.append(" ").append(code(o.path("resource").asText()));
                }
                if ("FAILED".equals(result)) {
                    md.append(": ").append(o.path("error").asText("")).append(": ")
                            .append(Readable.cause(o.path("cause").asText("")));
                } else if (o.hasNonNull("reason") && !o.path("reason").asText().isEmpty()) {
                    md.append(": ").append(o.path("reason").asText());
                }
                md.append('\n');
            }
            md.append('\n');
        });
    }

    private static void planLines(StringBuilder md, String planText) {
        md.append("```\n").append(planText.strip()).append("\n```\n\n");
    }

    private static void next(StringBuilder md, RunFinished.Outcome outcome, JsonNode report, List<String> warnings) {
        List<String> todo = new ArrayList<>();
        JsonNode restart = report.path("summary").path("restartWorkloads");
        if (restart.isObject() && !restart.isEmpty()) {
            StringBuilder r = new StringBuilder("restart these workloads (")
                    .append(report.path("summary").path("restartNote").asText("they still hold IRSA credentials"))
                    .append("):");
            restart.fields().forEachRemaining(e -> {
                List<String> names = new ArrayList<>();
                e.getValue().forEach(w -> names.add(w.asText()));
                r.append("\n  - ").append(code(e.getKey())).append(": ")
                        .append(names.isEmpty() ? "no running pods" : String.join(", ", names));
            });
            todo.add(r.toString());
        }
        warnings.stream().filter(w -> w.contains("access entry") || w.contains("aws-auth"))
                .forEach(w -> todo.add("give the functions Kubernetes access: " + w));
        switch (outcome) {
            case STEPS_FAILED -> todo.add("fix what the failed steps name, then start the run again with the same "
                    + "input (a new execution name): steps already done are reported UNCHANGED and not written again");
            case RUN_FAILED -> todo.add("fix what stopped the run (above), then start it again; nothing after the "
                    + "failure was changed");
            case LOCKED_OUT -> todo.add("nothing was changed: start the run again once the execution holding the "
                    + "cluster has ended");
            case SUPERSEDED -> todo.add("nothing: the run of the newer upload applies the config");
            case PLANNED -> todo.add("to apply, start the same input with \"dryRun\": false");
            case SUCCEEDED -> {
                if (todo.isEmpty()) {
                    todo.add("nothing: the cluster is as the config declares");
                }
            }
        }
        todo.forEach(t -> md.append("- ").append(t).append('\n'));
    }

    private static String counts(JsonNode counts) {
        if (counts == null || counts.isEmpty()) {
            return "no steps";
        }
        List<String> parts = new ArrayList<>();
        counts.fields().forEachRemaining(e -> parts.add(e.getValue().asInt() + " "
                + e.getKey().toLowerCase(Locale.ROOT)));
        return String.join(", ", parts);
    }

    private static String plannedCounts(JsonNode summary) {
        return summary.path("changes").asInt() + " changes planned, " + summary.path("unchanged").asInt()
                + " unchanged; nothing was changed";
    }

    private static void line(StringBuilder md, String key, String value) {
        if (value != null && !value.isEmpty()) {
            md.append("- **").append(key).append("**: ").append(value).append('\n');
        }
    }

    private static String code(String text) {
        return text == null || text.isEmpty() ? "" : "`" + text.replace("`", "'") + "`";
    }
}
