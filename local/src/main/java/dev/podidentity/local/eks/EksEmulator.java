package dev.podidentity.local.eks;

import static dev.podidentity.local.eks.EksState.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * The EKS APIs moto lacks: add-ons (with their pod identity associations), pod identity associations and access
 * entries, plus a status / Auto Mode overlay for clusters that live in moto. Requests and responses are the JSON
 * bodies of EKS's REST-JSON protocol; errors are {@link EksApiException}s with EKS's types.
 *
 * <p>A facade over one class per resource ({@link ClusterOverlays}, {@link Addons}, {@link PodIdentityAssociations},
 * {@link AccessEntries}) sharing {@link EksState}. Thread-safe: one lock guards all state; IAM and cluster look-ups
 * against moto happen before it is taken.
 */
public final class EksEmulator {
    public static final int DEFAULT_ASSOCIATION_QUOTA = 5000;
    private final EksState shared;
    private final ClusterOverlays overlays;
    private final PodIdentityAssociations associations;
    private final Addons addons;
    private final AccessEntries accessEntries;

    public EksEmulator(String accountId, ClusterDirectory clusterDirectory, RoleDirectory roleDirectory,
                       AddonCatalog catalog, Clock clock) {
        this.shared = new EksState(accountId, clusterDirectory, clock);
        this.overlays = new ClusterOverlays(shared);
        this.associations = new PodIdentityAssociations(shared, roleDirectory, overlays);
        this.addons = new Addons(shared, catalog, overlays, associations);
        this.accessEntries = new AccessEntries(shared);
    }

    // ------------------------------------------------------------------ settings and world control

    /**
     * How long add-ons created or updated from now on stay CREATING/UPDATING, however often they are described
     * (default 1 s; zero: the first describe after the write sees the outcome).
     */
    public void setAddonTransition(java.time.Duration transition) {
        addons.setAddonTransition(transition);
    }

    /** Associations allowed per cluster (AWS: 5,000 today; lower it to test ResourceLimitExceededException). */
    public void setAssociationQuota(int quota) {
        associations.setAssociationQuota(quota);
    }

    /**
     * IAM eventual consistency: the first {@code checks} validations of each role ARN the emulator has not seen
     * before fail with "Role provided in the request does not exist", as a just-created role can on AWS. 0 = off.
     */
    public void setRolePropagationChecks(int checks) {
        associations.setRolePropagationChecks(checks);
    }

    /**
     * IAM eventual consistency in time, as AWS shows it: a role created (IAM CreateDate) from now on is refused with
     * "Role provided in the request does not exist" until {@code delay} after its creation. Roles that existed before
     * this call (the seeded world) are not affected. Zero = off.
     */
    public void setRolePropagationDelay(Duration delay) {
        associations.setRolePropagationDelay(delay);
    }

    /** How many association requests were refused because their role had not propagated yet (either knob). */
    public int rolePropagationRefusals() {
        return associations.rolePropagationRefusals();
    }

    /**
     * EKS eventual consistency: after DeletePodIdentityAssociation, the next {@code creates} creates for the same
     * namespace/service account still get ResourceInUseException naming the deleted id. 0 = off.
     */
    public void setDeletePropagationCreates(int creates) {
        associations.setDeletePropagationCreates(creates);
    }

    /**
     * Overrides a moto cluster's status (moto makes every cluster ACTIVE at once) until it is set again; ACTIVE
     * removes the override.
     */
    public void setClusterStatus(String region, String cluster, String status) {
        overlays.setClusterStatus(region, cluster, status, null);
    }

    /**
     * Overrides a moto cluster's status, which turns ACTIVE once {@code activeAfter} has passed from this call, as
     * EKS finishes a cluster in its own time: however often DescribeCluster (or anything else) reads the status, it
     * does not turn ACTIVE sooner, and it does turn ACTIVE with no read in between. Null: stays until set again.
     */
    public void setClusterStatus(String region, String cluster, String status, Duration activeAfter) {
        overlays.setClusterStatus(region, cluster, status, activeAfter);
    }

    /** moto drops {@code computeConfig}; the Auto Mode flag lives here and is merged into DescribeCluster. */
    public void setAutoMode(String region, String cluster, boolean enabled) {
        overlays.setAutoMode(region, cluster, enabled);
    }

    /**
     * The cluster's Kubernetes API server (the local cloud's mock); merged into DescribeCluster as {@code endpoint},
     * replacing moto's made-up host name, so functions connect to it exactly as they connect to EKS.
     */
    public void setKubernetesEndpoint(String region, String cluster, String endpoint) {
        overlays.setKubernetesEndpoint(region, cluster, endpoint);
    }

    public boolean autoMode(String region, String cluster) {
        return overlays.autoMode(region, cluster);
    }

    /** The status the emulator reports for a moto cluster (the override, else moto's). */
    public String clusterStatus(String region, String cluster) {
        return overlays.clusterStatus(region, cluster);
    }

    /**
     * Merges the overlay into a DescribeCluster response body from moto: status (as of now; reading it changes
     * nothing) and, for Auto Mode clusters, computeConfig / storageConfig / elasticLoadBalancing.
     */
    public ObjectNode overlayDescribeCluster(String region, ObjectNode response) {
        return overlays.overlayDescribeCluster(region, response);
    }

