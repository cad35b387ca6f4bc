package dev.podidentity.functions.lock;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;
import dev.podidentity.autopilot.run.contract.LockTask;

/** The per-cluster run lock: acquire before the first write, release after the report. */
public final class LockHandler extends TaskHandler<LockTask> {
    public LockHandler() {
        this(Services.fromEnvironment());
    }

    public LockHandler(Services services) {
        // services.lock() here, not per call: the DynamoDB client is built during init, where SnapStart keeps it.
        super(LockTask.class, services.lock()::handle);
    }
}
