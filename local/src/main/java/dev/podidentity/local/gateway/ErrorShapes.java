package dev.podidentity.local.gateway;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Each service's own wire format for throttling and server errors, so the SDK maps them as it does against AWS. */
final class ErrorShapes {
    /** A canned error answer: status, headers worth sending and the body. */
    record Shape(int status, String contentType, String errorTypeHeader, byte[] body) {
    }

    private ErrorShapes() {
    }

    static Shape throttle(String service) {
        return switch (service) {
            case "iam" -> queryXml(400, "Throttling", "Rate exceeded", "https://iam.amazonaws.com/doc/2010-05-08/");
            case "sts" -> queryXml(400, "Throttling", "Rate exceeded", "https://sts.amazonaws.com/doc/2011-06-15/");
            case "s3" -> s3Xml(503, "SlowDown", "Please reduce your request rate.");
            case "lambda" -> json(429, "TooManyRequestsException",
                    "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\",\"Reason\":\"CallerRateLimitExceeded\"}");
            case "eks" -> json(429, "ThrottlingException", "{\"message\":\"Rate exceeded\"}");
            default -> json(400, null, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
        };
    }

    static Shape serverError(String service, int status) {
        return switch (service) {
            case "iam" -> queryXml(status, "ServiceFailure", "Injected service failure", "https://iam.amazonaws.com/doc/2010-05-08/");
            case "sts" -> queryXml(status, "InternalFailure", "Injected service failure", "https://sts.amazonaws.com/doc/2011-06-15/");
            case "s3" -> s3Xml(status, status == 503 ? "ServiceUnavailable" : "InternalError", "Injected service failure");
            case "lambda" -> json(status, "ServiceException", "{\"Type\":\"Service\",\"message\":\"Injected service failure\"}");
            case "eks" -> status == 503
                    ? json(503, "ServiceUnavailableException", "{\"message\":\"Injected service unavailability\"}")
                    : json(status, "ServerException", "{\"message\":\"Injected service failure\"}");
            default -> json(status, null, "{\"__type\":\"InternalFailure\",\"message\":\"Injected service failure\"}");
        };
    }

    /**
     * How each service refuses a call IAM does not allow: IAM and STS with a query-protocol AccessDenied (403), S3
     * with its XML AccessDenied (403), EKS and Lambda with AccessDeniedException (403, REST JSON), the JSON-protocol
     * services (DynamoDB, Step Functions, EventBridge, SQS, ...) with an AccessDeniedException type (400).
     */
    static Shape accessDenied(String service, String message) {
        String escaped = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        String quoted = message.replace("\\", "\\\\").replace("\"", "\\\"");
        return switch (service) {
            case "iam" -> queryXml(403, "AccessDenied", escaped, "https://iam.amazonaws.com/doc/2010-05-08/");
            case "sts" -> queryXml(403, "AccessDenied", escaped, "https://sts.amazonaws.com/doc/2011-06-15/");
            case "s3" -> s3Xml(403, "AccessDenied", escaped);
            case "eks", "lambda" -> json(403, "AccessDeniedException", "{\"message\":\"" + quoted + "\"}");
            case "dynamodb" -> json(400, null, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#AccessDeniedException\","
                    + "\"message\":\"" + quoted + "\"}");
            default -> json(400, null, "{\"__type\":\"AccessDeniedException\",\"message\":\"" + quoted + "\"}");
        };
    }

    private static Shape queryXml(int status, String code, String message, String namespace) {
        String type = status >= 500 ? "Receiver" : "Sender";
        String body = "<ErrorResponse xmlns=\"" + namespace + "\"><Error><Type>" + type + "</Type><Code>" + code
                + "</Code><Message>" + message + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
        return new Shape(status, "text/xml", null, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Shape s3Xml(int status, String code, String message) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>" + UUID.randomUUID() + "</RequestId></Error>";
        return new Shape(status, "application/xml", null, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Shape json(int status, String errorType, String body) {
        return new Shape(status, "application/json", errorType, body.getBytes(StandardCharsets.UTF_8));
    }
}
