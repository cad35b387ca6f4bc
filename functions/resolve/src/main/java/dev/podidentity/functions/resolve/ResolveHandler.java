package dev.podidentity.functions.resolve;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.run.contract.ResolveTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** The Resolve task: load, validate and guard the config, observe the cluster, plan; changes nothing, stores the plan. */
public final class ResolveHandler extends TaskHandler<ResolveTask> {
    public ResolveHandler() {
        this(Services.fromEnvironment());
    }

    public ResolveHandler(Services services) {
        super(ResolveTask.class, services.resolver()::resolveTask);
    }
}
