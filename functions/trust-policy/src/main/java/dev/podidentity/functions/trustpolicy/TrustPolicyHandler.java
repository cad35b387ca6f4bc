package dev.podidentity.functions.trustpolicy;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.run.contract.BatchTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.app.Services.Sdk.IAM;
import static dev.podidentity.autopilot.app.Services.Sdk.S3;

/** The Trust phase: adds the pods.eks trust statement to a role once, drops OIDC trust where asked. */
public final class TrustPolicyHandler extends TaskHandler<BatchTask> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"batch": {"phase": "trust", "batch": 0, "from": 0, "to": 1}, "planKey": "runs/priming/plan.json",
            "execution": "priming"}""";

    public TrustPolicyHandler() {
        this(Services.fromEnvironment());
        // IAM and S3 only: the trust phase reads and edits roles, never the cluster (its policy grants no EKS action)
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(IAM, S3), SAMPLE);
    }

    public TrustPolicyHandler(Services services) {
        super(BatchTask.class, services.steps().phase(Phase.TRUST));
    }
}
