package dev.podidentity.local.gateway;

import dev.podidentity.local.eks.EksRestApi;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the AWS service, operation and region of a request: the service and region from the SigV4 credential
 * scope, the operation from {@code X-Amz-Target} (JSON protocols), the {@code Action} parameter (IAM/STS query
 * protocol), the EKS REST route, or S3's method and path.
 */
final class RequestClassifier {
    static final Pattern INVOKE = Pattern.compile("^/2015-03-31/functions/([^/]+)/invocations/?$");
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/([^/]+)/aws4_request");
    private static final List<String> S3_SUBRESOURCES = List.of("versioning", "tagging", "policy", "notification", "location",
            "acl", "cors", "lifecycle", "encryption", "versions", "uploads", "publicAccessBlock", "ownershipControls");

    record Call(String service, String operation, String region) {
    }

    private RequestClassifier() {
    }

    static Call classify(String method, String rawPath, String rawQuery, String authorization, String target,
                         String contentType, byte[] body, String defaultRegion) {
        String service = "unknown";
        String region = defaultRegion;
        // Signed requests carry the scope in Authorization; presigned URLs in the X-Amz-Credential parameter.
        String credential = authorization != null ? authorization
                : param(rawQuery, "X-Amz-Credential").map(c -> "Credential=" + c).orElse(null);
        if (credential != null) {
            Matcher scope = SCOPE.matcher(credential);
            if (scope.find()) {
                region = scope.group(1);
                service = scope.group(2);
            }
        }
        if (INVOKE.matcher(rawPath).matches()) {
            return new Call("lambda", "Invoke", region);
        }
        if (target != null && !target.isBlank()) {
            return new Call(service, target.substring(target.lastIndexOf('.') + 1), region);
        }
        Optional<String> action = param(rawQuery, "Action");
        if (action.isEmpty() && contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            action = param(new String(body, StandardCharsets.UTF_8), "Action");
        }
        if (action.isPresent()) {
            return new Call(service, action.get(), region);
        }
        if (service.equals("eks")) {
            return new Call(service, EksRestApi.operation(method, rawPath).orElse("Unknown"), region);
        }
        if (service.equals("s3")) {
            return new Call(service, s3Operation(method, rawPath, rawQuery), region);
        }
        return new Call(service, "Unknown", region);
    }

    private static String s3Operation(String method, String rawPath, String rawQuery) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        boolean bucketOnly = !path.contains("/") || path.indexOf('/') == path.length() - 1;
        if (path.isEmpty()) {
            return "ListBuckets";
        }
        String query = rawQuery == null ? "" : rawQuery;
        for (String sub : S3_SUBRESOURCES) {
            if (param(query, sub).isPresent()) {
                String name = Character.toUpperCase(sub.charAt(0)) + sub.substring(1);
                return switch (method) {
                    case "PUT" -> "PutBucket" + name;
                    case "DELETE" -> "DeleteBucket" + name;
                    default -> sub.equals("versions") ? "ListObjectVersions" : "GetBucket" + name;
                };
            }
        }
        if (bucketOnly) {
            return switch (method) {
                case "PUT" -> "CreateBucket";
                case "DELETE" -> "DeleteBucket";
                case "HEAD" -> "HeadBucket";
                case "POST" -> "DeleteObjects";
                default -> query.contains("list-type=2") ? "ListObjectsV2" : "ListObjects";
            };
        }
        return switch (method) {
            case "PUT" -> "PutObject";
            case "DELETE" -> "DeleteObject";
            case "HEAD" -> "HeadObject";
            default -> "GetObject";
        };
    }

    static Optional<String> param(String encoded, String name) {
        if (encoded == null || encoded.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
