package dev.podidentity.functions.trustpolicy;

import dev.podidentity.autopilot.workflow.Services;
import dev.podidentity.autopilot.workflow.TaskHandler;

import static dev.podidentity.autopilot.aws.AwsClients.Service.EKS;
import static dev.podidentity.autopilot.aws.AwsClients.Service.IAM;
import static dev.podidentity.autopilot.aws.AwsClients.Service.S3;

/** The Trust phase: adds the pods.eks trust statement to a role once, drops OIDC trust where asked. */
public final class TrustPolicyHandler extends TaskHandler {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"batch": {"phase": "TRUST", "batch": 0, "from": 0, "to": 1}, "planKey": "runs/priming/plan.json",
            "execution": "priming"}""";

    public TrustPolicyHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(IAM, EKS, S3), SAMPLE);
    }

    public TrustPolicyHandler(Services services) {
        super(services.steps()::runBatch);
    }
}
