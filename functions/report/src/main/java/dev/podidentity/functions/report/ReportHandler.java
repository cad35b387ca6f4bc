package dev.podidentity.functions.report;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;
import dev.podidentity.autopilot.run.contract.ReportTask;

import static dev.podidentity.autopilot.app.Services.Sdk.EVENTBRIDGE;
import static dev.podidentity.autopilot.app.Services.Sdk.S3;

/**
 * The Report task: every step's outcome to the bucket, the Markdown report beside it and the run-finished event;
 * the summary is the run's output. With {@code "stage": "plan"} (the ReportPlan state of a plan-only run) it writes
 * the Markdown report of the plan and puts the run's event only.
 */
public final class ReportHandler extends TaskHandler<ReportTask> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"run": {"cluster": "priming", "planKey": "runs/priming/plan.json"},
            "input": {"cluster": "priming", "action": "apply"}, "execution": {"name": "priming"},
            "outcomes": {}}""";

    public ReportHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(S3, EVENTBRIDGE), SAMPLE);
    }

    public ReportHandler(Services services) {
        super(ReportTask.class, (ReportTask task) -> "plan".equals(task.stage())
                ? services.notices().planned(task) : services.reporter().report(task));
    }
}
