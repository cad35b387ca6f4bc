package dev.podidentity.functions.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.aws.AwsClients.Service.S3;

/** The Report task: every step's outcome to the bucket; the summary is the run's output. */
public final class ReportHandler extends TaskHandler<JsonNode> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"run": {"cluster": "priming", "planKey": "runs/priming/plan.json"},
            "input": {"cluster": "priming", "action": "apply"}, "execution": {"name": "priming"},
            "outcomes": {}}""";

    public ReportHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(S3), SAMPLE);
    }

    public ReportHandler(Services services) {
        super(JsonNode.class, services.reporter()::report);
    }
}
