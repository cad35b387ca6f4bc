package dev.podidentity.functions.prune;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.run.contract.BatchTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.app.Services.Sdk.EKS;
import static dev.podidentity.autopilot.app.Services.Sdk.IAM;
import static dev.podidentity.autopilot.app.Services.Sdk.S3;

/** The Prune phase: deletes associations and addons the request removes, and the roles we own. */
public final class PruneHandler extends TaskHandler<BatchTask> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"batch": {"phase": "prune", "batch": 0, "from": 0, "to": 1}, "planKey": "runs/priming/plan.json",
            "execution": "priming"}""";

    public PruneHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> {
            Services services = Services.fromEnvironment();
            services.prime(IAM, EKS, S3);
            // its first request reads a service account before deleting it: fabric8's path, answered on loopback
            services.primeKubernetes();
        }, SAMPLE);
    }

    public PruneHandler(Services services) {
        super(BatchTask.class, services.steps().phase(Phase.PRUNE));
    }
}
