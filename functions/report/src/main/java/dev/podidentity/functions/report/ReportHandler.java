package dev.podidentity.functions.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;

/**
 * The Report task: every step's outcome to the bucket, the Markdown report beside it and the run-finished event;
 * the summary is the run's output. With {@code "stage": "plan"} (the ReportPlan state of a plan-only run) it writes
 * the Markdown report of the plan and puts the run's event only.
 */
public final class ReportHandler extends TaskHandler<JsonNode> {
    public ReportHandler() {
        this(Services.fromEnvironment());
    }

    public ReportHandler(Services services) {
        super(JsonNode.class, (JsonNode input) -> "plan".equals(input.path("stage").asText())
                ? services.notices().planned(input) : services.reporter().report(input));
    }
}
