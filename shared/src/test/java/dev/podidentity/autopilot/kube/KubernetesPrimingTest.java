package dev.podidentity.autopilot.kube;

import dev.podidentity.autopilot.port.KubernetesPort;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kubernetes priming runs fabric8's service-account read on loopback, and deletes nothing. */
class KubernetesPrimingTest {
    private static final String TOKEN = "k8s-aws-v1.cHJpbWluZw";

    @Test
    void primingReadsTheServiceAccountThroughFabric8_withTheRealToken_andDeletesNothing() {
        AtomicInteger endpointAsked = new AtomicInteger();
        AtomicInteger tokens = new AtomicInteger();
        ClusterAccess real = new ClusterAccess() {
            @Override
            public Endpoint endpoint(String cluster) {
                // the real endpoint would be a DescribeCluster call: priming never asks for it
                endpointAsked.incrementAndGet();
                throw new AssertionError("priming asked for a real cluster endpoint");
            }

            @Override
            public String token(String cluster) {
                tokens.incrementAndGet();
                return TOKEN;
            }
        };

        KubernetesPort.Result result = KubernetesPriming.deleteServiceAccountPath(real);

        // the answer was parsed into a service account, found not ours, and left alone
        assertFalse(result.changed(), result.reason());
        assertTrue(result.reason().contains("was not created by"), result.reason());
        assertEquals(0, endpointAsked.get());
        assertTrue(tokens.get() >= 1, "the token provider was not asked: its signing is not primed");
    }

    @Test
    void loopbackServerAnswersGetsWithTheBody_refusesOtherMethods_andRecordsWhatItSaw() throws Exception {
        try (KubernetesPriming.LoopbackApiServer server =
                     new KubernetesPriming.LoopbackApiServer(KubernetesPriming.SERVICE_ACCOUNT)) {
            assertTrue(server.url().startsWith("http://127.0.0.1:") || server.url().startsWith("http://[::1]:"),
                    server.url());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.url()
                            + "/api/v1/namespaces/priming/serviceaccounts/priming"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create(server.url()
                    + "/api/v1/namespaces/priming/serviceaccounts/priming")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, get.statusCode());
            assertEquals(KubernetesPriming.SERVICE_ACCOUNT, get.body());
            assertEquals(405, delete.statusCode());
            assertEquals(List.of("GET /api/v1/namespaces/priming/serviceaccounts/priming",
                    "DELETE /api/v1/namespaces/priming/serviceaccounts/priming"), server.requests());
            assertEquals(List.of("Bearer " + TOKEN, ""), server.authorizations());
        }
    }

    @Test
    void thePrimedPathSendsTheBearerTokenAndOneGet() throws Exception {
        try (KubernetesPriming.LoopbackApiServer server =
                     new KubernetesPriming.LoopbackApiServer(KubernetesPriming.SERVICE_ACCOUNT)) {
            KubernetesPort.Result result = KubernetesPriming.deleteServiceAccountPath(new ClusterAccess() {
                @Override
                public Endpoint endpoint(String cluster) {
                    throw new AssertionError("priming asked for a real cluster endpoint");
                }

                @Override
                public String token(String cluster) {
                    return TOKEN;
                }
            }, server);

            assertFalse(result.changed());
            assertEquals(List.of("GET /api/v1/namespaces/priming/serviceaccounts/priming"), server.requests());
            assertEquals(List.of("Bearer " + TOKEN), server.authorizations());
        }
    }

    @Test
    void aClosedServerRefusesConnections_soPrimingCannotHangOnIt() throws Exception {
        KubernetesPriming.LoopbackApiServer server =
                new KubernetesPriming.LoopbackApiServer(KubernetesPriming.SERVICE_ACCOUNT);
        String url = server.url();
        server.close();
        HttpClient http = HttpClient.newHttpClient();
        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(URI.create(url + "/api"))
                .build(), HttpResponse.BodyHandlers.ofString()));
    }
}
