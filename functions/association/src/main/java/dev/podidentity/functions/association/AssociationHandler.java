package dev.podidentity.functions.association;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** The Associate phase: ensures a role, then creates or updates its pod identity association. */
public final class AssociationHandler extends TaskHandler {
    public AssociationHandler() {
        this(Services.fromEnvironment());
    }

    public AssociationHandler(Services services) {
        super(services.steps()::runBatch);
    }
}
