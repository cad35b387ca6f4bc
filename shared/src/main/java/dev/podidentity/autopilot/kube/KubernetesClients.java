package dev.podidentity.autopilot.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One fabric8 client per cluster, built on first use from {@link ClusterAccess} and kept for the container's life
 * (a warm Lambda reuses it). Nothing comes from a kubeconfig or the environment: auto-configuration is off, so a
 * stray {@code KUBECONFIG} cannot point a function at another cluster. The token is asked for per request
 * (fabric8 calls the provider, and again after a 401), so an expired token is replaced without a rebuild.
 */
public final class KubernetesClients implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final Function<String, KubernetesClient> factory;
    private final Map<String, KubernetesClient> byCluster = new ConcurrentHashMap<>();

    private KubernetesClients(Function<String, KubernetesClient> factory) {
        this.factory = factory;
    }

    /** Clients for clusters reached through {@code access}: endpoint and CA from EKS, an EKS token per request. */
    public static KubernetesClients using(ClusterAccess access) {
        return using(access, REQUEST_TIMEOUT);
    }

    /** The same with another request timeout (priming, which a handler's init waits for, uses a short one). */
    static KubernetesClients using(ClusterAccess access, Duration requestTimeout) {
        Objects.requireNonNull(access, "access");
        return new KubernetesClients(cluster -> build(cluster, access, requestTimeout));
    }

    /** Clients made elsewhere (tests hand in the mock server's client). */
    public static KubernetesClients of(Function<String, KubernetesClient> factory) {
        return new KubernetesClients(Objects.requireNonNull(factory, "factory"));
    }

    public KubernetesClient forCluster(String cluster) {
        return byCluster.computeIfAbsent(cluster, factory);
    }

    /** Forget a cluster's client (its endpoint may have changed, e.g. after a 404 on a deleted cluster). */
    public void forget(String cluster) {
        KubernetesClient client = byCluster.remove(cluster);
        if (client != null) {
            client.close();
        }
    }

    private static KubernetesClient build(String cluster, ClusterAccess access, Duration requestTimeout) {
        ClusterAccess.Endpoint endpoint = access.endpoint(cluster);
        ConfigBuilder config = new ConfigBuilder(Config.empty())
                .withAutoConfigure(false)
                .withMasterUrl(endpoint.server())
                .withConnectionTimeout((int) Math.min(CONNECT_TIMEOUT.toMillis(), requestTimeout.toMillis()))
                .withRequestTimeout((int) requestTimeout.toMillis())
                // Step Functions retries a failed step with backoff; one layer of retries is enough.
                .withRequestRetryBackoffLimit(1)
                .withOauthTokenProvider(() -> access.token(cluster));
        if (endpoint.certificateAuthorityData() != null && !endpoint.certificateAuthorityData().isEmpty()) {
            config.withCaCertData(endpoint.certificateAuthorityData());
        }
        return new KubernetesClientBuilder().withConfig(config.build())
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    @Override
    public void close() {
        byCluster.values().forEach(KubernetesClient::close);
        byCluster.clear();
    }
}
