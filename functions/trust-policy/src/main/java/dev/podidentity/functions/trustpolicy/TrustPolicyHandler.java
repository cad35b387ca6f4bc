package dev.podidentity.functions.trustpolicy;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.workflow.Services;

/** The Trust phase: adds the pods.eks trust statement to a role once, drops OIDC trust where asked. */
public final class TrustPolicyHandler extends JsonHandler<JsonNode, dev.podidentity.autopilot.execute.Outcome> {
    private final Services services;

    /** Lambda's constructor: services from the environment, built during init so SnapStart keeps them. */
    public TrustPolicyHandler() {
        this(Services.fromEnvironment());
    }

    public TrustPolicyHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected dev.podidentity.autopilot.execute.Outcome handle(JsonNode input, Context context) {
        return services.steps().run(input);
    }
}
