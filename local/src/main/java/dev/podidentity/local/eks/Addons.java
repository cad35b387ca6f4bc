package dev.podidentity.local.eks;

import static dev.podidentity.local.eks.EksState.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.eks.EksEmulator.AddonIssue;
import dev.podidentity.local.eks.EksEmulator.DesiredAssociation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * EKS add-ons over the add-on catalog: create, describe (a CREATING/UPDATING add-on settles into its outcome once
 * {@link #setAddonTransition its transition time} has passed since the create or update, however often it is
 * described, as on AWS), list, update (recorded as an AddonUpdate for DescribeUpdate/ListUpdates), delete (with or without
 * preserving its associations), DescribeAddonVersions and DescribeAddonConfiguration.
 */
final class Addons {
    private static final Set<String> TRANSITIONAL = Set.of("CREATING", "UPDATING", "DELETING");
    private final AddonCatalog catalog;
    /**
     * How long an add-on stays CREATING/UPDATING after CreateAddon/UpdateAddon. On AWS that is tens of seconds to
     * minutes; here a second by default: CreateAddon's answer and a describe right after it still say CREATING, so a
     * caller must poll as it must on AWS, and the product's own poll (every 2 s in a step, a shortened Wait state in
     * the state machine) sees ACTIVE at its first look after that, so tests stay fast.
     */
    static final Duration DEFAULT_TRANSITION = Duration.ofSeconds(1);
    private Duration addonTransition = DEFAULT_TRANSITION;
    private final EksState shared;
    private final ClusterOverlays overlays;
    private final PodIdentityAssociations associations;

    Addons(EksState shared, AddonCatalog catalog, ClusterOverlays overlays, PodIdentityAssociations associations) {
        this.shared = shared;
        this.catalog = Objects.requireNonNull(catalog);
        this.overlays = overlays;
        this.associations = associations;
    }

    /** Call with the lock held. */
    void reset() {
        addonTransition = DEFAULT_TRANSITION;
    }

    /**
     * How long add-ons created or updated from now on stay CREATING/UPDATING before they settle (zero: the first
     * describe after the write sees the outcome; CreateAddon's own answer still says CREATING).
     */
    public void setAddonTransition(Duration transition) {
        if (transition == null || transition.isNegative()) {
            throw new IllegalArgumentException("addon transition must be zero or more, not " + transition);
        }
        synchronized (shared.lock) {
            addonTransition = transition;
        }
    }

    /** The next settle of this add-on (after create or update) ends in {@code status} with these health issues. */
    public void setAddonOutcome(String region, String cluster, String addon, String status, List<AddonIssue> issues) {
        synchronized (shared.lock) {
            ClusterState state = shared.clusters.computeIfAbsent(key(region, cluster), k -> new ClusterState(region, cluster));
            state.pendingOutcomes.put(addon, new Outcome(status, List.copyOf(issues)));
        }
    }

    /** Puts an existing add-on into {@code status} now (e.g. DEGRADED with health issues). */
    public void forceAddonStatus(String region, String cluster, String addon, String status, List<AddonIssue> issues) {
        synchronized (shared.lock) {
            AddonState state = requireAddon(shared.requireState(region, cluster), addon);
            state.status = status;
            state.issues = List.copyOf(issues);
            state.settlesAt = null;
            state.modifiedAt = shared.clock.instant();
        }
    }

    public ObjectNode createAddon(String region, String clusterName, JsonNode body) {
        String addonName = requiredText(body, "addonName");
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        AddonCatalog.Addon spec = catalog.find(addonName).orElseThrow(() -> EksApiException.invalidParameter(
                "Addon " + addonName + " specified is not supported"));
        String version = body.hasNonNull("addonVersion") ? body.get("addonVersion").asText() : spec.defaultVersion();
        AddonCatalog.Version versionSpec = spec.version(version).orElseThrow(() -> EksApiException.invalidParameter(
                "Addon version " + version + " specified is not supported for addon " + addonName));
        String namespace = body.path("namespaceConfig").hasNonNull("namespace")
                ? body.path("namespaceConfig").get("namespace").asText() : spec.namespace();
        String irsaRole = text(body, "serviceAccountRoleArn");
        List<DesiredAssociation> desired = desiredAssociations(body.get("podIdentityAssociations"), spec, versionSpec);
        desired.forEach(d -> associations.checkRole(d.roleArn()));

        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            overlays.requireActive(region, cluster);
            if (state.addons.containsKey(addonName)) {
                throw EksApiException.inUse("Addon already exists.");
            }
            Instant now = shared.clock.instant();
            AddonState addon = new AddonState();
            addon.name = addonName;
            addon.arn = "arn:aws:eks:" + region + ":" + shared.accountId + ":addon/" + clusterName + "/" + addonName + "/" + UUID.randomUUID();
            addon.version = version;
            addon.namespace = namespace;
            addon.serviceAccountRoleArn = irsaRole;
            addon.configurationValues = text(body, "configurationValues");
            addon.tags = tags(body.get("tags"));
            addon.createdAt = now;
            addon.modifiedAt = now;
            beginTransition(state, addon, "CREATING");
            associations.reconcileAddonAssociations(state, addon, desired);
            state.addons.put(addonName, addon);
            ObjectNode response = JSON.createObjectNode();
            response.set("addon", addonJson(state, addon));
            return response;
        }
    }

    /** Seeds an add-on that is already ACTIVE (world files), with its pod identity associations if any. */
    public void seedAddon(String region, String clusterName, String addonName, String version, String serviceAccountRoleArn,
                          List<DesiredAssociation> associations) {
        ObjectNode body = JSON.createObjectNode().put("addonName", addonName);
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
        synchronized (shared.lock) {
            AddonState addon = requireAddon(shared.requireState(region, clusterName), addonName);
            addon.status = "ACTIVE";
            addon.settlesAt = null;
        }
    }

    public ObjectNode describeAddon(String region, String clusterName, String addonName) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            AddonState addon = requireAddon(state, addonName);
            observe(addon);
            ObjectNode response = JSON.createObjectNode();
            response.set("addon", addonJson(state, addon));
            return response;
        }
    }

    public ObjectNode listAddons(String region, String clusterName, Integer maxResults, String nextToken) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            Page<String> page = Page.of(new ArrayList<>(shared.stateFor(region, cluster).addons.keySet()), maxResults, nextToken);
            ObjectNode response = JSON.createObjectNode();
            ArrayNode names = response.putArray("addons");
            page.items().forEach(names::add);
            if (page.nextToken() != null) {
                response.put("nextToken", page.nextToken());
            }
            return response;
        }
    }

    public ObjectNode updateAddon(String region, String clusterName, String addonName, JsonNode body) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        String requestedVersion = text(body, "addonVersion");
        JsonNode pia = body.get("podIdentityAssociations");
        AddonCatalog.Addon spec = catalog.find(addonName).orElseThrow(() -> EksApiException.notFound(
                "No addon: " + addonName + " found in cluster: " + clusterName));
        String currentVersion;
        synchronized (shared.lock) {
            currentVersion = requireAddon(shared.stateFor(region, cluster), addonName).version;
        }
        String version = requestedVersion == null ? currentVersion : requestedVersion;
        AddonCatalog.Version versionSpec = spec.version(version).orElseThrow(() -> EksApiException.invalidParameter(
                "Addon version " + version + " specified is not supported for addon " + addonName));
        List<DesiredAssociation> desired = pia == null || pia.isNull() ? null : desiredAssociations(pia, spec, versionSpec);
        if (desired != null) {
            desired.forEach(d -> associations.checkRole(d.roleArn()));
        }

        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            AddonState addon = requireAddon(state, addonName);
            observe(addon);
            ArrayNode params = JSON.createArrayNode();
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
                associations.reconcileAddonAssociations(state, addon, desired);
                params.addObject().put("type", "PodIdentityAssociations").put("value", pia.toString());
            }
            addon.modifiedAt = shared.clock.instant();
            beginTransition(state, addon, "UPDATING");
            AddonUpdate record = new AddonUpdate(UUID.randomUUID().toString(), addonName, addon.arn, params, shared.clock.instant());
            state.updates.put(record.id(), record);
            return wrap("update", updateJson(state, record));
        }
    }

    public ObjectNode deleteAddon(String region, String clusterName, String addonName, boolean preserve) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
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
            ObjectNode response = JSON.createObjectNode();
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
        ObjectNode response = JSON.createObjectNode();
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
        ObjectNode response = JSON.createObjectNode();
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

    /** DescribeUpdate for an add-on update: InProgress until the add-on settles (see {@link #setAddonTransition}). */
    public ObjectNode describeUpdate(String region, String clusterName, String updateId, String addonName) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
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
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            requireAddon(state, addonName);
            List<String> ids = state.updates.values().stream().filter(u -> u.addonName().equals(addonName)).map(AddonUpdate::id).toList();
            Page<String> page = Page.of(ids, maxResults, nextToken);
            ObjectNode response = JSON.createObjectNode();
            ArrayNode items = response.putArray("updateIds");
            page.items().forEach(items::add);
            if (page.nextToken() != null) {
                response.put("nextToken", page.nextToken());
            }
            return response;
        }
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

    private void beginTransition(ClusterState state, AddonState addon, String status) {
        addon.status = status;
        addon.issues = List.of();
        addon.settlesAt = shared.clock.instant().plus(addonTransition);
        Outcome outcome = state.pendingOutcomes.remove(addon.name);
        addon.outcome = outcome;
    }

    /**
     * Brings a changing add-on up to date before it is read: once its transition time has passed it settles into the
     * planned outcome (ACTIVE unless set), modified at the moment it settled. Call with the lock held.
     */
    void observe(AddonState addon) {
        if (!TRANSITIONAL.contains(addon.status) || addon.settlesAt == null) {
            return;
        }
        if (shared.clock.instant().isBefore(addon.settlesAt)) {
            return;
        }
        Outcome outcome = addon.outcome;
        addon.outcome = null;
        addon.status = outcome == null ? "ACTIVE" : outcome.status();
        addon.issues = outcome == null ? List.of() : outcome.issues();
        addon.modifiedAt = addon.settlesAt;
        addon.settlesAt = null;
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
        ObjectNode update = JSON.createObjectNode();
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

    private static AddonState requireAddon(ClusterState state, String addonName) {
        AddonState addon = state.addons.get(addonName);
        if (addon == null) {
            throw EksApiException.notFound("No addon: " + addonName + " found in cluster: " + state.name);
        }
        return addon;
    }

    ObjectNode addonJson(ClusterState state, AddonState addon) {
        ObjectNode a = JSON.createObjectNode();
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
        a.set("tags", JSON.valueToTree(addon.tags));
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
}
