package dev.podidentity.functions.resolve;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.workflow.Services;

/** The Resolve task: load, validate and guard the config, observe the cluster, plan. Writes nothing. */
public final class ResolveHandler extends JsonHandler<JsonNode, com.fasterxml.jackson.databind.node.ObjectNode> {
    private final Services services;

    /** Lambda's constructor: services from the environment, built during init so SnapStart keeps them. */
    public ResolveHandler() {
        this(Services.fromEnvironment());
    }

    public ResolveHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected com.fasterxml.jackson.databind.node.ObjectNode handle(JsonNode input, Context context) {
        return services.resolver().resolve(input);
    }
}
