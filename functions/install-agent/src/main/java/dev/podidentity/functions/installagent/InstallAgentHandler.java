package dev.podidentity.functions.installagent;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.workflow.Services;

/** Installs the eks-pod-identity-agent addon unless the cluster is Auto Mode or has it. */
public final class InstallAgentHandler extends JsonHandler<JsonNode, dev.podidentity.autopilot.execute.Outcome> {
    private final Services services;

    /** Lambda's constructor: services from the environment, built during init so SnapStart keeps them. */
    public InstallAgentHandler() {
        this(Services.fromEnvironment());
    }

    public InstallAgentHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected dev.podidentity.autopilot.execute.Outcome handle(JsonNode input, Context context) {
        return services.steps().installAgent(input);
    }
}
