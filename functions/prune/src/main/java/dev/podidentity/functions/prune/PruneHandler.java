package dev.podidentity.functions.prune;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.run.contract.BatchTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** The Prune phase: deletes associations and addons the request removes, and the roles we own. */
public final class PruneHandler extends TaskHandler<BatchTask> {
    public PruneHandler() {
        this(Services.fromEnvironment());
    }

    public PruneHandler(Services services) {
        super(BatchTask.class, services.steps().phase(Phase.PRUNE));
    }
}
