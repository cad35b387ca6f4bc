package dev.podidentity.autopilot.error;

/**
 * Base of every failure the state machine must tell apart. Lambda reports an escaping exception's fully
 * qualified class name as the error name, so the subclasses' names are the ASL's {@code ErrorEquals} values:
 * renaming or moving one is a breaking change (a test checks that every name in the ASL resolves to a class).
 */
public abstract class AutopilotException extends RuntimeException {
    protected AutopilotException(String message) {
        super(message);
    }

    protected AutopilotException(String message, Throwable cause) {
        super(message, cause);
    }
}
