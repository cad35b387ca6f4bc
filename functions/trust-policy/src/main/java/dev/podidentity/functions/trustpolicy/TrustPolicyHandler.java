package dev.podidentity.functions.trustpolicy;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.run.contract.BatchTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** The Trust phase: adds the pods.eks trust statement to a role once, drops OIDC trust where asked. */
public final class TrustPolicyHandler extends TaskHandler<BatchTask> {
    public TrustPolicyHandler() {
        this(Services.fromEnvironment());
    }

    public TrustPolicyHandler(Services services) {
        super(BatchTask.class, services.steps().phase(Phase.TRUST));
    }
}
