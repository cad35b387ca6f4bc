package dev.podidentity.functions.dispatcher;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** EventBridge event in, at most one state machine execution started (named after the event). */
public final class DispatcherHandler extends TaskHandler {
    public DispatcherHandler() {
        this(Services.fromEnvironment());
    }

    public DispatcherHandler(Services services) {
        super(services.dispatcher()::dispatch);
    }
}
