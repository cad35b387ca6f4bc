package dev.podidentity.functions.clusterstatus;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.workflow.Services;

/** One status check of a cluster or addon, for the state machine's wait loops. */
public final class ClusterStatusHandler extends JsonHandler<JsonNode, com.fasterxml.jackson.databind.node.ObjectNode> {
    private final Services services;

    /** Lambda's constructor: services from the environment, built during init so SnapStart keeps them. */
    public ClusterStatusHandler() {
        this(Services.fromEnvironment());
    }

    public ClusterStatusHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected com.fasterxml.jackson.databind.node.ObjectNode handle(JsonNode input, Context context) {
        return services.status().check(input);
    }
}
