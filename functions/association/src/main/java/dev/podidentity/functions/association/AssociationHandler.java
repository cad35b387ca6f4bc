package dev.podidentity.functions.association;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.run.contract.BatchTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** The Associate phase: ensures a role, then creates or updates its pod identity association. */
public final class AssociationHandler extends TaskHandler<BatchTask> {
    public AssociationHandler() {
        this(Services.fromEnvironment());
    }

    public AssociationHandler(Services services) {
        super(BatchTask.class, services.steps().phase(Phase.ASSOCIATE));
    }
}
