package dev.podidentity.functions.addon;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.run.contract.BatchTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.app.Services.Sdk.EKS;
import static dev.podidentity.autopilot.app.Services.Sdk.IAM;
import static dev.podidentity.autopilot.app.Services.Sdk.S3;

/** The Addons phase: creates, updates or migrates an addon with its pod identity associations. */
public final class AddonHandler extends TaskHandler<BatchTask> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"batch": {"phase": "addons", "batch": 0, "from": 0, "to": 1}, "planKey": "runs/priming/plan.json",
            "execution": "priming"}""";

    public AddonHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(EKS, IAM, S3), SAMPLE);
    }

    public AddonHandler(Services services) {
        super(BatchTask.class, services.steps().phase(Phase.ADDONS));
    }
}
