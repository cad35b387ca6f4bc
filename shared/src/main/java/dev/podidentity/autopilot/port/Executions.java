package dev.podidentity.autopilot.port;

import java.util.Optional;

/** Starting state machine executions (the dispatcher) and asking whether one still runs (the run lock). */
public interface Executions {

    /** The new execution's ARN, or empty when an execution of that name exists already (a duplicate event). */
    Optional<String> start(String stateMachineArn, String name, String input);

    /** True while the execution's status is RUNNING; false when it ended or does not exist. */
    boolean isRunning(String executionArn);
}
