package dev.podidentity.local.eks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.eks.EksEmulator.AddonIssue;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the EKS emulator's resource classes share: the account, the clock, the one lock that guards all state, and
 * the per-cluster state they keep (add-ons, associations, access entries, add-on updates). Package-private: callers
 * go through {@link EksEmulator}.
 */
final class EksState {
    static final ObjectMapper JSON = new ObjectMapper();
    final String accountId;
    final ClusterDirectory clusterDirectory;
    final Clock clock;
    final Object lock = new Object();
    final Map<String, ClusterState> clusters = new HashMap<>();

    EksState(String accountId, ClusterDirectory clusterDirectory, Clock clock) {
        this.accountId = Objects.requireNonNull(accountId);
        this.clusterDirectory = Objects.requireNonNull(clusterDirectory);
        this.clock = Objects.requireNonNull(clock);
    }

    ClusterDirectory.ClusterRecord requireCluster(String region, String clusterName) {
        Optional<ClusterDirectory.ClusterRecord> cluster = clusterDirectory.find(region, clusterName);
        if (cluster.isEmpty()) {
            synchronized (lock) {
                clusters.remove(key(region, clusterName)); // a cluster deleted in moto takes its add-ons with it
            }
            throw EksApiException.notFound("No cluster found for name: " + clusterName + ".");
        }
        return cluster.get();
    }

    ClusterState stateFor(String region, ClusterDirectory.ClusterRecord cluster) {
        return clusters.computeIfAbsent(key(region, cluster.name()), k -> new ClusterState(region, cluster.name()));
    }

    ClusterState requireState(String region, String cluster) {
        ClusterState state = clusters.get(key(region, cluster));
        if (state == null) {
            throw EksApiException.notFound("No addon found in cluster: " + cluster);
        }
        return state;
    }

    static ObjectNode wrap(String field, ObjectNode value) {
        ObjectNode response = JSON.createObjectNode();
        response.set(field, value);
        return response;
    }

    static Map<String, String> tags(JsonNode node) {
        Map<String, String> tags = new TreeMap<>();
        if (node == null || node.isNull()) {
            return tags;
        }
        if (node.size() > 50) {
            throw EksApiException.invalidParameter("A resource can have at most 50 tags");
        }
        node.properties().forEach(e -> {
            if (e.getKey().toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
                throw EksApiException.invalidParameter("Tag keys starting with 'aws:' are reserved: " + e.getKey());
            }
            tags.put(e.getKey(), e.getValue().asText());
        });
        return tags;
    }

    static String requiredText(JsonNode body, String field) {
        String value = text(body, field);
        if (value == null || value.isEmpty()) {
            throw EksApiException.invalidParameter(field + " is required");
        }
        return value;
    }

    static String text(JsonNode body, String field) {
        JsonNode value = body == null ? null : body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }

    static String key(String region, String cluster) {
        return region + "|" + cluster;
    }

    record Outcome(String status, List<AddonIssue> issues) {
    }

    /** An association whose delete is still propagating: the next {@code createsRefused} creates name its id. */
    record DeletedAssociation(String id, int createsRefused) {
    }

    record AddonUpdate(String id, String addonName, String addonArn, ArrayNode params, Instant createdAt) {
    }

    static final class ClusterState {
        final String region;
        final String name;
        final Map<String, AddonState> addons = new TreeMap<>();
        final Map<String, Association> associations = new LinkedHashMap<>();
        final Map<String, String> tokens = new HashMap<>();
        final Map<String, AccessEntry> accessEntries = new LinkedHashMap<>();
        final Map<String, Outcome> pendingOutcomes = new HashMap<>();
        final Map<String, AddonUpdate> updates = new LinkedHashMap<>();
        /** namespace/serviceAccount → the deleted association, while its delete propagates. */
        final Map<String, DeletedAssociation> deleting = new HashMap<>();

        ClusterState(String region, String name) {
            this.region = region;
            this.name = name;
        }
    }

    static final class AddonState {
        String name;
        String arn;
        String version;
        String namespace;
        String status;
        String serviceAccountRoleArn;
        String configurationValues;
        Map<String, String> tags;
        Instant createdAt;
        Instant modifiedAt;
        /** When a CREATING/UPDATING add-on settles; null when it is not changing. */
        Instant settlesAt;
        Outcome outcome;
        List<AddonIssue> issues = List.of();
    }

    static final class Association {
        String id;
        String arn;
        String namespace;
        String serviceAccount;
        String roleArn;
        String ownerArn;
        Map<String, String> tags;
        Instant createdAt;
        Instant modifiedAt;
        Boolean disableSessionTags;
        String targetRoleArn;
        String externalId;
        String policy;
    }

    static final class AccessEntry {
        String principalArn;
        String arn;
        String type;
        String username;
        List<String> groups;
        Map<String, String> tags;
        Instant createdAt;
        Instant modifiedAt;
        final Map<String, ObjectNode> policies = new LinkedHashMap<>();
    }
}
