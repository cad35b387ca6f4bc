package dev.podidentity.functions.dispatcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** EventBridge event in, at most one state machine execution started (named after the event). */
public final class DispatcherHandler extends TaskHandler<JsonNode> {
    public DispatcherHandler() {
        this(Services.fromEnvironment());
    }

    public DispatcherHandler(Services services) {
        super(JsonNode.class, services.dispatcher()::dispatch);
    }
}
