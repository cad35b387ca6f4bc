package dev.podidentity.local.eks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EKS APIs moto lacks: add-ons (with their pod identity associations), pod identity associations and access
 * entries, plus a status / Auto Mode overlay for clusters that live in moto. Requests and responses are the JSON
 * bodies of EKS's REST-JSON protocol; errors are {@link EksApiException}s with EKS's types.
 *
 * <p>Thread-safe: one lock guards all state; IAM and cluster look-ups against moto happen before it is taken.
 */
public final class EksEmulator {
    public static final int DEFAULT_ASSOCIATION_QUOTA = 5000;
    private static final Pattern ROLE_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::(\\d{12}):role/.+$");
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Set<String> TRANSITIONAL = Set.of("CREATING", "UPDATING", "DELETING");

    private final ObjectMapper json = new ObjectMapper();
    private final String accountId;
    private final ClusterDirectory clusterDirectory;
    private final RoleDirectory roleDirectory;
    private final AddonCatalog catalog;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Object lock = new Object();
    private final Map<String, ClusterState> clusters = new HashMap<>();
    private final Map<String, ClusterOverlay> overlays = new HashMap<>();
    private int addonDescribesUntilActive = 1;
    private int associationQuota = DEFAULT_ASSOCIATION_QUOTA;
    private int rolePropagationChecks;
    private int deletePropagationCreates;
    private final Map<String, Integer> roleChecksSeen = new HashMap<>();
    private Duration rolePropagationDelay = Duration.ZERO;
    private Instant rolePropagationSince = Instant.MAX;
    private int rolePropagationRefusals;

    public EksEmulator(String accountId, ClusterDirectory clusterDirectory, RoleDirectory roleDirectory,
                       AddonCatalog catalog, Clock clock) {
        this.accountId = Objects.requireNonNull(accountId);
        this.clusterDirectory = Objects.requireNonNull(clusterDirectory);
        this.roleDirectory = Objects.requireNonNull(roleDirectory);
        this.catalog = Objects.requireNonNull(catalog);
        this.clock = Objects.requireNonNull(clock);
    }

    // ------------------------------------------------------------------ settings and world control

    /** How many DescribeAddon calls still show CREATING/UPDATING before the add-on settles (0: the first describe settles). */
    public void setAddonDescribesUntilActive(int describes) {
        synchronized (lock) {
            addonDescribesUntilActive = Math.max(0, describes);
        }
    }

    /** Associations allowed per cluster (AWS: 5,000 today; lower it to test ResourceLimitExceededException). */
    public void setAssociationQuota(int quota) {
        synchronized (lock) {
            associationQuota = quota;
        }
    }

    /**
     * IAM eventual consistency: the first {@code checks} validations of each role ARN the emulator has not seen
     * before fail with "Role provided in the request does not exist", as a just-created role can on AWS. 0 = off.
     */
    public void setRolePropagationChecks(int checks) {
        synchronized (lock) {
            rolePropagationChecks = Math.max(0, checks);
            roleChecksSeen.clear();
        }
    }

    /**
     * IAM eventual consistency in time, as AWS shows it: a role created (IAM CreateDate) from now on is refused with
     * "Role provided in the request does not exist" until {@code delay} after its creation. Roles that existed before
     * this call (the seeded world) are not affected. Zero = off.
     */
    public void setRolePropagationDelay(Duration delay) {
        synchronized (lock) {
            rolePropagationDelay = delay == null || delay.isNegative() ? Duration.ZERO : delay;
            rolePropagationSince = rolePropagationDelay.isZero() ? Instant.MAX : clock.instant();
            rolePropagationRefusals = 0;
        }
    }

    /** How many association requests were refused because their role had not propagated yet (either knob). */
    public int rolePropagationRefusals() {
        synchronized (lock) {
            return rolePropagationRefusals;
        }
    }

    /**
     * EKS eventual consistency: after DeletePodIdentityAssociation, the next {@code creates} creates for the same
     * namespace/service account still get ResourceInUseException naming the deleted id. 0 = off.
     */
    public void setDeletePropagationCreates(int creates) {
        synchronized (lock) {
            deletePropagationCreates = Math.max(0, creates);
        }
    }

    /**
     * Overrides a moto cluster's status (moto makes every cluster ACTIVE at once). With {@code describesUntilActive}
     * &gt; 0 the status turns ACTIVE after that many DescribeCluster calls through the gateway; a negative value keeps it.
     */
    public void setClusterStatus(String region, String cluster, String status, int describesUntilActive) {
        synchronized (lock) {
            ClusterOverlay overlay = overlays.computeIfAbsent(key(region, cluster), k -> new ClusterOverlay());
            overlay.status = "ACTIVE".equals(status) ? null : status;
            overlay.describesUntilActive = describesUntilActive;
        }
    }

    /** moto drops {@code computeConfig}; the Auto Mode flag lives here and is merged into DescribeCluster. */
    public void setAutoMode(String region, String cluster, boolean enabled) {
        synchronized (lock) {
            overlays.computeIfAbsent(key(region, cluster), k -> new ClusterOverlay()).autoMode = enabled;
        }
    }

    /**
     * The cluster's Kubernetes API server (the local cloud's mock); merged into DescribeCluster as {@code endpoint},
     * replacing moto's made-up host name, so functions connect to it exactly as they connect to EKS.
     */
    public void setKubernetesEndpoint(String region, String cluster, String endpoint) {
        synchronized (lock) {
            overlays.computeIfAbsent(key(region, cluster), k -> new ClusterOverlay()).endpoint = endpoint;
        }
    }

    public boolean autoMode(String region, String cluster) {
        synchronized (lock) {
            ClusterOverlay overlay = overlays.get(key(region, cluster));
            return overlay != null && overlay.autoMode;
        }
    }

