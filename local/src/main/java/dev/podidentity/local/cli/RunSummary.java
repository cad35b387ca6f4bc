package dev.podidentity.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.local.app.LocalApp;

import java.io.PrintStream;
import java.util.List;

/** The end of a run as ./run-local shows it: the status, the Markdown report, where the reports and event are. */
final class RunSummary {
    private RunSummary() {
    }

    static void print(LocalApp app, LocalApp.Run run, List<JsonNode> events, PrintStream out) {
        String name = run.executionArn().substring(run.executionArn().lastIndexOf(':') + 1);
        out.println();
        out.println("execution " + name + ": " + run.status()
                + (run.error() == null ? "" : " (" + run.error() + ")") + ", " + run.stateTransitions() + " states");
        JsonNode event = events.stream().filter(e -> run.executionArn().equals(e.path("detail").path("executionArn")
                .asText())).findFirst().orElse(null);
        String markdown = event == null ? null : event.path("detail").path("report").path("markdown").asText(null);
        out.println();
        if (markdown != null) {
            String key = markdown.substring(("s3://" + app.bucket() + "/").length());
            out.println(app.cloud().s3().getObjectAsBytes(b -> b.bucket(app.bucket()).key(key)).asUtf8String().strip());
        } else if (run.output() != null) {
            out.println(run.outputJson().toPrettyString()); // no report: show what the execution answered
        } else if (run.cause() != null) {
            out.println("error: " + run.error() + ": " + run.cause());
        }
        JsonNode associations = run.outputJson().path("summary").path("associations");
        if (associations.isArray()) {
            out.println();
            out.println(associations.toPrettyString()); // get: the associations, as eksctl --output json prints them
        }
        out.println();
        if (event != null) {
            JsonNode report = event.path("detail").path("report");
            if (report.has("json")) {
                out.println("report (JSON):     " + report.path("json").asText());
            }
            out.println("report (Markdown): " + report.path("markdown").asText());
            out.println("event:             " + event.path("detail-type").asText() + " (source "
                    + event.path("source").asText() + ", default bus)");
        } else {
            out.println("no run-finished event: the run ended before its report (see the function logs)");
        }
    }
}