    /** The next settle of this add-on (after create or update) ends in {@code status} with these health issues. */
    public void setAddonOutcome(String region, String cluster, String addon, String status, List<AddonIssue> issues) {
        addons.setAddonOutcome(region, cluster, addon, status, issues);
    }

    /** Puts an existing add-on into {@code status} now (e.g. DEGRADED with health issues). */
    public void forceAddonStatus(String region, String cluster, String addon, String status, List<AddonIssue> issues) {
        addons.forceAddonStatus(region, cluster, addon, status, issues);
    }

    // ------------------------------------------------------------------ add-ons

    public ObjectNode createAddon(String region, String clusterName, JsonNode body) {
        return addons.createAddon(region, clusterName, body);
    }

    /** Seeds an add-on that is already ACTIVE (world files), with its pod identity associations if any. */
    public void seedAddon(String region, String clusterName, String addonName, String version, String serviceAccountRoleArn,
                          List<DesiredAssociation> associations) {
        addons.seedAddon(region, clusterName, addonName, version, serviceAccountRoleArn, associations);
    }

    public ObjectNode describeAddon(String region, String clusterName, String addonName) {
        return addons.describeAddon(region, clusterName, addonName);
    }

    public ObjectNode listAddons(String region, String clusterName, Integer maxResults, String nextToken) {
        return addons.listAddons(region, clusterName, maxResults, nextToken);
    }

    public ObjectNode updateAddon(String region, String clusterName, String addonName, JsonNode body) {
        return addons.updateAddon(region, clusterName, addonName, body);
    }

    public ObjectNode deleteAddon(String region, String clusterName, String addonName, boolean preserve) {
        return addons.deleteAddon(region, clusterName, addonName, preserve);
    }

    public ObjectNode describeAddonVersions(String addonName, String kubernetesVersion, Integer maxResults, String nextToken,
                                            List<String> types, List<String> publishers, List<String> owners) {
        return addons.describeAddonVersions(addonName, kubernetesVersion, maxResults, nextToken, types, publishers, owners);
    }

    public ObjectNode describeAddonConfiguration(String addonName, String addonVersion) {
        return addons.describeAddonConfiguration(addonName, addonVersion);
    }

    /** DescribeUpdate for an add-on update: InProgress until the add-on settles (see {@link #setAddonTransition}). */
    public ObjectNode describeUpdate(String region, String clusterName, String updateId, String addonName) {
        return addons.describeUpdate(region, clusterName, updateId, addonName);
    }

    public ObjectNode listUpdates(String region, String clusterName, String addonName, Integer maxResults, String nextToken) {
        return addons.listUpdates(region, clusterName, addonName, maxResults, nextToken);
    }

    // ------------------------------------------------------------------ pod identity associations

    public ObjectNode createPodIdentityAssociation(String region, String clusterName, JsonNode body) {
        return associations.createPodIdentityAssociation(region, clusterName, body);
    }

    public ObjectNode describePodIdentityAssociation(String region, String clusterName, String associationId) {
        return associations.describePodIdentityAssociation(region, clusterName, associationId);
    }

    public ObjectNode listPodIdentityAssociations(String region, String clusterName, String namespace, String serviceAccount,
                                                  Integer maxResults, String nextToken) {
        return associations.listPodIdentityAssociations(region, clusterName, namespace, serviceAccount, maxResults, nextToken);
    }

    public ObjectNode updatePodIdentityAssociation(String region, String clusterName, String associationId, JsonNode body) {
        return associations.updatePodIdentityAssociation(region, clusterName, associationId, body);
    }

    public ObjectNode deletePodIdentityAssociation(String region, String clusterName, String associationId) {
        return associations.deletePodIdentityAssociation(region, clusterName, associationId);
    }

    // ------------------------------------------------------------------ access entries

    public ObjectNode createAccessEntry(String region, String clusterName, JsonNode body) {
        return accessEntries.createAccessEntry(region, clusterName, body);
    }

    public ObjectNode describeAccessEntry(String region, String clusterName, String principalArn) {
        return accessEntries.describeAccessEntry(region, clusterName, principalArn);
    }

    public ObjectNode listAccessEntries(String region, String clusterName, String associatedPolicyArn, Integer maxResults,
                                        String nextToken) {
        return accessEntries.listAccessEntries(region, clusterName, associatedPolicyArn, maxResults, nextToken);
    }

    public ObjectNode deleteAccessEntry(String region, String clusterName, String principalArn) {
        return accessEntries.deleteAccessEntry(region, clusterName, principalArn);
    }

    public ObjectNode associateAccessPolicy(String region, String clusterName, String principalArn, JsonNode body) {
        return accessEntries.associateAccessPolicy(region, clusterName, principalArn, body);
    }

    public ObjectNode listAssociatedAccessPolicies(String region, String clusterName, String principalArn, Integer maxResults,
                                                   String nextToken) {
        return accessEntries.listAssociatedAccessPolicies(region, clusterName, principalArn, maxResults, nextToken);
    }

