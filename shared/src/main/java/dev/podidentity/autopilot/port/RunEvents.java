package dev.podidentity.autopilot.port;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the application announces what needs to be known: one event per run end and one per sweep finding that
 * needs a person, on the account's default EventBridge bus with {@link #SOURCE} as their source. Teams route them
 * with their own rules (docs/operations.md lists the detail-types and patterns).
 */
public interface RunEvents {
    /** The {@code source} of every event the application puts. */
    String SOURCE = "pod-identity-autopilot";

    /** Puts one event; throws when EventBridge did not accept it (the task is then retried). */
    void put(String detailType, ObjectNode detail);

    /** For code paths built without an event bus (unit tests of other parts). */
    RunEvents NONE = (detailType, detail) -> {
    };
}
