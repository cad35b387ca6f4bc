package dev.podidentity.functions.addon;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.workflow.Services;

/** The Addons phase: creates, updates or migrates an addon with its pod identity associations. */
public final class AddonHandler extends JsonHandler<JsonNode, dev.podidentity.autopilot.execute.Outcome> {
    private final Services services;

    /** Lambda's constructor: services from the environment, built during init so SnapStart keeps them. */
    public AddonHandler() {
        this(Services.fromEnvironment());
    }

    public AddonHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected dev.podidentity.autopilot.execute.Outcome handle(JsonNode input, Context context) {
        return services.steps().run(input);
    }
}
