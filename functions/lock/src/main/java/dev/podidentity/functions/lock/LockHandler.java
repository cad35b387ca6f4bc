package dev.podidentity.functions.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** The per-cluster run lock: acquire before the first write, release after the report. */
public final class LockHandler extends TaskHandler<JsonNode> {
    public LockHandler() {
        this(Services.fromEnvironment());
    }

    public LockHandler(Services services) {
        // services.lock() here, not per call: the DynamoDB client is built during init, where SnapStart keeps it.
        super(JsonNode.class, services.lock()::handle);
    }
}
