package dev.podidentity.functions.clusterstatus;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.run.contract.StatusTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.app.Services.Sdk.EKS;

/** One status check of a cluster or addon, for the state machine's wait loops. */
public final class ClusterStatusHandler extends TaskHandler<StatusTask> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"kind": "cluster", "cluster": "priming", "attempt": 0}""";

    public ClusterStatusHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(EKS), SAMPLE);
    }

    public ClusterStatusHandler(Services services) {
        super(StatusTask.class, services.status()::check);
    }
}