    /** The status the emulator reports for a moto cluster (the override, else moto's). */
    public String clusterStatus(String region, String cluster) {
        ClusterDirectory.ClusterRecord record = clusterDirectory.find(region, cluster)
                .orElseThrow(() -> EksApiException.notFound("No cluster found for name: " + cluster + "."));
        synchronized (lock) {
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
        synchronized (lock) {
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
                compute.put("nodeRoleArn", "arn:aws:iam::" + accountId + ":role/" + name + "-auto-mode-node-role");
                cluster.putObject("storageConfig").putObject("blockStorage").put("enabled", true);
                JsonNode network = cluster.get("kubernetesNetworkConfig");
                ObjectNode networkConfig = network instanceof ObjectNode object ? object : cluster.putObject("kubernetesNetworkConfig");
                networkConfig.putObject("elasticLoadBalancing").put("enabled", true);
            }
        }
        return response;
    }

    /** The next settle of this add-on (after create or update) ends in {@code status} with these health issues. */
    public void setAddonOutcome(String region, String cluster, String addon, String status, List<AddonIssue> issues) {
        synchronized (lock) {
            ClusterState state = clusters.computeIfAbsent(key(region, cluster), k -> new ClusterState(region, cluster));
            state.pendingOutcomes.put(addon, new Outcome(status, List.copyOf(issues)));
        }
    }

    /** Puts an existing add-on into {@code status} now (e.g. DEGRADED with health issues). */
    public void forceAddonStatus(String region, String cluster, String addon, String status, List<AddonIssue> issues) {
        synchronized (lock) {
            AddonState state = requireAddon(requireState(region, cluster), addon);
            state.status = status;
            state.issues = List.copyOf(issues);
            state.describesLeft = 0;
            state.modifiedAt = clock.instant();
        }
    }

    /** A health issue as DescribeAddon reports it; {@code code} is one of EKS's AddonIssueCode values. */
    public record AddonIssue(String code, String message, List<String> resourceIds) {
    }

    /** Forgets every add-on, association, access entry and overlay. */
    public void reset() {
        synchronized (lock) {
            clusters.clear();
            overlays.clear();
            addonDescribesUntilActive = 1;
            associationQuota = DEFAULT_ASSOCIATION_QUOTA;
            rolePropagationChecks = 0;
            deletePropagationCreates = 0;
            roleChecksSeen.clear();
            rolePropagationDelay = Duration.ZERO;
            rolePropagationSince = Instant.MAX;
            rolePropagationRefusals = 0;
        }
    }

    // ------------------------------------------------------------------ add-ons

