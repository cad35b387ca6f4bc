package dev.podidentity.functions.dispatcher;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.lambda.EventBridgeEvents;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.app.Services.Sdk.SFN;

/**
 * EventBridge event in (bound to the events library's envelope, its fields checked: {@link EventBridgeEvents}), at most
 * one state machine execution started (named after the event).
 */
public final class DispatcherHandler extends TaskHandler<ScheduledEvent> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"version": "0", "id": "priming", "detail-type": "Object Created", "source": "aws.s3",
            "account": "111122223333", "time": "2026-01-01T00:00:00Z", "region": "us-east-1",
            "detail": {"bucket": {"name": "priming"}, "object": {"key": "clusters/priming.yaml",
            "version-id": "priming"}}}""";

    public DispatcherHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(SFN), SAMPLE);
    }

    public DispatcherHandler(Services services) {
        super(ScheduledEvent.class, EventBridgeEvents.MAPPER, services.dispatcher()::dispatch);
    }
}