    /** A health issue as DescribeAddon reports it; {@code code} is one of EKS's AddonIssueCode values. */
    public record AddonIssue(String code, String message, List<String> resourceIds) {
    }

    /** Forgets every add-on, association, access entry and overlay. */
    public void reset() {
        synchronized (shared.lock) {
            shared.clusters.clear();
            overlays.reset();
            addons.reset();
            associations.reset();
        }
    }

    // ------------------------------------------------------------------ tags on the emulator's resources

    /** True for ARNs of resources the emulator keeps (associations, add-ons, access entries); cluster ARNs stay with moto. */
    public static boolean ownsArn(String arn) {
        return arn.contains(":podidentityassociation/") || arn.contains(":addon/") || arn.contains(":access-entry/");
    }

    public ObjectNode tagResource(String arn, JsonNode tags) {
        Map<String, String> added = tags(tags);
        synchronized (shared.lock) {
            Map<String, String> current = tagsOf(arn);
            current.putAll(added);
            if (current.size() > 50) {
                throw new EksApiException(400, "BadRequestException", "A resource can have at most 50 tags");
            }
            return JSON.createObjectNode();
        }
    }

    public ObjectNode untagResource(String arn, List<String> keys) {
        synchronized (shared.lock) {
            tagsOf(arn).keySet().removeAll(keys);
            return JSON.createObjectNode();
        }
    }

    public ObjectNode listTagsForResource(String arn) {
        synchronized (shared.lock) {
            ObjectNode response = JSON.createObjectNode();
            response.set("tags", JSON.valueToTree(tagsOf(arn)));
            return response;
        }
    }

    /** The live, mutable tag map of the resource with this ARN. Call with the lock held. */
    private Map<String, String> tagsOf(String arn) {
        for (ClusterState state : shared.clusters.values()) {
            for (Association a : state.associations.values()) {
                if (a.arn.equals(arn)) {
                    return a.tags;
                }
            }
            for (AddonState a : state.addons.values()) {
                if (a.arn.equals(arn)) {
                    return a.tags;
                }
            }
            for (AccessEntry e : state.accessEntries.values()) {
                if (e.arn.equals(arn)) {
                    return e.tags;
                }
            }
        }
        throw new EksApiException(404, "NotFoundException", "Resource not found: " + arn);
    }

    // ------------------------------------------------------------------ state dump

    /** Every add-on (with its associations' ARNs), association and access entry the emulator holds for a cluster. */
    public ObjectNode snapshot(String region, String clusterName) {
        synchronized (shared.lock) {
            ObjectNode out = JSON.createObjectNode();
            ClusterState state = shared.clusters.get(key(region, clusterName));
            ArrayNode addons = out.putArray("addons");
            ArrayNode associations = out.putArray("podIdentityAssociations");
            ArrayNode accessEntries = out.putArray("accessEntries");
            if (state == null) {
                return out;
            }
            state.addons.values().forEach(a -> {
                this.addons.observe(a);
                addons.add(this.addons.addonJson(state, a));
            });
            state.associations.values().forEach(a -> associations.add(this.associations.associationJson(state, a)));
            for (AccessEntry entry : state.accessEntries.values()) {
                ObjectNode e = this.accessEntries.accessEntryJson(state, entry);
                ArrayNode policies = e.putArray("accessPolicies");
                entry.policies.values().forEach(p -> policies.add(p.deepCopy()));
                accessEntries.add(e);
            }
            return out;
        }
    }

    /** An add-on or association as IAM sees it when authorizing a call on it: ARN, tags, owned associations. */
    public record ResourceView(String arn, Map<String, String> tags, List<String> associationArns) {
    }

    /**
     * The add-on of that name, read without side effects (no status progress, unlike DescribeAddon), with the ARNs of
     * the pod identity associations it owns; empty when there is none.
     */
    public Optional<ResourceView> peekAddon(String region, String clusterName, String addonName) {
        synchronized (shared.lock) {
            ClusterState state = shared.clusters.get(key(region, clusterName));
            AddonState addon = state == null ? null : state.addons.get(addonName);
            if (addon == null) {
                return Optional.empty();
            }
            List<String> owned = state.associations.values().stream()
                    .filter(a -> addon.arn.equals(a.ownerArn)).map(a -> a.arn).toList();
            return Optional.of(new ResourceView(addon.arn, addon.tags == null ? Map.of() : Map.copyOf(addon.tags), owned));
        }
    }

    /** The association with that id, read without side effects; empty when there is none. */
    public Optional<ResourceView> peekAssociation(String region, String clusterName, String associationId) {
        synchronized (shared.lock) {
            ClusterState state = shared.clusters.get(key(region, clusterName));
            Association association = state == null ? null : state.associations.get(associationId);
            return association == null ? Optional.empty()
                    : Optional.of(new ResourceView(association.arn, association.tags == null ? Map.of() : Map.copyOf(association.tags), List.of()));
        }
    }

    // ------------------------------------------------------------------ internals

    /** A service account and role an add-on should have a pod identity association for. */
    public record DesiredAssociation(String serviceAccount, String roleArn) {
    }
}
