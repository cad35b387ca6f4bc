package dev.podidentity.autopilot.port;

import java.util.Optional;

/** Starting state machine executions, as the dispatcher needs it. */
public interface Executions {

    /** The new execution's ARN, or empty when an execution of that name exists already (a duplicate event). */
    Optional<String> start(String stateMachineArn, String name, String input);
}
