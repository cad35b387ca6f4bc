package dev.podidentity.autopilot.error;

/**
 * Worth trying again later: throttling that outlasted the SDK's own retries, a 5xx, IAM's eventual
 * consistency ("Role provided in the request does not exist" just after creating it), an addon still CREATING.
 * The state machine retries these with backoff and jitter.
 */
public final class RetryableException extends AutopilotException {
    public RetryableException(String message) {
        super(message);
    }

    public RetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
