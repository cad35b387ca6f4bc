package dev.podidentity.functions.addon;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.run.contract.BatchTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** The Addons phase: creates, updates or migrates an addon with its pod identity associations. */
public final class AddonHandler extends TaskHandler<BatchTask> {
    public AddonHandler() {
        this(Services.fromEnvironment());
    }

    public AddonHandler(Services services) {
        super(BatchTask.class, services.steps().phase(Phase.ADDONS));
    }
}
