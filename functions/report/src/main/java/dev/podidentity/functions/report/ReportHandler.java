package dev.podidentity.functions.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** The Report task: every step's outcome to the bucket; the summary is the run's output. */
public final class ReportHandler extends TaskHandler<JsonNode> {
    public ReportHandler() {
        this(Services.fromEnvironment());
    }

    public ReportHandler(Services services) {
        super(JsonNode.class, services.reporter()::report);
    }
}
