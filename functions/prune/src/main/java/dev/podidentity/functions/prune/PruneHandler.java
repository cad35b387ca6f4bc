package dev.podidentity.functions.prune;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.workflow.Services;

/** The Prune phase: deletes associations and addons the request removes, and the roles we own. */
public final class PruneHandler extends JsonHandler<JsonNode, dev.podidentity.autopilot.execute.Outcome> {
    private final Services services;

    /** Lambda's constructor: services from the environment, built during init so SnapStart keeps them. */
    public PruneHandler() {
        this(Services.fromEnvironment());
    }

    public PruneHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected dev.podidentity.autopilot.execute.Outcome handle(JsonNode input, Context context) {
        return services.steps().run(input);
    }
}
