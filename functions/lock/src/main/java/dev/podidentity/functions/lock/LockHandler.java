package dev.podidentity.functions.lock;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.TaskHandler;
import dev.podidentity.autopilot.run.contract.LockTask;

import static dev.podidentity.autopilot.app.Services.Sdk.DYNAMODB;
import static dev.podidentity.autopilot.app.Services.Sdk.SFN;

/** The per-cluster run lock: acquire before the first write, release after the report. */
public final class LockHandler extends TaskHandler<LockTask> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"operation": "acquire", "cluster": "priming", "execution": "priming",
            "executionArn": "arn:aws:states:us-east-1:111122223333:execution:priming:priming", "attempt": 0}""";

    public LockHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(DYNAMODB, SFN), SAMPLE);
    }

    public LockHandler(Services services) {
        // services.lock() here, not per call: the DynamoDB client is built during init, where SnapStart keeps it.
        super(LockTask.class, services.lock()::handle);
    }
}
