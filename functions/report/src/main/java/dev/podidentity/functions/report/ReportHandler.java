package dev.podidentity.functions.report;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.workflow.Services;

/** The Report task: every step's outcome to the bucket; the summary is the run's output. */
public final class ReportHandler extends JsonHandler<JsonNode, com.fasterxml.jackson.databind.node.ObjectNode> {
    private final Services services;

    /** Lambda's constructor: services from the environment, built during init so SnapStart keeps them. */
    public ReportHandler() {
        this(Services.fromEnvironment());
    }

    public ReportHandler(Services services) {
        super(JsonNode.class);
        this.services = services;
    }

    @Override
    protected com.fasterxml.jackson.databind.node.ObjectNode handle(JsonNode input, Context context) {
        return services.reporter().report(input);
    }
}
