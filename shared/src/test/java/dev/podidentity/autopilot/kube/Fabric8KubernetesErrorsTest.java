package dev.podidentity.autopilot.kube;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.error.KubernetesAccessException;
import dev.podidentity.autopilot.error.RetryableException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** API server refusals become the errors the state machine tells apart, with what to do about them. */
@EnableKubernetesMockClient(https = false)
class Fabric8KubernetesErrorsTest {
    static KubernetesMockServer server;  // expectations mode: answers only what a test scripts

    private Fabric8Kubernetes kube(String url) {
        return new Fabric8Kubernetes(KubernetesClients.using(new ClusterAccess() {
            @Override
            public Endpoint endpoint(String cluster) {
                return new Endpoint(url, null);
            }

            @Override
            public String token(String cluster) {
                return "k8s-aws-v1.x";
            }
        }));
    }

    @Test
    void forbidden_becomesKubernetesAccessException_namingAccessEntries() {
        server.expect().get().withPath("/api/v1/serviceaccounts?limit=500").andReturn(403,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
                        + "\"code\":403}").always();

        KubernetesAccessException e = assertThrows(KubernetesAccessException.class,
                () -> kube(server.url("/")).listIrsaServiceAccounts("dev-cluster"));

        assertTrue(e.getMessage().startsWith("list service accounts in all namespaces on cluster \"dev-cluster\": "
                + "the API server refused the function's IAM role (HTTP 403)"), e.getMessage());
        assertTrue(e.getMessage().contains("EKS access entry"), e.getMessage());
        assertTrue(e.getMessage().contains("aws-auth"), e.getMessage());
    }

    @Test
    void serverError_isRetryable() {
        server.expect().get().withPath("/api/v1/namespaces/apps/serviceaccounts/web").andReturn(503, "busy").always();

        assertThrows(RetryableException.class, () -> kube(server.url("/")).removeIrsaAnnotation("c", "apps", "web"));
    }

    @Test
    void unreachableEndpoint_isRetryable_andSaysPrivateEndpointsNeedTheVpc() {
        RetryableException e = assertThrows(RetryableException.class,
                () -> kube("http://127.0.0.1:1").deleteServiceAccount("c", "apps", "web"));

        assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
        assertTrue(e.getMessage().contains("KubernetesSubnetIds"), e.getMessage());
    }
}
