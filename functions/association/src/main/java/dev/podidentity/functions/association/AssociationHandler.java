package dev.podidentity.functions.association;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.workflow.Services;

/** The Associate phase: ensures a role, then creates or updates its pod identity association. */
public final class AssociationHandler extends JsonHandler<JsonNode, dev.podidentity.autopilot.execute.Outcome> {
    private final Services services;

    /** Lambda's constructor: services from the environment, built during init so SnapStart keeps them. */
    public AssociationHandler() {
        this(Services.fromEnvironment());
    }

    public AssociationHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected dev.podidentity.autopilot.execute.Outcome handle(JsonNode input, Context context) {
        return services.steps().run(input);
    }
}
