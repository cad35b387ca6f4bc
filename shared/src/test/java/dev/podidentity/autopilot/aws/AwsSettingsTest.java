package dev.podidentity.autopilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

    @Test
    @DisplayName("Lambda environment: region from AWS_REGION, no endpoint override, explicit timeouts and retries")
    void fromEnvironment_whenLambda_usesRegionAndRealEndpoints() {
        AwsSettings s = AwsSettings.fromEnvironment(Map.of("AWS_REGION", "eu-central-1"), k -> null);
        assertEquals("eu-central-1", s.region());
        assertNull(s.endpoint());
        assertEquals(Duration.ofSeconds(2), s.connectTimeout());
        assertEquals(Duration.ofSeconds(20), s.readTimeout());
        assertEquals(6, s.maxAttempts());
    }

    @Test
    @DisplayName("Local endpoint: the SDK's AWS_ENDPOINT_URL (or _S3, or their system properties) is left to the SDK; S3 goes path-style")
    void fromEnvironment_whenEndpointConfigured_leavesItToTheSdk() {
        Map<String, String> env = Map.of("AWS_REGION", "us-west-2", AwsSettings.ENDPOINT_ENV, "http://127.0.0.1:4566");
        AwsSettings s = AwsSettings.fromEnvironment(env, k -> null);
        assertNull(s.endpoint(), "no override of our own: the SDK applies AWS_ENDPOINT_URL and its per-service variants");
        assertTrue(s.s3EndpointConfigured(env, k -> null));
        assertTrue(s.s3EndpointConfigured(Map.of(AwsSettings.S3_ENDPOINT_ENV, "http://127.0.0.1:4566"), k -> null));
        assertTrue(s.s3EndpointConfigured(Map.of(), k -> k.equals(AwsSettings.ENDPOINT_PROPERTY) ? "http://x:1" : null));
        assertFalse(s.s3EndpointConfigured(Map.of("AWS_ENDPOINT_URL_EKS", "http://127.0.0.1:4566"), k -> null));
        assertTrue(AwsSettings.defaults("us-west-2").withEndpoint(URI.create("http://127.0.0.1:1"))
                .s3EndpointConfigured(Map.of(), k -> null));
    }

    @Test
    @DisplayName("AWS_ENDPOINT_URL reaches the clients through the SDK itself (no override of ours)")
    void create_whenSdkEndpointProperty_clientsUseIt() {
        String before = System.getProperty(AwsSettings.ENDPOINT_PROPERTY);
        System.setProperty(AwsSettings.ENDPOINT_PROPERTY, "http://127.0.0.1:4566");
        try (AwsClients clients = AwsClients.create(AwsSettings.fromEnvironment(Map.of("AWS_REGION", "us-west-2"), k -> null))) {
            assertEquals(URI.create("http://127.0.0.1:4566"),
                    clients.eks().serviceClientConfiguration().endpointOverride().orElseThrow());
        } finally {
            if (before == null) {
                System.clearProperty(AwsSettings.ENDPOINT_PROPERTY);
            } else {
                System.setProperty(AwsSettings.ENDPOINT_PROPERTY, before);
            }
        }
    }

    @Test
    @DisplayName("No region anywhere: a clear error at container start, not a late SDK failure")
    void fromEnvironment_whenNoRegion_fails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AwsSettings.fromEnvironment(Map.of(), k -> null));
        assertEquals("no region: set AWS_REGION (Lambda sets it) or -Daws.region", e.getMessage());
    }

    @Test
    @DisplayName("Clients build with the settings (no network call at build time)")
    void create_whenSettings_buildsEveryClient() {
        try (AwsClients clients = AwsClients.create(AwsSettings.defaults("us-west-2").withEndpoint(URI.create("http://127.0.0.1:1")))) {
            assertEquals("us-west-2", clients.eks().serviceClientConfiguration().region().id());
            assertEquals(URI.create("http://127.0.0.1:1"), clients.iam().serviceClientConfiguration().endpointOverride().orElseThrow());
            clients.s3();
            clients.sts();
            clients.sfn();
        }
    }
}
