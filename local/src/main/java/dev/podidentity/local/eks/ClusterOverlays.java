package dev.podidentity.local.eks;

import static dev.podidentity.local.eks.EksState.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * What EKS shows of a cluster that moto does not: a status other than ACTIVE (counting describes until it settles),
 * Auto Mode's configuration, and the local Kubernetes API server as the endpoint. A CREATING cluster has no endpoint.
 */
final class ClusterOverlays {
    private final Map<String, ClusterOverlay> overlays = new HashMap<>();
    private final EksState shared;

    ClusterOverlays(EksState shared) {
        this.shared = shared;
    }

    /**
     * Overrides a moto cluster's status (moto makes every cluster ACTIVE at once). With {@code describesUntilActive}
     * &gt; 0 the status turns ACTIVE after that many DescribeCluster calls through the gateway; a negative value keeps it.
     */
    public void setClusterStatus(String region, String cluster, String status, int describesUntilActive) {
        synchronized (shared.lock) {
            ClusterOverlay overlay = overlays.computeIfAbsent(key(region, cluster), k -> new ClusterOverlay());
            overlay.status = "ACTIVE".equals(status) ? null : status;
            overlay.describesUntilActive = describesUntilActive;
        }
    }

    /** moto drops {@code computeConfig}; the Auto Mode flag lives here and is merged into DescribeCluster. */
    public void setAutoMode(String region, String cluster, boolean enabled) {
        synchronized (shared.lock) {
            overlays.computeIfAbsent(key(region, cluster), k -> new ClusterOverlay()).autoMode = enabled;
        }
    }

    /**
     * The cluster's Kubernetes API server (the local cloud's mock); merged into DescribeCluster as {@code endpoint},
     * replacing moto's made-up host name, so functions connect to it exactly as they connect to EKS.
     */
    public void setKubernetesEndpoint(String region, String cluster, String endpoint) {
        synchronized (shared.lock) {
            overlays.computeIfAbsent(key(region, cluster), k -> new ClusterOverlay()).endpoint = endpoint;
        }
    }

    public boolean autoMode(String region, String cluster) {
        synchronized (shared.lock) {
            ClusterOverlay overlay = overlays.get(key(region, cluster));
            return overlay != null && overlay.autoMode;
        }
    }

    /** The status the emulator reports for a moto cluster (the override, else moto's). */
    public String clusterStatus(String region, String cluster) {
        ClusterDirectory.ClusterRecord record = shared.clusterDirectory.find(region, cluster)
                .orElseThrow(() -> EksApiException.notFound("No cluster found for name: " + cluster + "."));
        synchronized (shared.lock) {
            return effectiveStatus(region, record);
        }
    }

    /**
     * Merges the overlay into a DescribeCluster response body from moto: status (counting this describe towards
     * ACTIVE) and, for Auto Mode clusters, computeConfig / storageConfig / elasticLoadBalancing.
     */
    public ObjectNode overlayDescribeCluster(String region, ObjectNode response) {
        ObjectNode cluster = (ObjectNode) response.get("cluster");
        if (cluster == null) {
            return response;
        }
        String name = cluster.path("name").asText();
        synchronized (shared.lock) {
            ClusterOverlay overlay = overlays.get(key(region, name));
            if (overlay == null) {
                return response;
            }
            if (overlay.status != null) {
                cluster.put("status", overlay.status);
                if (overlay.describesUntilActive > 0 && --overlay.describesUntilActive == 0) {
                    overlay.status = null;
                }
            }
            // As EKS: a cluster being created has no API server yet, so DescribeCluster has no endpoint (nor CA)
            // to connect to; they appear with ACTIVE.
            boolean creating = "CREATING".equals(cluster.path("status").asText());
            if (creating) {
                cluster.remove("endpoint");
                cluster.remove("certificateAuthority");
            } else if (overlay.endpoint != null) {
                cluster.put("endpoint", overlay.endpoint);
                // moto's CA is 1400 random characters; decoded, some draws look like a malformed certificate and
                // fabric8 refuses to build the client. The local API server speaks plain HTTP: it has no CA.
                if (overlay.endpoint.startsWith("http://")) {
                    cluster.remove("certificateAuthority");
                }
            }
            if (overlay.autoMode) {
                ObjectNode compute = cluster.putObject("computeConfig");
                compute.put("enabled", true);
                compute.putArray("nodePools").add("general-purpose").add("system");
                compute.put("nodeRoleArn", "arn:aws:iam::" + shared.accountId + ":role/" + name + "-auto-mode-node-role");
                cluster.putObject("storageConfig").putObject("blockStorage").put("enabled", true);
                JsonNode network = cluster.get("kubernetesNetworkConfig");
                ObjectNode networkConfig = network instanceof ObjectNode object ? object : cluster.putObject("kubernetesNetworkConfig");
                networkConfig.putObject("elasticLoadBalancing").put("enabled", true);
            }
        }
        return response;
    }

    void requireActive(String region, ClusterDirectory.ClusterRecord cluster) {
        String status = effectiveStatus(region, cluster);
        if (!"ACTIVE".equals(status)) {
            throw EksApiException.invalidRequest("Cluster '" + cluster.name() + "' is not in ACTIVE status");
        }
    }

    String effectiveStatus(String region, ClusterDirectory.ClusterRecord cluster) {
        ClusterOverlay overlay = overlays.get(key(region, cluster.name()));
        return overlay != null && overlay.status != null ? overlay.status : cluster.status();
    }

    private static final class ClusterOverlay {
        String status;
        int describesUntilActive;
        boolean autoMode;
        String endpoint;
    }

    void reset() {
        overlays.clear();
    }
}
