package dev.podidentity.functions.association;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.run.contract.BatchTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.app.Services.Sdk.EKS;
import static dev.podidentity.autopilot.app.Services.Sdk.IAM;
import static dev.podidentity.autopilot.app.Services.Sdk.S3;

/** The Associate phase: ensures a role, then creates or updates its pod identity association. */
public final class AssociationHandler extends TaskHandler<BatchTask> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"batch": {"phase": "associate", "batch": 0, "from": 0, "to": 1},
            "planKey": "runs/priming/plan.json", "execution": "priming"}""";

    public AssociationHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(IAM, EKS, S3), SAMPLE);
    }

    public AssociationHandler(Services services) {
        super(BatchTask.class, services.steps().phase(Phase.ASSOCIATE));
    }
}
