package dev.podidentity.functions.dispatcher;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.workflow.Services;

/** EventBridge event in, at most one state machine execution started (named after the event). */
public final class DispatcherHandler extends JsonHandler<JsonNode, com.fasterxml.jackson.databind.node.ObjectNode> {
    private final Services services;

    /** Lambda's constructor: services from the environment, built during init so SnapStart keeps them. */
    public DispatcherHandler() {
        this(Services.fromEnvironment());
    }

    public DispatcherHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected com.fasterxml.jackson.databind.node.ObjectNode handle(JsonNode input, Context context) {
        return services.dispatcher().dispatch(input);
    }
}
