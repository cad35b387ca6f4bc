package dev.podidentity.autopilot.error;

/** Something the request names does not exist: the cluster, an association to update, a role to use. */
public final class NotFoundException extends AutopilotException {
    public NotFoundException(String message) {
        super(message);
    }
}
