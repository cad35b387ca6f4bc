package dev.podidentity.autopilot.run.trigger;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.lambda.Log;
import dev.podidentity.autopilot.port.Executions;

import java.util.Optional;

/**
 * The dispatcher task: one EventBridge event in, at most one execution started. The execution name comes from
 * the event (see {@link Triggers}), so a duplicate delivery finds the execution already there: that is success.
 */
public final class Dispatcher {
    private final Executions executions;
    private final String stateMachineArn;

    public Dispatcher(Executions executions, String stateMachineArn) {
        this.executions = executions;
        this.stateMachineArn = stateMachineArn;
    }

    public ObjectNode dispatch(ScheduledEvent event) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Dispatch d = Triggers.fromEvent(event);
        if (d instanceof Dispatch.Ignore ignore) {
            Log.forRun(null, null).info("event ignored: " + ignore.reason(), "eventId", event.getId());
            return out.put("started", false).put("reason", ignore.reason());
        }
        Dispatch.Start start = (Dispatch.Start) d;
        if (stateMachineArn == null || stateMachineArn.isEmpty()) {
            throw new InvalidInputException("STATE_MACHINE_ARN is not set for the dispatcher");
        }
        String cluster = start.input().path("cluster").asText();
        Log log = Log.forRun(start.name(), cluster);
        out.put("executionName", start.name());
        Optional<String> arn = executions.start(stateMachineArn, start.name(), start.input().toString());
        if (arn.isEmpty()) {
            log.info("execution already started for this event; nothing to do");
            return out.put("started", false).put("reason", "an execution named " + start.name()
                    + " already exists: this event was delivered before");
        }
        log.info("execution started", "executionArn", arn.get());
        return out.put("started", true).put("executionArn", arn.get());
    }
}
