package dev.podidentity.autopilot.kube;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The token format EKS accepts as a bearer token (aws-iam-authenticator's): a presigned STS GetCallerIdentity URL
 * whose signature covers the {@code x-k8s-aws-id} header naming the cluster, base64url-encoded without padding and
 * prefixed {@code k8s-aws-v1.}. The API server replays the URL to STS to learn who the caller is, so the token is a
 * signature, never a credential. Signing itself needs the SDK and lives in {@code aws.AwsClusterAccess}.
 */
public final class EksTokens {
    public static final String PREFIX = "k8s-aws-v1.";
    /** The header that binds the presigned request to one cluster; it must be among the signed headers. */
    public static final String CLUSTER_ID_HEADER = "x-k8s-aws-id";
    /** What aws-iam-authenticator puts in {@code X-Amz-Expires}; EKS itself accepts a token for 15 minutes. */
    public static final int PRESIGN_EXPIRY_SECONDS = 60;

    private EksTokens() {
    }

    /** The STS URL to presign: GetCallerIdentity on the regional endpoint of the partition's DNS suffix. */
    public static URI getCallerIdentityUrl(String region, String dnsSuffix) {
        return URI.create("https://sts." + region + "." + dnsSuffix + "/?Action=GetCallerIdentity&Version=2011-06-15");
    }

    /** {@code k8s-aws-v1.} + base64url(presigned URL), no padding. */
    public static String token(URI presigned) {
        return PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(presigned.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The presigned URL inside a token; for tests and for diagnosing a token the API server refused. */
    public static URI decode(String token) {
        if (!token.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not an EKS token: it does not start with " + PREFIX);
        }
        return URI.create(new String(Base64.getUrlDecoder().decode(token.substring(PREFIX.length())),
                StandardCharsets.UTF_8));
    }
}
