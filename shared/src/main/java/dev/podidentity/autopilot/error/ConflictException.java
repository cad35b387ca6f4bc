package dev.podidentity.autopilot.error;

/**
 * What exists disagrees with what is asked and we will not overwrite it, e.g. the service account already has
 * an association with a different role. Rerunning does not help; a person decides.
 */
public final class ConflictException extends AutopilotException {
    public ConflictException(String message) {
        super(message);
    }
}
