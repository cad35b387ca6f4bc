package dev.podidentity.local.eks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podidentity.local.gateway.CallScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads clusters straight from moto (not through the gateway, so these look-ups are neither counted
 * nor hit by injected faults). moto picks the region from the SigV4 credential scope and does not check
 * signatures, so a scope-only Authorization header is enough.
 */
public final class MotoDirectory implements ClusterDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<URI> moto;
    /** Clusters as moto last answered, kept until an EKS write ({@link #clustersChanged}). */
    private final dev.podidentity.local.gateway.KeptReads<ClusterRecord> clusters =
            new dev.podidentity.local.gateway.KeptReads<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** @param moto where moto listens; a supplier because the port is only final once moto has started */
    public MotoDirectory(Supplier<URI> moto) {
        this.moto = moto;
    }

    @Override
    public Optional<ClusterRecord> find(String region, String clusterName) {
        // once per gateway call: moto's one Python process serves these beside the calls being measured
        return CallScope.memo("moto DescribeCluster " + region + " " + clusterName,
                () -> clusters.get(region + " " + clusterName, key -> describe(region, clusterName)));
    }

    /**
     * A cluster may have been made, changed or deleted in moto (an EKS write through the gateway, a direct write, a
     * reset): the clusters kept are read again. Before this, each CreatePodIdentityAssociation asked moto for its
     * cluster, one more request on moto's one Python thread per association.
     */
    public void clustersChanged() {
        clusters.clear();
    }

    private Optional<ClusterRecord> describe(String region, String clusterName) {
        HttpRequest request = HttpRequest.newBuilder(moto.get().resolve("/clusters/" + encode(clusterName)))
                .header("Authorization", scope(region, "eks")).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("moto DescribeCluster " + clusterName + " answered " + response.statusCode());
        }
        try {
            JsonNode cluster = JSON.readTree(response.body()).path("cluster");
            return Optional.of(new ClusterRecord(cluster.path("name").asText(), cluster.path("arn").asText(),
                    cluster.path("status").asText("ACTIVE")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach moto at " + moto.get(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling moto", e);
        }
    }

    static String scope(String region, String service) {
        return "AWS4-HMAC-SHA256 Credential=test/20260101/" + region + "/" + service
                + "/aws4_request, SignedHeaders=host, Signature=0";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
