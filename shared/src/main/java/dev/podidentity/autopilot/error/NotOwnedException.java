package dev.podidentity.autopilot.error;

/** The change would modify or delete a resource this application did not create; we only touch what we own. */
public final class NotOwnedException extends AutopilotException {
    public NotOwnedException(String message) {
        super(message);
    }
}
