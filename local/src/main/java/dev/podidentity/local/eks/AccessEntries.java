package dev.podidentity.local.eks;

import static dev.podidentity.local.eks.EksState.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** EKS access entries and the access policies associated with them. */
final class AccessEntries {
    private final EksState shared;

    AccessEntries(EksState shared) {
        this.shared = shared;
    }

    public ObjectNode createAccessEntry(String region, String clusterName, JsonNode body) {
        String principalArn = requiredText(body, "principalArn");
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            if (state.accessEntries.containsKey(principalArn)) {
                throw EksApiException.inUse("The specified access entry resource is already in use on this cluster.");
            }
            AccessEntry entry = new AccessEntry();
            entry.principalArn = principalArn;
            entry.type = body.hasNonNull("type") ? body.get("type").asText() : "STANDARD";
            entry.username = body.hasNonNull("username") ? body.get("username").asText() : defaultUsername(principalArn);
            entry.groups = new ArrayList<>();
            body.path("kubernetesGroups").forEach(g -> entry.groups.add(g.asText()));
            entry.tags = tags(body.get("tags"));
            entry.createdAt = shared.clock.instant();
            entry.modifiedAt = entry.createdAt;
            entry.arn = "arn:aws:eks:" + region + ":" + shared.accountId + ":access-entry/" + clusterName + "/"
                    + principalKind(principalArn) + "/" + shared.accountId + "/" + principalName(principalArn) + "/" + UUID.randomUUID();
            state.accessEntries.put(principalArn, entry);
            return wrap("accessEntry", accessEntryJson(state, entry));
        }
    }

    public ObjectNode describeAccessEntry(String region, String clusterName, String principalArn) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            return wrap("accessEntry", accessEntryJson(state, requireAccessEntry(state, principalArn)));
        }
    }

    public ObjectNode listAccessEntries(String region, String clusterName, String associatedPolicyArn, Integer maxResults,
                                        String nextToken) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            List<String> principals = state.accessEntries.values().stream()
                    .filter(e -> associatedPolicyArn == null || e.policies.containsKey(associatedPolicyArn))
                    .map(e -> e.principalArn).toList();
            Page<String> page = Page.of(principals, maxResults, nextToken);
            ObjectNode response = JSON.createObjectNode();
            ArrayNode items = response.putArray("accessEntries");
            page.items().forEach(items::add);
            if (page.nextToken() != null) {
                response.put("nextToken", page.nextToken());
            }
            return response;
        }
    }

    public ObjectNode deleteAccessEntry(String region, String clusterName, String principalArn) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            requireAccessEntry(state, principalArn);
            state.accessEntries.remove(principalArn);
            return JSON.createObjectNode();
        }
    }

    public ObjectNode associateAccessPolicy(String region, String clusterName, String principalArn, JsonNode body) {
        String policyArn = requiredText(body, "policyArn");
        JsonNode scope = body.get("accessScope");
        if (scope == null || !scope.hasNonNull("type")) {
            throw EksApiException.invalidParameter("accessScope is required");
        }
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            AccessEntry entry = requireAccessEntry(state, principalArn);
            Instant now = shared.clock.instant();
            ObjectNode associated = JSON.createObjectNode();
            associated.put("policyArn", policyArn);
            associated.set("accessScope", scope.deepCopy());
            ObjectNode previous = entry.policies.get(policyArn);
            associated.put("associatedAt", previous == null ? seconds(now) : previous.get("associatedAt").asDouble());
            associated.put("modifiedAt", seconds(now));
            entry.policies.put(policyArn, associated);
            ObjectNode response = JSON.createObjectNode();
            response.put("clusterName", state.name);
            response.put("principalArn", principalArn);
            response.set("associatedAccessPolicy", associated.deepCopy());
            return response;
        }
    }

    public ObjectNode listAssociatedAccessPolicies(String region, String clusterName, String principalArn, Integer maxResults,
                                                   String nextToken) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            AccessEntry entry = requireAccessEntry(state, principalArn);
            Page<ObjectNode> page = Page.of(new ArrayList<>(entry.policies.values()), maxResults, nextToken);
            ObjectNode response = JSON.createObjectNode();
            response.put("clusterName", state.name);
            response.put("principalArn", principalArn);
            ArrayNode items = response.putArray("associatedAccessPolicies");
            page.items().forEach(p -> items.add(p.deepCopy()));
            if (page.nextToken() != null) {
                response.put("nextToken", page.nextToken());
            }
            return response;
        }
    }

    private AccessEntry requireAccessEntry(ClusterState state, String principalArn) {
        AccessEntry entry = state.accessEntries.get(principalArn);
        if (entry == null) {
            throw EksApiException.notFound("The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.");
        }
        return entry;
    }

    ObjectNode accessEntryJson(ClusterState state, AccessEntry entry) {
        ObjectNode e = JSON.createObjectNode();
        e.put("clusterName", state.name);
        e.put("principalArn", entry.principalArn);
        ArrayNode groups = e.putArray("kubernetesGroups");
        entry.groups.forEach(groups::add);
        e.put("accessEntryArn", entry.arn);
        e.put("createdAt", seconds(entry.createdAt));
        e.put("modifiedAt", seconds(entry.modifiedAt));
        e.set("tags", JSON.valueToTree(entry.tags));
        e.put("username", entry.username);
        e.put("type", entry.type);
        return e;
    }

    private static String defaultUsername(String principalArn) {
        if (principalArn.contains(":role/")) {
            String name = principalName(principalArn);
            return principalArn.replace(":iam::", ":sts::").replaceFirst(":role/.*$", ":assumed-role/" + name + "/{{SessionName}}");
        }
        return principalArn;
    }

    private static String principalKind(String principalArn) {
        return principalArn.contains(":user/") ? "user" : "role";
    }

    private static String principalName(String principalArn) {
        return principalArn.substring(principalArn.lastIndexOf('/') + 1);
    }
}
