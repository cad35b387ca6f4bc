package dev.podidentity.autopilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.kube.EksTokens;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;

/** The EKS token: the format aws-iam-authenticator produces and EKS's authenticator accepts. */
class AwsClusterAccessTest {
    private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");

    private final EksClient unused = EksClient.builder().region(Region.US_WEST_2)
            .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create("AKID", "SECRET", "TOKEN")))
            .build();

    private AwsClusterAccess access(Clock clock) {
        return new AwsClusterAccess(unused, StaticCredentialsProvider.create(
                AwsSessionCredentials.create("AKIDEXAMPLE", "secret", "session-token")), "us-west-2", clock);
    }

    @Test
    void token_isPresignedGetCallerIdentityBoundToTheCluster() {
        String token = access(Clock.fixed(AT, ZoneOffset.UTC)).presign("dev-cluster", AT);

        assertTrue(token.startsWith("k8s-aws-v1."), token);
        assertFalse(token.contains("="), "base64url without padding");
        assertFalse(token.substring(11).contains("+") || token.substring(11).contains("/"), "url-safe alphabet");
        URI url = EksTokens.decode(token);
        assertEquals("https", url.getScheme());
        assertEquals("sts.us-west-2.amazonaws.com", url.getHost());
        Map<String, String> q = query(url);
        assertEquals("GetCallerIdentity", q.get("Action"));
        assertEquals("2011-06-15", q.get("Version"));
        assertEquals("AWS4-HMAC-SHA256", q.get("X-Amz-Algorithm"));
        assertEquals("AKIDEXAMPLE/20261129/us-west-2/sts/aws4_request", q.get("X-Amz-Credential"));
        assertEquals("20261129T100000Z", q.get("X-Amz-Date"));
        assertEquals("60", q.get("X-Amz-Expires"));
        assertEquals("host;x-k8s-aws-id", q.get("X-Amz-SignedHeaders"), "the cluster header must be signed");
        assertEquals("session-token", q.get("X-Amz-Security-Token"));
        assertEquals(64, q.get("X-Amz-Signature").length());
    }

    @Test
    void token_dependsOnTheCluster() {
        AwsClusterAccess access = access(Clock.fixed(AT, ZoneOffset.UTC));
        assertNotEquals(query(EksTokens.decode(access.presign("a", AT))).get("X-Amz-Signature"),
                query(EksTokens.decode(access.presign("b", AT))).get("X-Amz-Signature"));
    }

    @Test
    void token_isReusedWithinItsExpiryAndRenewedAfter() {
        MutableClock clock = new MutableClock(AT);
        AwsClusterAccess access = access(clock);
        String first = access.token("dev-cluster");
        clock.now = AT.plus(Duration.ofSeconds(30));
        assertSame(first, access.token("dev-cluster"));
        clock.now = AT.plus(Duration.ofSeconds(50));
        assertNotEquals(first, access.token("dev-cluster"));
    }

    private static Map<String, String> query(URI url) {
        return Arrays.stream(url.getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