    public ObjectNode createAddon(String region, String clusterName, JsonNode body) {
        String addonName = requiredText(body, "addonName");
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        AddonCatalog.Addon spec = catalog.find(addonName).orElseThrow(() -> EksApiException.invalidParameter(
                "Addon " + addonName + " specified is not supported"));
        String version = body.hasNonNull("addonVersion") ? body.get("addonVersion").asText() : spec.defaultVersion();
        AddonCatalog.Version versionSpec = spec.version(version).orElseThrow(() -> EksApiException.invalidParameter(
                "Addon version " + version + " specified is not supported for addon " + addonName));
        String namespace = body.path("namespaceConfig").hasNonNull("namespace")
                ? body.path("namespaceConfig").get("namespace").asText() : spec.namespace();
        String irsaRole = text(body, "serviceAccountRoleArn");
        List<DesiredAssociation> desired = desiredAssociations(body.get("podIdentityAssociations"), spec, versionSpec);
        desired.forEach(d -> checkRole(d.roleArn()));

        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            requireActive(region, cluster);
            if (state.addons.containsKey(addonName)) {
                throw EksApiException.inUse("Addon already exists.");
            }
            Instant now = clock.instant();
            AddonState addon = new AddonState();
            addon.name = addonName;
            addon.arn = "arn:aws:eks:" + region + ":" + accountId + ":addon/" + clusterName + "/" + addonName + "/" + UUID.randomUUID();
            addon.version = version;
            addon.namespace = namespace;
            addon.serviceAccountRoleArn = irsaRole;
            addon.configurationValues = text(body, "configurationValues");
            addon.tags = tags(body.get("tags"));
            addon.createdAt = now;
            addon.modifiedAt = now;
            beginTransition(state, addon, "CREATING");
            reconcileAddonAssociations(state, addon, desired);
            state.addons.put(addonName, addon);
            ObjectNode response = json.createObjectNode();
            response.set("addon", addonJson(state, addon));
            return response;
        }
    }

    /** Seeds an add-on that is already ACTIVE (world files), with its pod identity associations if any. */
    public void seedAddon(String region, String clusterName, String addonName, String version, String serviceAccountRoleArn,
                          List<DesiredAssociation> associations) {
        ObjectNode body = json.createObjectNode().put("addonName", addonName);
        if (version != null) {
            body.put("addonVersion", version);
        }
        if (serviceAccountRoleArn != null) {
            body.put("serviceAccountRoleArn", serviceAccountRoleArn);
        }
        if (!associations.isEmpty()) {
            ArrayNode list = body.putArray("podIdentityAssociations");
            associations.forEach(a -> list.addObject().put("serviceAccount", a.serviceAccount()).put("roleArn", a.roleArn()));
        }
        createAddon(region, clusterName, body);
        synchronized (lock) {
            AddonState addon = requireAddon(requireState(region, clusterName), addonName);
            addon.status = "ACTIVE";
            addon.describesLeft = 0;
        }
    }

    public ObjectNode describeAddon(String region, String clusterName, String addonName) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            AddonState addon = requireAddon(state, addonName);
            observe(addon);
            ObjectNode response = json.createObjectNode();
            response.set("addon", addonJson(state, addon));
            return response;
        }
    }

    public ObjectNode listAddons(String region, String clusterName, Integer maxResults, String nextToken) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            Page<String> page = Page.of(new ArrayList<>(stateFor(region, cluster).addons.keySet()), maxResults, nextToken);
            ObjectNode response = json.createObjectNode();
            ArrayNode names = response.putArray("addons");
            page.items().forEach(names::add);
            if (page.nextToken() != null) {
                response.put("nextToken", page.nextToken());
            }
            return response;
        }
    }

    public ObjectNode updateAddon(String region, String clusterName, String addonName, JsonNode body) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        String requestedVersion = text(body, "addonVersion");
        JsonNode pia = body.get("podIdentityAssociations");
        AddonCatalog.Addon spec = catalog.find(addonName).orElseThrow(() -> EksApiException.notFound(
                "No addon: " + addonName + " found in cluster: " + clusterName));
        String currentVersion;
        synchronized (lock) {
            currentVersion = requireAddon(stateFor(region, cluster), addonName).version;
        }
        String version = requestedVersion == null ? currentVersion : requestedVersion;
        AddonCatalog.Version versionSpec = spec.version(version).orElseThrow(() -> EksApiException.invalidParameter(
                "Addon version " + version + " specified is not supported for addon " + addonName));
        List<DesiredAssociation> desired = pia == null || pia.isNull() ? null : desiredAssociations(pia, spec, versionSpec);
        if (desired != null) {
            desired.forEach(d -> checkRole(d.roleArn()));
        }

        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            AddonState addon = requireAddon(state, addonName);
            ArrayNode params = json.createArrayNode();
            addon.version = version;
            if (requestedVersion != null) {
                params.addObject().put("type", "AddonVersion").put("value", version);
            }
            if (body.has("serviceAccountRoleArn")) {
                String role = text(body, "serviceAccountRoleArn");
                addon.serviceAccountRoleArn = role == null || role.isEmpty() ? null : role;
                params.addObject().put("type", "ServiceAccountRoleArn").put("value", role == null ? "" : role);
            }
            if (body.hasNonNull("resolveConflicts")) {
                params.addObject().put("type", "ResolveConflicts").put("value", body.get("resolveConflicts").asText());
            }
            if (body.has("configurationValues")) {
                addon.configurationValues = text(body, "configurationValues");
                params.addObject().put("type", "ConfigurationValues").put("value", addon.configurationValues == null ? "" : addon.configurationValues);
            }
            if (desired != null) {
                reconcileAddonAssociations(state, addon, desired);
                params.addObject().put("type", "PodIdentityAssociations").put("value", pia.toString());
            }
            addon.modifiedAt = clock.instant();
            beginTransition(state, addon, "UPDATING");
            AddonUpdate record = new AddonUpdate(UUID.randomUUID().toString(), addonName, addon.arn, params, clock.instant());
            state.updates.put(record.id(), record);
            return wrap("update", updateJson(state, record));
        }
    }

    public ObjectNode deleteAddon(String region, String clusterName, String addonName, boolean preserve) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            AddonState addon = requireAddon(state, addonName);
            Iterator<Association> owned = state.associations.values().iterator();
            while (owned.hasNext()) {
                Association association = owned.next();
                if (addon.arn.equals(association.ownerArn)) {
                    if (preserve) {
                        association.ownerArn = null; // kept, but no longer managed by an add-on
                    } else {
                        owned.remove();
                    }
                }
            }
            addon.status = "DELETING";
            ObjectNode response = json.createObjectNode();
            response.set("addon", addonJson(state, addon));
            state.addons.remove(addonName);
            return response;
        }
    }

    public ObjectNode describeAddonVersions(String addonName, String kubernetesVersion, Integer maxResults, String nextToken,
                                            List<String> types, List<String> publishers, List<String> owners) {
        List<AddonCatalog.Addon> matching = catalog.all().stream()
                .filter(a -> addonName == null || a.name().equals(addonName))
                .filter(a -> types == null || types.isEmpty() || types.contains(a.type()))
                .filter(a -> publishers == null || publishers.isEmpty() || publishers.contains("eks"))
                .filter(a -> owners == null || owners.isEmpty() || owners.contains("aws"))
                .filter(a -> kubernetesVersion == null || catalog.clusterVersions().contains(kubernetesVersion))
                .toList();
        Page<AddonCatalog.Addon> page = Page.of(matching, maxResults, nextToken);
        ObjectNode response = json.createObjectNode();
        ArrayNode addons = response.putArray("addons");
        for (AddonCatalog.Addon addon : page.items()) {
            ObjectNode info = addons.addObject();
            info.put("addonName", addon.name());
            info.put("type", addon.type());
            info.put("publisher", "eks");
            info.put("owner", "aws");
            info.put("defaultNamespace", addon.namespace());
            ArrayNode versions = info.putArray("addonVersions");
            boolean first = true;
            for (AddonCatalog.Version version : addon.versions()) {
                ObjectNode v = versions.addObject();
                v.put("addonVersion", version.version());
                v.putArray("architecture").add("amd64").add("arm64");
                v.putArray("computeTypes").add("ec2");
                ArrayNode compat = v.putArray("compatibilities");
                for (String clusterVersion : catalog.clusterVersions()) {
                    ObjectNode c = compat.addObject();
                    c.put("clusterVersion", clusterVersion);
                    c.putArray("platformVersions").add("*");
                    c.put("defaultVersion", first);
                }
                v.put("requiresConfiguration", false);
                v.put("requiresIamPermissions", addon.requiresIamPermissions());
                first = false;
            }
        }
        if (page.nextToken() != null) {
            response.put("nextToken", page.nextToken());
        }
        return response;
    }

    public ObjectNode describeAddonConfiguration(String addonName, String addonVersion) {
        if (addonName == null || addonVersion == null) {
            throw EksApiException.invalidParameter("addonName and addonVersion are required");
        }
        AddonCatalog.Addon addon = catalog.find(addonName).orElseThrow(() -> EksApiException.notFound(
                "Addon " + addonName + " not found"));
        AddonCatalog.Version version = addon.version(addonVersion).orElseThrow(() -> EksApiException.invalidParameter(
                "Addon version " + addonVersion + " specified is not supported for addon " + addonName));
        ObjectNode response = json.createObjectNode();
        response.put("addonName", addonName);
        response.put("addonVersion", addonVersion);
        response.put("configurationSchema",
                "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\",\"additionalProperties\":true}");
        ArrayNode config = response.putArray("podIdentityConfiguration");
        if (version.podIdentity()) {
            for (AddonCatalog.PodIdentitySlot slot : addon.podIdentity()) {
                ObjectNode entry = config.addObject();
                entry.put("serviceAccount", slot.serviceAccount());
                ArrayNode policies = entry.putArray("recommendedManagedPolicies");
                slot.recommendedManagedPolicies().forEach(policies::add);
            }
        }
        return response;
    }

    // ------------------------------------------------------------------ pod identity associations

    public ObjectNode createPodIdentityAssociation(String region, String clusterName, JsonNode body) {
        String namespace = requiredText(body, "namespace");
        String serviceAccount = requiredText(body, "serviceAccount");
        String roleArn = text(body, "roleArn");
        Boolean disableSessionTags = body.hasNonNull("disableSessionTags") ? body.get("disableSessionTags").asBoolean() : null;
        String policy = text(body, "policy");
        String targetRoleArn = text(body, "targetRoleArn");
        String token = text(body, "clientRequestToken");
        Map<String, String> tags = tags(body.get("tags"));
        checkSessionPolicy(policy, disableSessionTags);
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        checkRole(roleArn);

        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            if (token != null && state.tokens.containsKey(token)) {
                Association earlier = state.associations.get(state.tokens.get(token));
                if (earlier != null && earlier.namespace.equals(namespace) && earlier.serviceAccount.equals(serviceAccount)) {
                    return wrap("association", associationJson(state, earlier)); // idempotent retry
                }
            }
            requireActive(region, cluster);
            Optional<Association> existing = find(state, namespace, serviceAccount);
            if (existing.isPresent()) {
                throw EksApiException.inUse("Association already exists: " + existing.get().id);
            }
            DeletedAssociation ghost = state.deleting.get(namespace + "/" + serviceAccount);
            if (ghost != null) {
                int left = ghost.createsRefused() - 1;
                if (left <= 0) {
                    state.deleting.remove(namespace + "/" + serviceAccount);
                } else {
                    state.deleting.put(namespace + "/" + serviceAccount, new DeletedAssociation(ghost.id(), left));
                }
                throw EksApiException.inUse("Association already exists: " + ghost.id());
            }
            if (state.associations.size() >= associationQuota) {
                throw EksApiException.limitExceeded("Pod identity association limit of " + associationQuota
                        + " per cluster exceeded for cluster " + clusterName);
            }
            Association association = newAssociation(state, namespace, serviceAccount, roleArn, null);
            association.tags = tags;
            association.disableSessionTags = disableSessionTags == null ? Boolean.FALSE : disableSessionTags;
            association.policy = policy;
            setTargetRole(association, targetRoleArn);
            if (token != null) {
                state.tokens.put(token, association.id);
            }
            return wrap("association", associationJson(state, association));
        }
    }

    public ObjectNode describePodIdentityAssociation(String region, String clusterName, String associationId) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            return wrap("association", associationJson(state, requireAssociation(state, associationId)));
        }
    }

    public ObjectNode listPodIdentityAssociations(String region, String clusterName, String namespace, String serviceAccount,
                                                  Integer maxResults, String nextToken) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            List<Association> matching = state.associations.values().stream()
                    .filter(a -> namespace == null || a.namespace.equals(namespace))
                    .filter(a -> serviceAccount == null || a.serviceAccount.equals(serviceAccount))
                    .toList();
            Page<Association> page = Page.of(matching, maxResults, nextToken);
            ObjectNode response = json.createObjectNode();
            ArrayNode items = response.putArray("associations");
            for (Association a : page.items()) {
                ObjectNode summary = items.addObject();
                summary.put("clusterName", state.name);
                summary.put("namespace", a.namespace);
                summary.put("serviceAccount", a.serviceAccount);
                summary.put("associationArn", a.arn);
                summary.put("associationId", a.id);
                if (a.ownerArn != null) {
                    summary.put("ownerArn", a.ownerArn);
                }
            }
            if (page.nextToken() != null) {
                response.put("nextToken", page.nextToken());
            }
            return response;
        }
    }

    public ObjectNode updatePodIdentityAssociation(String region, String clusterName, String associationId, JsonNode body) {
        String roleArn = text(body, "roleArn");
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        checkAssociationId(associationId);
        if (roleArn != null) {
            checkRole(roleArn);
        }
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            Association association = requireAssociation(state, associationId);
            refuseOwned(association, "updated");
            Boolean disableSessionTags = body.hasNonNull("disableSessionTags")
                    ? Boolean.valueOf(body.get("disableSessionTags").asBoolean()) : association.disableSessionTags;
            String policy = body.has("policy") ? emptyToNull(text(body, "policy")) : association.policy;
            checkSessionPolicy(policy, disableSessionTags);
            if (roleArn != null) {
                association.roleArn = roleArn;
            }
            association.disableSessionTags = disableSessionTags;
            association.policy = policy;
            if (body.has("targetRoleArn")) {
                setTargetRole(association, emptyToNull(text(body, "targetRoleArn")));
            }
            association.modifiedAt = clock.instant();
            return wrap("association", associationJson(state, association));
        }
    }

    public ObjectNode deletePodIdentityAssociation(String region, String clusterName, String associationId) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            Association association = requireAssociation(state, associationId);
            refuseOwned(association, "deleted");
            state.associations.remove(association.id);
            if (deletePropagationCreates > 0) {
                state.deleting.put(association.namespace + "/" + association.serviceAccount,
                        new DeletedAssociation(association.id, deletePropagationCreates));
            }
            return wrap("association", associationJson(state, association));
        }
    }

    // ------------------------------------------------------------------ access entries

    public ObjectNode createAccessEntry(String region, String clusterName, JsonNode body) {
        String principalArn = requiredText(body, "principalArn");
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
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
            entry.createdAt = clock.instant();
            entry.modifiedAt = entry.createdAt;
            entry.arn = "arn:aws:eks:" + region + ":" + accountId + ":access-entry/" + clusterName + "/"
                    + principalKind(principalArn) + "/" + accountId + "/" + principalName(principalArn) + "/" + UUID.randomUUID();
            state.accessEntries.put(principalArn, entry);
            return wrap("accessEntry", accessEntryJson(state, entry));
        }
    }

    public ObjectNode describeAccessEntry(String region, String clusterName, String principalArn) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            return wrap("accessEntry", accessEntryJson(state, requireAccessEntry(state, principalArn)));
        }
    }

    public ObjectNode listAccessEntries(String region, String clusterName, String associatedPolicyArn, Integer maxResults,
                                        String nextToken) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            List<String> principals = state.accessEntries.values().stream()
                    .filter(e -> associatedPolicyArn == null || e.policies.containsKey(associatedPolicyArn))
                    .map(e -> e.principalArn).toList();
            Page<String> page = Page.of(principals, maxResults, nextToken);
            ObjectNode response = json.createObjectNode();
            ArrayNode items = response.putArray("accessEntries");
            page.items().forEach(items::add);
            if (page.nextToken() != null) {
                response.put("nextToken", page.nextToken());
            }
            return response;
        }
    }

    public ObjectNode deleteAccessEntry(String region, String clusterName, String principalArn) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            requireAccessEntry(state, principalArn);
            state.accessEntries.remove(principalArn);
            return json.createObjectNode();
        }
    }

    public ObjectNode associateAccessPolicy(String region, String clusterName, String principalArn, JsonNode body) {
        String policyArn = requiredText(body, "policyArn");
        JsonNode scope = body.get("accessScope");
        if (scope == null || !scope.hasNonNull("type")) {
            throw EksApiException.invalidParameter("accessScope is required");
        }
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            AccessEntry entry = requireAccessEntry(state, principalArn);
            Instant now = clock.instant();
            ObjectNode associated = json.createObjectNode();
            associated.put("policyArn", policyArn);
            associated.set("accessScope", scope.deepCopy());
            ObjectNode previous = entry.policies.get(policyArn);
            associated.put("associatedAt", previous == null ? seconds(now) : previous.get("associatedAt").asDouble());
            associated.put("modifiedAt", seconds(now));
            entry.policies.put(policyArn, associated);
            ObjectNode response = json.createObjectNode();
            response.put("clusterName", state.name);
            response.put("principalArn", principalArn);
            response.set("associatedAccessPolicy", associated.deepCopy());
            return response;
        }
    }

    public ObjectNode listAssociatedAccessPolicies(String region, String clusterName, String principalArn, Integer maxResults,
                                                   String nextToken) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            AccessEntry entry = requireAccessEntry(state, principalArn);
            Page<ObjectNode> page = Page.of(new ArrayList<>(entry.policies.values()), maxResults, nextToken);
            ObjectNode response = json.createObjectNode();
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

    // ------------------------------------------------------------------ add-on updates

    /** DescribeUpdate for an add-on update; it counts as a describe of the add-on (see {@link #setAddonDescribesUntilActive}). */
    public ObjectNode describeUpdate(String region, String clusterName, String updateId, String addonName) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            AddonUpdate record = state.updates.get(updateId);
            if (record == null || (addonName != null && !addonName.equals(record.addonName()))) {
                throw EksApiException.notFound("No update found for ID: " + updateId);
            }
            AddonState addon = state.addons.get(record.addonName());
            if (addon != null && addon.arn.equals(record.addonArn())) {
                observe(addon);
            }
            return wrap("update", updateJson(state, record));
        }
    }

    public ObjectNode listUpdates(String region, String clusterName, String addonName, Integer maxResults, String nextToken) {
        ClusterDirectory.ClusterRecord cluster = requireCluster(region, clusterName);
        synchronized (lock) {
            ClusterState state = stateFor(region, cluster);
            requireAddon(state, addonName);
            List<String> ids = state.updates.values().stream().filter(u -> u.addonName().equals(addonName)).map(AddonUpdate::id).toList();
            Page<String> page = Page.of(ids, maxResults, nextToken);
            ObjectNode response = json.createObjectNode();
            ArrayNode items = response.putArray("updateIds");
            page.items().forEach(items::add);
            if (page.nextToken() != null) {
                response.put("nextToken", page.nextToken());
            }
            return response;
        }
    }

    // ------------------------------------------------------------------ tags on the emulator's resources

    /** True for ARNs of resources the emulator keeps (associations, add-ons, access entries); cluster ARNs stay with moto. */
    public static boolean ownsArn(String arn) {
        return arn.contains(":podidentityassociation/") || arn.contains(":addon/") || arn.contains(":access-entry/");
    }

    public ObjectNode tagResource(String arn, JsonNode tags) {
        Map<String, String> added = tags(tags);
        synchronized (lock) {
            Map<String, String> current = tagsOf(arn);
            current.putAll(added);
            if (current.size() > 50) {
                throw new EksApiException(400, "BadRequestException", "A resource can have at most 50 tags");
            }
            return json.createObjectNode();
        }
    }

    public ObjectNode untagResource(String arn, List<String> keys) {
        synchronized (lock) {
            tagsOf(arn).keySet().removeAll(keys);
            return json.createObjectNode();
        }
    }

    public ObjectNode listTagsForResource(String arn) {
        synchronized (lock) {
            ObjectNode response = json.createObjectNode();
            response.set("tags", json.valueToTree(tagsOf(arn)));
            return response;
        }
    }

    /** The live, mutable tag map of the resource with this ARN. Call with the lock held. */
    private Map<String, String> tagsOf(String arn) {
        for (ClusterState state : clusters.values()) {
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
        synchronized (lock) {
            ObjectNode out = json.createObjectNode();
            ClusterState state = clusters.get(key(region, clusterName));
            ArrayNode addons = out.putArray("addons");
            ArrayNode associations = out.putArray("podIdentityAssociations");
            ArrayNode accessEntries = out.putArray("accessEntries");
            if (state == null) {
                return out;
            }
            state.addons.values().forEach(a -> addons.add(addonJson(state, a)));
            state.associations.values().forEach(a -> associations.add(associationJson(state, a)));
            for (AccessEntry entry : state.accessEntries.values()) {
                ObjectNode e = accessEntryJson(state, entry);
                ArrayNode policies = e.putArray("accessPolicies");
                entry.policies.values().forEach(p -> policies.add(p.deepCopy()));
                accessEntries.add(e);
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ internals

    /** A service account and role an add-on should have a pod identity association for. */
    public record DesiredAssociation(String serviceAccount, String roleArn) {
    }

    private List<DesiredAssociation> desiredAssociations(JsonNode list, AddonCatalog.Addon spec, AddonCatalog.Version version) {
        List<DesiredAssociation> desired = new ArrayList<>();
        if (list == null || list.isNull() || list.isEmpty()) {
            return desired;
        }
        if (!version.podIdentity() || spec.podIdentity().isEmpty()) {
            throw EksApiException.invalidParameter("Pod Identity feature is not supported for addon version: " + version.version());
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode item : list) {
            String serviceAccount = requiredText(item, "serviceAccount");
            String roleArn = text(item, "roleArn");
            if (spec.podIdentity().stream().noneMatch(s -> s.serviceAccount().equals(serviceAccount))) {
                throw EksApiException.invalidParameter("Service account " + serviceAccount
                        + " in pod identity configuration is not supported for addon " + spec.name());
            }
            if (!seen.add(serviceAccount)) {
                throw EksApiException.invalidParameter("Service account " + serviceAccount
                        + " appears more than once in podIdentityAssociations");
            }
            desired.add(new DesiredAssociation(serviceAccount, roleArn));
        }
        return desired;
    }

    /** Makes the add-on's owned associations match {@code desired} by service account: create, update, delete. */
    private void reconcileAddonAssociations(ClusterState state, AddonState addon, List<DesiredAssociation> desired) {
        Map<String, Association> owned = new LinkedHashMap<>();
        for (Association a : state.associations.values()) {
            if (addon.arn.equals(a.ownerArn)) {
                owned.put(a.serviceAccount, a);
            }
        }
        int creations = 0;
        for (DesiredAssociation d : desired) {
            if (!owned.containsKey(d.serviceAccount())) {
                Optional<Association> other = find(state, addon.namespace, d.serviceAccount());
                if (other.isPresent()) {
                    throw EksApiException.inUse("Association already exists: " + other.get().id);
                }
                creations++;
            }
        }
        int removals = (int) owned.keySet().stream().filter(sa -> desired.stream().noneMatch(d -> d.serviceAccount().equals(sa))).count();
        if (state.associations.size() + creations - removals > associationQuota) {
            throw EksApiException.limitExceeded("Pod identity association limit of " + associationQuota + " per cluster exceeded");
        }
        Instant now = clock.instant();
        for (DesiredAssociation d : desired) {
            Association existing = owned.remove(d.serviceAccount());
            if (existing == null) {
                Association created = newAssociation(state, addon.namespace, d.serviceAccount(), d.roleArn(), addon.arn);
                created.disableSessionTags = Boolean.FALSE;
            } else if (!existing.roleArn.equals(d.roleArn())) {
                existing.roleArn = d.roleArn();
                existing.modifiedAt = now;
            }
        }
        owned.values().forEach(stale -> state.associations.remove(stale.id));
    }

    private Association newAssociation(ClusterState state, String namespace, String serviceAccount, String roleArn, String ownerArn) {
        Association association = new Association();
        do {
            association.id = newAssociationId();
        } while (state.associations.containsKey(association.id));
        association.arn = "arn:aws:eks:" + state.region + ":" + accountId + ":podidentityassociation/" + state.name + "/" + association.id;
        association.namespace = namespace;
        association.serviceAccount = serviceAccount;
        association.roleArn = roleArn;
        association.ownerArn = ownerArn;
        association.tags = new TreeMap<>();
        association.createdAt = clock.instant();
        association.modifiedAt = association.createdAt;
        state.associations.put(association.id, association);
        return association;
    }

    private String newAssociationId() {
        StringBuilder id = new StringBuilder("a-");
        for (int i = 0; i < 17; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private void setTargetRole(Association association, String targetRoleArn) {
        if (Objects.equals(association.targetRoleArn, targetRoleArn)) {
            return;
        }
        association.targetRoleArn = targetRoleArn;
        association.externalId = targetRoleArn == null ? null : UUID.randomUUID().toString();
    }

    /** The pod identity role must be a role in the cluster's account that exists in IAM. */
    private void checkRole(String roleArn) {
        if (roleArn == null || roleArn.isEmpty()) {
            throw EksApiException.accessDenied("Cross-account pass role is not allowed.");
        }
        Matcher arn = ROLE_ARN.matcher(roleArn);
        if (!arn.matches()) {
            throw EksApiException.invalidParameter("The role ARN " + roleArn + " is not valid");
        }
        if (!arn.group(1).equals(accountId)) {
            throw EksApiException.accessDenied("Cross-account pass role is not allowed.");
        }
        if (!roleDirectory.roleExists(roleArn) || stillPropagating(roleArn)) {
            throw EksApiException.invalidParameter("Role provided in the request does not exist");
        }
    }

    private boolean stillPropagating(String roleArn) {
        Duration delay;
        Instant since;
        synchronized (lock) {
            if (rolePropagationChecks > 0 && roleChecksSeen.merge(roleArn, 1, Integer::sum) <= rolePropagationChecks) {
                rolePropagationRefusals++;
                return true;
            }
            delay = rolePropagationDelay;
            since = rolePropagationSince;
        }
        if (delay.isZero()) {
            return false;
        }
        // asked outside the lock: the directory calls IAM
        Optional<Instant> created = roleDirectory.roleCreated(roleArn);
        // IAM's CreateDate has sub-second precision, so roles created before the switch are told apart exactly
        boolean young = created.isPresent() && created.get().isAfter(since)
                && clock.instant().isBefore(created.get().plus(delay));
        if (young) {
            synchronized (lock) {
                rolePropagationRefusals++;
            }
        }
        return young;
    }

    private static void checkSessionPolicy(String policy, Boolean disableSessionTags) {
        if (policy != null && !Boolean.TRUE.equals(disableSessionTags)) {
            throw EksApiException.invalidParameter("A session policy can only be set when disableSessionTags is true");
        }
    }

    private static void checkAssociationId(String associationId) {
        if (associationId == null || associationId.length() != 19) {
            throw EksApiException.invalidParameter("The parameter associationId should be 19 characters long.");
        }
    }

    private static void refuseOwned(Association association, String verb) {
        if (association.ownerArn != null) {
            throw EksApiException.invalidRequest("Pod identity association " + association.id + " is owned by add-on "
                    + association.ownerArn + " and cannot be " + verb + " directly; use UpdateAddon or DeleteAddon");
        }
    }

    private Association requireAssociation(ClusterState state, String associationId) {
        checkAssociationId(associationId);
        Association association = state.associations.get(associationId);
        if (association == null) {
            throw EksApiException.notFound("No Pod Identity Association found with id " + associationId
                    + " in cluster " + state.name);
        }
        return association;
    }

    private static Optional<Association> find(ClusterState state, String namespace, String serviceAccount) {
        return state.associations.values().stream()
                .filter(a -> a.namespace.equals(namespace) && a.serviceAccount.equals(serviceAccount)).findFirst();
    }

    private AccessEntry requireAccessEntry(ClusterState state, String principalArn) {
        AccessEntry entry = state.accessEntries.get(principalArn);
        if (entry == null) {
            throw EksApiException.notFound("The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.");
        }
        return entry;
    }

    private void beginTransition(ClusterState state, AddonState addon, String status) {
        addon.status = status;
        addon.issues = List.of();
        addon.describesLeft = addonDescribesUntilActive;
        Outcome outcome = state.pendingOutcomes.remove(addon.name);
        addon.outcome = outcome;
    }

    /** A describe of a changing add-on: counts down, then settles into the planned outcome (ACTIVE unless set). */
    private void observe(AddonState addon) {
        if (!TRANSITIONAL.contains(addon.status)) {
            return;
        }
        if (addon.describesLeft > 0) {
            addon.describesLeft--;
            return;
        }
        Outcome outcome = addon.outcome;
        addon.outcome = null;
        addon.status = outcome == null ? "ACTIVE" : outcome.status();
        addon.issues = outcome == null ? List.of() : outcome.issues();
        addon.modifiedAt = clock.instant();
    }

    private ObjectNode updateJson(ClusterState state, AddonUpdate record) {
        AddonState addon = state.addons.get(record.addonName());
        boolean current = addon != null && addon.arn.equals(record.addonArn());
        String status;
        List<AddonIssue> errors = List.of();
        if (!current || "ACTIVE".equals(addon.status)) {
            status = "Successful";
        } else if (TRANSITIONAL.contains(addon.status)) {
            status = "InProgress";
        } else {
            status = "Failed";
            errors = addon.issues;
        }
        ObjectNode update = json.createObjectNode();
        update.put("id", record.id());
        update.put("status", status);
        update.put("type", "AddonUpdate");
        update.set("params", record.params().deepCopy());
        update.put("createdAt", seconds(record.createdAt()));
        ArrayNode details = update.putArray("errors");
        for (AddonIssue issue : errors) {
            ObjectNode d = details.addObject();
            d.put("errorCode", issue.code());
            d.put("errorMessage", issue.message());
            ArrayNode ids = d.putArray("resourceIds");
            issue.resourceIds().forEach(ids::add);
        }
        return update;
    }

    private ClusterDirectory.ClusterRecord requireCluster(String region, String clusterName) {
        Optional<ClusterDirectory.ClusterRecord> cluster = clusterDirectory.find(region, clusterName);
        if (cluster.isEmpty()) {
            synchronized (lock) {
                clusters.remove(key(region, clusterName)); // a cluster deleted in moto takes its add-ons with it
            }
            throw EksApiException.notFound("No cluster found for name: " + clusterName + ".");
        }
        return cluster.get();
    }

    private void requireActive(String region, ClusterDirectory.ClusterRecord cluster) {
        String status = effectiveStatus(region, cluster);
        if (!"ACTIVE".equals(status)) {
            throw EksApiException.invalidRequest("Cluster '" + cluster.name() + "' is not in ACTIVE status");
        }
    }

    private String effectiveStatus(String region, ClusterDirectory.ClusterRecord cluster) {
        ClusterOverlay overlay = overlays.get(key(region, cluster.name()));
        return overlay != null && overlay.status != null ? overlay.status : cluster.status();
    }

    private ClusterState stateFor(String region, ClusterDirectory.ClusterRecord cluster) {
        return clusters.computeIfAbsent(key(region, cluster.name()), k -> new ClusterState(region, cluster.name()));
    }

    private ClusterState requireState(String region, String cluster) {
        ClusterState state = clusters.get(key(region, cluster));
        if (state == null) {
            throw EksApiException.notFound("No addon found in cluster: " + cluster);
        }
        return state;
    }

    private static AddonState requireAddon(ClusterState state, String addonName) {
        AddonState addon = state.addons.get(addonName);
        if (addon == null) {
            throw EksApiException.notFound("No addon: " + addonName + " found in cluster: " + state.name);
        }
        return addon;
    }

    private ObjectNode addonJson(ClusterState state, AddonState addon) {
        ObjectNode a = json.createObjectNode();
        a.put("addonName", addon.name);
        a.put("clusterName", state.name);
        a.put("status", addon.status);
        a.put("addonVersion", addon.version);
        ArrayNode issues = a.putObject("health").putArray("issues");
        for (AddonIssue issue : addon.issues) {
            ObjectNode i = issues.addObject();
            i.put("code", issue.code());
            i.put("message", issue.message());
            ArrayNode ids = i.putArray("resourceIds");
            issue.resourceIds().forEach(ids::add);
        }
        a.put("addonArn", addon.arn);
        a.put("createdAt", seconds(addon.createdAt));
        a.put("modifiedAt", seconds(addon.modifiedAt));
        if (addon.serviceAccountRoleArn != null) {
            a.put("serviceAccountRoleArn", addon.serviceAccountRoleArn);
        }
        a.set("tags", json.valueToTree(addon.tags));
        a.put("publisher", "eks");
        a.put("owner", "aws");
        if (addon.configurationValues != null) {
            a.put("configurationValues", addon.configurationValues);
        }
        ArrayNode owned = a.putArray("podIdentityAssociations");
        state.associations.values().stream().filter(x -> addon.arn.equals(x.ownerArn)).forEach(x -> owned.add(x.arn));
        a.putObject("namespaceConfig").put("namespace", addon.namespace);
        return a;
    }

    private ObjectNode associationJson(ClusterState state, Association association) {
        ObjectNode a = json.createObjectNode();
        a.put("clusterName", state.name);
        a.put("namespace", association.namespace);
        a.put("serviceAccount", association.serviceAccount);
        a.put("roleArn", association.roleArn);
        a.put("associationArn", association.arn);
        a.put("associationId", association.id);
        a.set("tags", json.valueToTree(association.tags));
        a.put("createdAt", seconds(association.createdAt));
        a.put("modifiedAt", seconds(association.modifiedAt));
        if (association.ownerArn != null) {
            a.put("ownerArn", association.ownerArn);
        }
        if (association.disableSessionTags != null) {
            a.put("disableSessionTags", association.disableSessionTags);
        }
        if (association.targetRoleArn != null) {
            a.put("targetRoleArn", association.targetRoleArn);
            a.put("externalId", association.externalId);
        }
        if (association.policy != null) {
            a.put("policy", association.policy);
        }
        return a;
    }

    private ObjectNode accessEntryJson(ClusterState state, AccessEntry entry) {
        ObjectNode e = json.createObjectNode();
        e.put("clusterName", state.name);
        e.put("principalArn", entry.principalArn);
        ArrayNode groups = e.putArray("kubernetesGroups");
        entry.groups.forEach(groups::add);
        e.put("accessEntryArn", entry.arn);
        e.put("createdAt", seconds(entry.createdAt));
        e.put("modifiedAt", seconds(entry.modifiedAt));
        e.set("tags", json.valueToTree(entry.tags));
        e.put("username", entry.username);
        e.put("type", entry.type);
        return e;
    }

    private ObjectNode wrap(String field, ObjectNode value) {
        ObjectNode response = json.createObjectNode();
        response.set(field, value);
        return response;
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

    private static Map<String, String> tags(JsonNode node) {
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

    private static String requiredText(JsonNode body, String field) {
        String value = text(body, field);
        if (value == null || value.isEmpty()) {
            throw EksApiException.invalidParameter(field + " is required");
        }
        return value;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body == null ? null : body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }

    private static String key(String region, String cluster) {
        return region + "|" + cluster;
    }

    private record Outcome(String status, List<AddonIssue> issues) {
    }

    /** An association whose delete is still propagating: the next {@code createsRefused} creates name its id. */
    private record DeletedAssociation(String id, int createsRefused) {
    }

    private record AddonUpdate(String id, String addonName, String addonArn, ArrayNode params, Instant createdAt) {
    }

    private static final class ClusterOverlay {
        String status;
        int describesUntilActive;
        boolean autoMode;
        String endpoint;
    }

    private static final class ClusterState {
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

    private static final class AddonState {
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
        int describesLeft;
        Outcome outcome;
        List<AddonIssue> issues = List.of();
    }

    private static final class Association {
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

    private static final class AccessEntry {
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
