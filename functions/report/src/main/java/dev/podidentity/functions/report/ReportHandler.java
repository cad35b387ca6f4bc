package dev.podidentity.functions.report;

import dev.podidentity.autopilot.workflow.Services;
import dev.podidentity.autopilot.workflow.TaskHandler;

import static dev.podidentity.autopilot.aws.AwsClients.Service.S3;

/** The Report task: every step's outcome to the bucket; the summary is the run's output. */
public final class ReportHandler extends TaskHandler {
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
        super(services.reporter()::report);
    }
}
