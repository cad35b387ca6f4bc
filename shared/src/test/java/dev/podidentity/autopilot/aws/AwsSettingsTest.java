package dev.podidentity.autopilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    @DisplayName("Local cloud: AUTOPILOT_ENDPOINT_URL, or the system property which wins over it")
    void fromEnvironment_whenEndpointConfigured_overridesEndpoint() {
        Map<String, String> env = Map.of("AWS_REGION", "us-west-2", AwsSettings.ENDPOINT_ENV, "http://127.0.0.1:4566");
        assertEquals(URI.create("http://127.0.0.1:4566"), AwsSettings.fromEnvironment(env, k -> null).endpoint());
        assertEquals(URI.create("http://127.0.0.1:9999"), AwsSettings.fromEnvironment(env,
                k -> k.equals(AwsSettings.ENDPOINT_PROPERTY) ? "http://127.0.0.1:9999" : null).endpoint());
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
