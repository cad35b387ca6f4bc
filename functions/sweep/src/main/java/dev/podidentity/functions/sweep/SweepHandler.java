package dev.podidentity.functions.sweep;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.podidentity.autopilot.lambda.EventBridgeEvents;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.operate.RunNotices;
import dev.podidentity.autopilot.run.sweep.Sweeper;

import java.time.Duration;

import static dev.podidentity.autopilot.app.Services.Sdk.EKS;
import static dev.podidentity.autopilot.app.Services.Sdk.IAM;
import static dev.podidentity.autopilot.app.Services.Sdk.S3;

/**
 * The scheduled sweep (EventBridge Scheduled Event in, bound by {@link EventBridgeEvents}): finds clusters never
 * onboarded and drift between configs and clusters, writes sweeps/&lt;time&gt;.json, returns that report. Not a
 * state-machine task: it only reads and reports.
 */
public final class SweepHandler extends JsonHandler<ScheduledEvent, Object> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"version": "0", "id": "priming", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "111122223333", "time": "2026-01-01T00:00:00Z", "region": "us-east-1", "detail": {}}""";

    /** The budget when there is no Lambda context (local cloud, tests): the function's timeout in the template. */
    static final Duration WITHOUT_CONTEXT = Duration.ofMinutes(5);

    private final Sweeper sweeper;
    private final RunNotices notices;

    public SweepHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(EKS, S3, IAM), SAMPLE);
    }

    public SweepHandler(Services services) {
        super(ScheduledEvent.class, EventBridgeEvents.MAPPER);
        this.sweeper = services.sweeper();
        this.notices = services.notices();
    }

    @Override
    protected Object handle(ScheduledEvent event, Context context) {
        Duration budget = context == null ? WITHOUT_CONTEXT : Duration.ofMillis(context.getRemainingTimeInMillis());
        var report = sweeper.sweep(event, budget);
        // after the report is written: each finding that needs a person becomes an event (docs/operations.md); the
        // answer stays the report exactly as stored
        notices.sweepFindings(report);
        return report;
    }
}
