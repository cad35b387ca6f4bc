package dev.podidentity.autopilot.error;

/**
 * The cluster's API server refused the function's identity (401/403) or cannot be reached at all (a private
 * endpoint without the functions in the VPC). Not retried: access is granted by an operator (an EKS access entry
 * for the function role, or an aws-auth mapping on CONFIG_MAP clusters); the message says which.
 */
public final class KubernetesAccessException extends AutopilotException {
    public KubernetesAccessException(String message) {
        super(message);
    }

    public KubernetesAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
