package dev.podidentity.local.eks;

/**
 * An EKS error as the service sends it: HTTP status, the error type the SDK turns into a typed exception
 * (header {@code x-amzn-ErrorType}), and the message.
 */
public final class EksApiException extends RuntimeException {
    private final int status;
    private final String type;

    public EksApiException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    static EksApiException notFound(String message) {
        return new EksApiException(404, "ResourceNotFoundException", message);
    }

    static EksApiException inUse(String message) {
        return new EksApiException(409, "ResourceInUseException", message);
    }

    static EksApiException invalidParameter(String message) {
        return new EksApiException(400, "InvalidParameterException", message);
    }

    static EksApiException invalidRequest(String message) {
        return new EksApiException(400, "InvalidRequestException", message);
    }

    static EksApiException limitExceeded(String message) {
        return new EksApiException(400, "ResourceLimitExceededException", message);
    }

    static EksApiException accessDenied(String message) {
        return new EksApiException(403, "AccessDeniedException", message);
    }
}
