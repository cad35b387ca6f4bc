package dev.podidentity.local.eks;

import static dev.podidentity.local.eks.EksState.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What EKS shows of a cluster that moto does not: a status other than ACTIVE (turning ACTIVE once its time has
 * passed, however often it is read, as on AWS), Auto Mode's configuration, and the local Kubernetes API server as the
 * endpoint. A CREATING cluster has no endpoint.
 */
final class ClusterOverlays {
    private final Map<String, ClusterOverlay> overlays = new HashMap<>();
    private final EksState shared;

    ClusterOverlays(EksState shared) {
        this.shared = shared;
    }

    /**
     * Overrides a moto cluster's status (moto makes every cluster ACTIVE at once). With {@code activeAfter} the status
     * turns ACTIVE once that much time has passed from this call, whether or not anyone describes the cluster (EKS
     * finishes creating a cluster in its own time); null keeps the status until it is set again.
     */
    public void setClusterStatus(String region, String cluster, String status, Duration activeAfter) {
        if (activeAfter != null && activeAfter.isNegative()) {
            throw new IllegalArgumentException("activeAfter must be zero or more, not " + activeAfter);
        }
        synchronized (shared.lock) {
            ClusterOverlay overlay = overlays.computeIfAbsent(key(region, cluster), k -> new ClusterOverlay());
            overlay.status = "ACTIVE".equals(status) ? null : status;
            overlay.activeAt = overlay.status == null || activeAfter == null ? null : shared.clock.instant().plus(activeAfter);
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
     * Merges the overlay into a DescribeCluster response body from moto: status (as of now; reading it changes
     * nothing) and, for Auto Mode clusters, computeConfig / storageConfig / elasticLoadBalancing.
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
            String status = overlay.statusAt(shared.clock.instant());
            if (status != null) {
                cluster.put("status", status);
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

    /** Call with the lock held. */
    void requireActive(String region, ClusterDirectory.ClusterRecord cluster) {
        String status = effectiveStatus(region, cluster);
        if (!"ACTIVE".equals(status)) {
            throw EksApiException.invalidRequest("Cluster '" + cluster.name() + "' is not in ACTIVE status");
        }
    }

    /** Call with the lock held. */
    String effectiveStatus(String region, ClusterDirectory.ClusterRecord cluster) {
        ClusterOverlay overlay = overlays.get(key(region, cluster.name()));
        String status = overlay == null ? null : overlay.statusAt(shared.clock.instant());
        return status != null ? status : cluster.status();
    }

    private static final class ClusterOverlay {
        /** The overridden status; null: moto's (ACTIVE). */
        String status;
        /** When {@link #status} gives way to ACTIVE; null: never. */
        Instant activeAt;
        boolean autoMode;
        String endpoint;

        /** The overridden status at {@code now}, or null once it has turned ACTIVE (or was never overridden). */
        String statusAt(Instant now) {
            return activeAt != null && !now.isBefore(activeAt) ? null : status;
        }
    }

    void reset() {
        overlays.clear();
    }
}
