package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.NotOwnedException;
import dev.podidentity.autopilot.error.RetryableException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place where AWS SDK errors become the typed errors the state machine retries or catches. The adapters
 * call {@link #map} on every SDK exception they do not turn into a normal outcome themselves; an error this table
 * does not know escapes unchanged (its own class name then reaches the state machine, which catches States.ALL).
 *
 * <table>
 *   <caption>SDK error → typed error</caption>
 *   <tr><td>throttling (IAM Throttling, EKS ThrottlingException, ...) after the SDK's retries</td><td>Retryable</td></tr>
 *   <tr><td>HTTP 5xx (IAM ServiceFailure, EKS ServerException / ServiceUnavailableException), I/O and timeouts</td><td>Retryable</td></tr>
 *   <tr><td>IAM ConcurrentModification</td><td>Retryable</td></tr>
 *   <tr><td>EKS InvalidParameterException "Role provided in the request does not exist" (IAM propagation)</td><td>Retryable</td></tr>
 *   <tr><td>EKS InvalidRequestException on a cluster or addon that is not ACTIVE yet</td><td>Retryable</td></tr>
 *   <tr><td>IAM NoSuchEntity, EKS ResourceNotFoundException / NotFoundException</td><td>NotFound</td></tr>
 *   <tr><td>IAM EntityAlreadyExists / DeleteConflict, EKS ResourceInUseException</td><td>Conflict</td></tr>
 *   <tr><td>IAM UnmodifiableEntity (service-linked roles)</td><td>NotOwned</td></tr>
 *   <tr><td>IAM MalformedPolicyDocument / InvalidInput / LimitExceeded / PolicyNotAttachable / PackedPolicyTooLarge,
 *           EKS InvalidParameterException / InvalidRequestException / ResourceLimitExceededException /
 *           AccessDeniedException (e.g. "Cross-account pass role is not allowed.")</td><td>InvalidInput</td></tr>
 * </table>
 */
public final class AwsErrors {
    /** EKS's message when a role is not (yet) visible to it; terraform-provider-aws retries on it too. */
    public static final String ROLE_NOT_VISIBLE = "Role provided in the request does not exist";

    private static final Set<String> IAM_INVALID_INPUT = Set.of("MalformedPolicyDocument", "InvalidInput",
            "LimitExceeded", "PolicyNotAttachable", "PackedPolicyTooLarge", "ValidationError");
    private static final Set<String> EKS_INVALID_INPUT = Set.of("InvalidParameterException", "InvalidRequestException",
            "ResourceLimitExceededException", "AccessDeniedException", "BadRequestException",
            "UnsupportedAvailabilityZoneException");

    private AwsErrors() {
    }

    /**
     * The typed error for an SDK failure, or the SDK exception itself when it has no typed meaning.
     *
     * @param what the call and resource, e.g. {@code CreateRole "app-role"}, put first in the message
     */
    public static RuntimeException map(SdkException e, String what) {
        String message = what + ": " + describe(e);
        if (e instanceof SdkClientException) {
            return new RetryableException(message, e);
        }
        if (!(e instanceof AwsServiceException service)) {
            return e;
        }
        String code = errorCode(service);
        if (service.isThrottlingException() || service.statusCode() >= 500 || "ConcurrentModification".equals(code)) {
            return new RetryableException(message, e);
        }
        if (isRoleNotVisible(service)) {
            return new RetryableException(message, e);
        }
        if ("InvalidRequestException".equals(code) && notActiveYet(service)) {
            return new RetryableException(message, e);
        }
        return switch (code) {
            case "NoSuchEntity", "ResourceNotFoundException", "NotFoundException" -> new NotFoundException(message);
            case "EntityAlreadyExists", "DeleteConflict", "ResourceInUseException" -> new ConflictException(message);
            case "UnmodifiableEntity" -> new NotOwnedException(message);
            default -> IAM_INVALID_INPUT.contains(code) || EKS_INVALID_INPUT.contains(code)
                    ? new InvalidInputException(message) : e;
        };
    }

    /** The service's error code ({@code NoSuchEntity}, {@code ResourceInUseException}, ...), or "" when none. */
    public static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
    }

    static boolean is(SdkException e, String code) {
        return e instanceof AwsServiceException service && code.equals(errorCode(service));
    }

    static boolean isRoleNotVisible(SdkException e) {
        return e instanceof AwsServiceException service && "InvalidParameterException".equals(errorCode(service))
                && errorMessage(service).contains(ROLE_NOT_VISIBLE);
    }

    private static boolean notActiveYet(AwsServiceException e) {
        String text = errorMessage(e);
        return text.contains("not in ACTIVE") || text.contains("in progress") || text.contains("is currently being");
    }

    private static String errorMessage(AwsServiceException e) {
        String m = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return m == null ? String.valueOf(e.getMessage()) : m;
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException service) {
            return errorCode(service) + " (HTTP " + service.statusCode() + "): " + errorMessage(service);
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
