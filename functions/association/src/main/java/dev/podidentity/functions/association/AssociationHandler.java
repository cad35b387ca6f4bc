package dev.podidentity.functions.association;

import dev.podidentity.autopilot.workflow.Services;
import dev.podidentity.autopilot.workflow.TaskHandler;

import static dev.podidentity.autopilot.aws.AwsClients.Service.EKS;
import static dev.podidentity.autopilot.aws.AwsClients.Service.IAM;
import static dev.podidentity.autopilot.aws.AwsClients.Service.S3;

/** The Associate phase: ensures a role, then creates or updates its pod identity association. */
public final class AssociationHandler extends TaskHandler {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"batch": {"phase": "ASSOCIATE", "batch": 0, "from": 0, "to": 1},
            "planKey": "runs/priming/plan.json", "execution": "priming"}""";

    public AssociationHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(IAM, EKS, S3), SAMPLE);
    }

    public AssociationHandler(Services services) {
        super(services.steps()::runBatch);
    }
}
