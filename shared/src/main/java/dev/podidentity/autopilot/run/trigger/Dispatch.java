package dev.podidentity.autopilot.run.trigger;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the dispatcher does with one EventBridge event: start a named execution, or nothing (and why). */
public sealed interface Dispatch {

    /** Start the state machine with {@code input}; {@code name} is the idempotency key of the run. */
    record Start(String name, ObjectNode input) implements Dispatch {
    }

    record Ignore(String reason) implements Dispatch {
    }
}
