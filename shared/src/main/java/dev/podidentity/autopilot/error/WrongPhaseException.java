package dev.podidentity.autopilot.error;

/**
 * A phase function was handed a batch or a step of another phase. Each phase function's IAM policy allows its own
 * kind of write only, so the code refuses what the policy would: nothing of the batch was run. Not retried (a rerun
 * gets the same batch); the Map records the batch FAILED.
 */
public final class WrongPhaseException extends AutopilotException {
    public WrongPhaseException(String message) {
        super(message);
    }
}
