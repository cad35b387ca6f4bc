package dev.podidentity.functions.clusterstatus;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.run.contract.StatusTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** One status check of a cluster or addon, for the state machine's wait loops. */
public final class ClusterStatusHandler extends TaskHandler<StatusTask> {
    public ClusterStatusHandler() {
        this(Services.fromEnvironment());
    }

    public ClusterStatusHandler(Services services) {
        super(StatusTask.class, services.status()::check);
    }
}
