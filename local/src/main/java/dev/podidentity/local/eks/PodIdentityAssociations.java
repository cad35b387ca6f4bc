package dev.podidentity.local.eks;

import static dev.podidentity.local.eks.EksState.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.eks.EksEmulator.DesiredAssociation;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EKS pod identity associations: create (idempotent by client request token), describe, list, update, delete, with
 * EKS's checks (role in this account and present in IAM, session policy rules, quota, add-on ownership) and the
 * eventual consistency knobs (a young role is refused; a deleted association still blocks creates for a while).
 * Add-ons keep their owned associations in step through {@link #reconcileAddonAssociations}.
 */
final class PodIdentityAssociations {
    private static final Pattern ROLE_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::(\\d{12}):role/.+$");
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private final RoleDirectory roleDirectory;
    private final SecureRandom random = new SecureRandom();
    private int associationQuota = EksEmulator.DEFAULT_ASSOCIATION_QUOTA;
    private int rolePropagationChecks;
    private int deletePropagationCreates;
    private final Map<String, Integer> roleChecksSeen = new HashMap<>();
    private Duration rolePropagationDelay = Duration.ZERO;
    private Instant rolePropagationSince = Instant.MAX;
    private int rolePropagationRefusals;
    private final EksState shared;
    private final ClusterOverlays overlays;

    PodIdentityAssociations(EksState shared, RoleDirectory roleDirectory, ClusterOverlays overlays) {
        this.shared = shared;
        this.roleDirectory = Objects.requireNonNull(roleDirectory);
        this.overlays = overlays;
    }

    /** Back to AWS's behaviour: the default quota, no propagation delays. Call with the lock held. */
    void reset() {
        associationQuota = EksEmulator.DEFAULT_ASSOCIATION_QUOTA;
        rolePropagationChecks = 0;
        deletePropagationCreates = 0;
        roleChecksSeen.clear();
        rolePropagationDelay = Duration.ZERO;
        rolePropagationSince = Instant.MAX;
        rolePropagationRefusals = 0;
    }

    /** Associations allowed per cluster (AWS: 5,000 today; lower it to test ResourceLimitExceededException). */
    public void setAssociationQuota(int quota) {
        synchronized (shared.lock) {
            associationQuota = quota;
        }
    }

    /**
     * IAM eventual consistency: the first {@code checks} validations of each role ARN the emulator has not seen
     * before fail with "Role provided in the request does not exist", as a just-created role can on AWS. 0 = off.
     */
    public void setRolePropagationChecks(int checks) {
        synchronized (shared.lock) {
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
        synchronized (shared.lock) {
            rolePropagationDelay = delay == null || delay.isNegative() ? Duration.ZERO : delay;
            rolePropagationSince = rolePropagationDelay.isZero() ? Instant.MAX : shared.clock.instant();
            rolePropagationRefusals = 0;
        }
    }

    /** How many association requests were refused because their role had not propagated yet (either knob). */
    public int rolePropagationRefusals() {
        synchronized (shared.lock) {
            return rolePropagationRefusals;
        }
    }

    /**
     * EKS eventual consistency: after DeletePodIdentityAssociation, the next {@code creates} creates for the same
     * namespace/service account still get ResourceInUseException naming the deleted id. 0 = off.
     */
    public void setDeletePropagationCreates(int creates) {
        synchronized (shared.lock) {
            deletePropagationCreates = Math.max(0, creates);
        }
    }

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
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        checkRole(roleArn);

        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            if (token != null && state.tokens.containsKey(token)) {
                Association earlier = state.associations.get(state.tokens.get(token));
                if (earlier != null && earlier.namespace.equals(namespace) && earlier.serviceAccount.equals(serviceAccount)) {
                    return wrap("association", associationJson(state, earlier)); // idempotent retry
                }
            }
            overlays.requireActive(region, cluster);
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
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            return wrap("association", associationJson(state, requireAssociation(state, associationId)));
        }
    }

    public ObjectNode listPodIdentityAssociations(String region, String clusterName, String namespace, String serviceAccount,
                                                  Integer maxResults, String nextToken) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
            List<Association> matching = state.associations.values().stream()
                    .filter(a -> namespace == null || a.namespace.equals(namespace))
                    .filter(a -> serviceAccount == null || a.serviceAccount.equals(serviceAccount))
                    .toList();
            Page<Association> page = Page.of(matching, maxResults, nextToken);
            ObjectNode response = JSON.createObjectNode();
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
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        checkAssociationId(associationId);
        if (roleArn != null) {
            checkRole(roleArn);
        }
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
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
            association.modifiedAt = shared.clock.instant();
            return wrap("association", associationJson(state, association));
        }
    }

    public ObjectNode deletePodIdentityAssociation(String region, String clusterName, String associationId) {
        ClusterDirectory.ClusterRecord cluster = shared.requireCluster(region, clusterName);
        synchronized (shared.lock) {
            ClusterState state = shared.stateFor(region, cluster);
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

    /** Makes the add-on's owned associations match {@code desired} by service account: create, update, delete. */
    void reconcileAddonAssociations(ClusterState state, AddonState addon, List<DesiredAssociation> desired) {
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
        Instant now = shared.clock.instant();
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
        association.arn = "arn:aws:eks:" + state.region + ":" + shared.accountId + ":podidentityassociation/" + state.name + "/" + association.id;
        association.namespace = namespace;
        association.serviceAccount = serviceAccount;
        association.roleArn = roleArn;
        association.ownerArn = ownerArn;
        association.tags = new TreeMap<>();
        association.createdAt = shared.clock.instant();
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
    void checkRole(String roleArn) {
        if (roleArn == null || roleArn.isEmpty()) {
            throw EksApiException.accessDenied("Cross-account pass role is not allowed.");
        }
        Matcher arn = ROLE_ARN.matcher(roleArn);
        if (!arn.matches()) {
            throw EksApiException.invalidParameter("The role ARN " + roleArn + " is not valid");
        }
        if (!arn.group(1).equals(shared.accountId)) {
            throw EksApiException.accessDenied("Cross-account pass role is not allowed.");
        }
        if (!roleDirectory.roleExists(roleArn) || stillPropagating(roleArn)) {
            throw EksApiException.invalidParameter("Role provided in the request does not exist");
        }
    }

    private boolean stillPropagating(String roleArn) {
        Duration delay;
        Instant since;
        synchronized (shared.lock) {
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
                && shared.clock.instant().isBefore(created.get().plus(delay));
        if (young) {
            synchronized (shared.lock) {
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

    ObjectNode associationJson(ClusterState state, Association association) {
        ObjectNode a = JSON.createObjectNode();
        a.put("clusterName", state.name);
        a.put("namespace", association.namespace);
        a.put("serviceAccount", association.serviceAccount);
        a.put("roleArn", association.roleArn);
        a.put("associationArn", association.arn);
        a.put("associationId", association.id);
        a.set("tags", JSON.valueToTree(association.tags));
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
}
