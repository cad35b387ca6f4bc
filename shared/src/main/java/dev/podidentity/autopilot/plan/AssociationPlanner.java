package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.naming.Owner;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.Metadata;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** Standalone associations ({@code iam.podIdentityAssociations}): apply, create, update, delete, get. */
final class AssociationPlanner {
    private static final String LIST = "iam.podIdentityAssociations";

    private final Draft draft;
    private final RoleResolver roles;

    AssociationPlanner(Draft draft, RoleResolver roles) {
        this.draft = draft;
        this.roles = roles;
    }

    private List<PodIdentityAssociationSpec> specs() {
        return draft.config.iam() == null ? List.of() : draft.config.iam().podIdentityAssociations();
    }

    // ---- apply / onboard / create -------------------------------------------------------------------------

    /**
     * Creates what is missing and, for apply, converges what differs. Create is idempotent: an association that
     * already exists as declared is unchanged; one that exists differently is refused (use update or apply).
     */
    void planDeclared() {
        List<PodIdentityAssociationSpec> specs = specs();
        for (int i = 0; i < specs.size(); i++) {
            planDeclared(specs.get(i), LIST + "[" + i + "]");
        }
    }

    private void planDeclared(PodIdentityAssociationSpec spec, String path) {
        String ns = spec.namespace();
        String sa = spec.serviceAccountName();
        String key = spec.key();
        var observed = draft.lookup.association(ns, sa);
        if (observed.isPresent() && observed.get().ownedByAddon()) {
            draft.error(path, "pod identity association " + key + " belongs to addon " + observed.get().ownerArn()
                    + "; declare it under that addon's podIdentityAssociations instead");
            return;
        }
        DesiredRole role = spec.hasRoleArn()
                ? roles.existing(spec.roleARN(), path + ".roleARN", key)
                : roles.toCreate(spec, path, draft.policies.roleNameForAssociation(draft.cluster, ns, sa),
                        draft.policies.ownershipTagsForAssociation(draft.cluster, ns, sa), key);
        if (role == null) {
            return;
        }
        String id = "associate/" + key;
        // Declared associations need the agent even when they exist: a missing agent is put back.
        draft.needsAgent = true;
        if (observed.isEmpty()) {
            draft.add(new Step.EnsureRoleAndAssociation(ns, sa, role, emptyToNull(spec.targetRoleARN()),
                    spec.disableSessionTags(), emptyToNull(spec.policy()), associationTags(spec),
                    spec.createsServiceAccount(), null));
            return;
        }
        ClusterState.Association current = observed.get();
        // Apply is declarative: a field the entry leaves out is wanted absent (false for session tags).
        Fields wanted = new Fields(role.arn(), nullToEmpty(spec.targetRoleARN()),
                Boolean.TRUE.equals(spec.disableSessionTags()), nullToEmpty(spec.policy()));
        List<String> changes = wanted.changesFrom(current);
        // Narrowing the trust of our role is convergence, not a difference the config declares: create goes on.
        boolean onlyTrust = changes.isEmpty() && role.mode() == DesiredRole.Mode.UPDATE_TRUST;
        if (draft.action == Action.CREATE && !onlyTrust) {
            if (changes.isEmpty() && !role.changesRole()) {
                draft.unchanged(id, "pod identity association \"" + key + "\" already exists with role \""
                        + display(role.arn()) + "\"");
            } else {
                draft.error(path, "pod identity association \"" + key + "\" already exists ("
                        + current.associationId() + ") and differs from the config (" + String.join(", ", changes)
                        + (role.changesRole() ? (changes.isEmpty() ? "" : ", ") + "role permissions" : "")
                        + "); use update or apply to change it");
            }
            return;
        }
        boolean differs = !changes.isEmpty() || role.changesRole();
        if (differs && !draft.policies.ownerOf(current.tags(), draft.cluster).ours()) {
            if (!adopted(key)) {
                String notOwned = "pod identity association \"" + key + "\" already exists, not owned ("
                        + current.associationId() + ", role \"" + display(current.roleArn()) + "\", made outside "
                        + "pod identity autopilot): left as it is although the config differs ("
                        + String.join(", ", changes.isEmpty() ? List.of("role permissions") : changes)
                        + "); to take it over, list \"" + key + "\" in metadata.annotations[\""
                        + Metadata.ADOPT_ANNOTATION + "\"]";
                draft.unchanged(id, notOwned);
                draft.warn(notOwned);
                return;
            }
            draft.warn("taking over pod identity association \"" + key + "\" (" + current.associationId()
                    + ", role \"" + display(current.roleArn()) + "\"), made outside pod identity autopilot, as "
                    + "metadata.annotations[\"" + Metadata.ADOPT_ANNOTATION + "\"] asks");
        }
        if (!Objects.equals(current.roleArn(), role.arn())) {
            pruneReplacedRole(current, key);
        }
        if (role.changesRole()) {
            Step.UpdateAssociation sent = wanted.update(current, changes);
            draft.add(new Step.EnsureRoleAndAssociation(ns, sa, role, sent.targetRoleArn(), sent.disableSessionTags(),
                    sent.policy(), associationTags(spec), spec.createsServiceAccount(), current.associationId()));
        } else if (!changes.isEmpty()) {
            draft.add(wanted.update(current, changes));
        } else {
            draft.unchanged(id, "pod identity association \"" + key + "\" uses role \"" + display(role.arn()) + "\"");
        }
    }

    /** The config opts in to taking over this association (our extension, {@link Metadata#ADOPT_ANNOTATION}). */
    private boolean adopted(String key) {
        Metadata m = draft.config.metadata();
        return m != null && m.adoptedAssociations().contains(key);
    }

    /** Apply moved an association off a role we created for it: that role is now unused, so it goes too. */
    private void pruneReplacedRole(ClusterState.Association current, String key) {
        draft.observed.role(current.roleArn()).ifPresent(old -> {
            PlanningPolicies.Ownership owner = draft.policies.ownerOf(old.tags(), draft.cluster);
            if (owner.ours() && key.equals(owner.subject()) && draft.lookup.associationsUsing(old.arn()) <= 1
                    && !configRoleArns().contains(old.arn())) {
                // Deleted only once the move succeeded: a failed move leaves the association on this role.
                draft.add(new Step.DeleteAssociation(null, current.namespace(), current.serviceAccount(),
                        old.arn(), old.arn(), "replaced by another role in the config; kept until the move has "
                        + "succeeded", List.of("associate/" + key)));
            }
        });
    }

    /**
     * Apply prunes only what we made for this cluster: associations carrying our ownership tags that the config no
     * longer declares, with their roles when those are ours too. Addon-owned associations and anyone else's are
     * left alone, whatever the config says.
     */
    void prune() {
        boolean declaresList = draft.config.source() != null && draft.config.source().contains(LIST);
        if (!declaresList && specs().isEmpty()) {
            // As with an addon's podIdentityAssociations: omitted says nothing, [] says "none".
            if (draft.observed.associations().stream().anyMatch(a -> !a.ownedByAddon()
                    && draft.policies.ownerOf(a.tags(), draft.cluster).ours())) {
                draft.warn("the config has no iam.podIdentityAssociations, so associations created earlier are kept; "
                        + "write podIdentityAssociations: [] to delete them");
            }
            return;
        }
        Set<String> declared = new HashSet<>();
        specs().forEach(s -> declared.add(s.key()));
        for (ClusterState.Association a : draft.observed.associations()) {
            if (a.ownedByAddon() || declared.contains(a.key())) {
                continue;
            }
            PlanningPolicies.Ownership owner = draft.policies.ownerOf(a.tags(), draft.cluster);
            if (!owner.ours()) {
                continue;
            }
            draft.add(new Step.DeleteAssociation(a.associationId(), a.namespace(), a.serviceAccount(), a.roleArn(),
                    ownedRoleOf(a), "no longer declared in the config"));
        }
    }

    // ---- update ---------------------------------------------------------------------------------------------

    /** eksctl's update rules (§5.3): the association must exist, not belong to an addon, and roles keep owners. */
    void planUpdate() {
        List<PodIdentityAssociationSpec> specs = specs();
        for (int i = 0; i < specs.size(); i++) {
            planUpdate(specs.get(i), LIST + "[" + i + "]");
        }
    }

    private void planUpdate(PodIdentityAssociationSpec spec, String path) {
        String key = spec.key();
        String prefix = "error updating pod identity association \"" + key + "\": ";
        var observed = draft.lookup.association(spec.namespace(), spec.serviceAccountName());
        if (observed.isEmpty()) {
            draft.error(path, prefix + "pod identity association does not exist");
            return;
        }
        ClusterState.Association current = observed.get();
        if (current.ownedByAddon()) {
            draft.error(path, prefix + "cannot update podidentityassociation " + key + " as it is in use by addon "
                    + current.ownerArn() + "; please use `eksctl update addon` instead");
            return;
        }
        var currentRole = draft.observed.role(current.roleArn());
        Owner owner = currentRole
                .map(r -> draft.policies.ownerOf(r.tags(), draft.cluster).owner())
                .orElse(Owner.UNKNOWN);
        DesiredRole role;
        if (owner != Owner.UNKNOWN) {
            String creator = owner == Owner.EKSCTL ? "eksctl" : "pod identity autopilot";
            if (spec.hasRoleArn() && !spec.roleARN().equals(current.roleArn())) {
                draft.error(path + ".roleARN", prefix + "cannot change podIdentityAssociation.roleARN since the role "
                        + "was created by " + creator);
                return;
            }
            if (owner == Owner.AUTOPILOT && spec.roleName() != null && !spec.roleName().isEmpty()
                    && !spec.roleName().equals(currentRole.get().name())) {
                draft.error(path + ".roleName", prefix + "cannot rename role \"" + currentRole.get().name()
                        + "\" created by pod identity autopilot; delete the association and create it again");
                return;
            }
            if (spec.declaresPermissions() && owner == Owner.EKSCTL) {
                draft.error(path, prefix + "the role \"" + currentRole.get().name() + "\" was created by eksctl; "
                        + "change its permissions with eksctl, or give the association a role of your own");
                return;
            }
            // eksctl re-renders an owned role from the entry alone and strips policies the entry leaves out; an
            // entry without permissions keeps the role as it is here.
            role = spec.declaresPermissions()
                    ? roles.toCreate(spec, path, currentRole.get().name(),
                            draft.policies.ownershipTagsForAssociation(draft.cluster, spec.namespace(),
                                    spec.serviceAccountName()), key)
                    : DesiredRole.existing(current.roleArn());
        } else {
            if (!spec.hasRoleArn()) {
                draft.error(path, prefix + "podIdentityAssociation.roleARN is required since the role was not "
                        + "created by eksctl");
                return;
            }
            if (hasRoleFields(spec)) {
                draft.error(path, prefix + "only namespace, serviceAccountName, roleARN and policy can be specified "
                        + "if the role was not created by eksctl");
                return;
            }
            role = roles.existing(spec.roleARN(), path + ".roleARN", key);
        }
        if (role == null) {
            return;
        }
        // Update is partial, as eksctl's: a field the entry leaves out keeps its current value.
        Fields wanted = new Fields(role.arn(),
                spec.targetRoleARN() == null ? nullToEmpty(current.targetRoleArn()) : spec.targetRoleARN(),
                spec.disableSessionTags() == null ? Boolean.TRUE.equals(current.disableSessionTags())
                        : spec.disableSessionTags(),
                spec.policy() == null ? nullToEmpty(current.policy()) : spec.policy());
        List<String> changes = wanted.changesFrom(current);
        if (role.changesRole()) {
            Step.UpdateAssociation sent = wanted.update(current, changes);
            draft.add(new Step.EnsureRoleAndAssociation(spec.namespace(), spec.serviceAccountName(), role,
                    sent.targetRoleArn(), sent.disableSessionTags(), sent.policy(), Map.of(), false,
                    current.associationId()));
        } else if (!changes.isEmpty()) {
            draft.add(wanted.update(current, changes));
        } else {
            draft.unchanged("associate/" + key, "pod identity association \"" + key + "\" already uses role \""
                    + display(role.arn()) + "\"");
        }
    }

    private static boolean hasRoleFields(PodIdentityAssociationSpec spec) {
        return notEmpty(spec.roleName()) || spec.declaresPermissions() || notEmpty(spec.permissionsBoundaryARN())
                || notEmpty(spec.permissionPolicyName()) || spec.createsServiceAccount() || !spec.tags().isEmpty();
    }

    // ---- delete ---------------------------------------------------------------------------------------------

    /**
     * Deletes the named associations and the roles we created for them. A missing association is not an error
     * (rerunning a delete converges), but a role of ours left behind by an earlier partial run is still deleted.
     */
    void planDelete() {
        List<PodIdentityAssociationSpec> specs = specs();
        for (int i = 0; i < specs.size(); i++) {
            PodIdentityAssociationSpec spec = specs.get(i);
            String path = LIST + "[" + i + "]";
            String key = spec.key();
            var observed = draft.lookup.association(spec.namespace(), spec.serviceAccountName());
            if (observed.isPresent() && observed.get().ownedByAddon()) {
                draft.error(path, "cannot delete podidentityassociation " + key + " as it is in use by addon "
                        + observed.get().ownerArn() + "; please use `eksctl update addon` or `eksctl delete addon` "
                        + "instead");
                continue;
            }
            if (observed.isPresent()) {
                ClusterState.Association a = observed.get();
                draft.add(new Step.DeleteAssociation(a.associationId(), a.namespace(), a.serviceAccount(),
                        a.roleArn(), ownedRoleOf(a), "named in the config"));
                continue;
            }
            String leftover = leftoverRole(spec.namespace(), spec.serviceAccountName());
            if (leftover != null) {
                draft.add(new Step.DeleteAssociation(null, spec.namespace(), spec.serviceAccountName(), leftover,
                        leftover, "association already deleted"));
            } else {
                draft.unchanged("prune/" + key, "pod identity association \"" + key + "\" not found");
            }
        }
    }

    /** Our role for ns/sa under its default name, when it outlived its association. */
    private String leftoverRole(String ns, String sa) {
        String name = draft.policies.roleNameForAssociation(draft.cluster, ns, sa);
        return draft.lookup.roleNamed(name)
                .filter(r -> {
                    PlanningPolicies.Ownership o = draft.policies.ownerOf(r.tags(), draft.cluster);
                    return o.ours() && (ns + "/" + sa).equals(o.subject())
                            && draft.lookup.associationsUsing(r.arn()) == 0;
                })
                .map(ClusterState.Role::arn)
                .orElse(null);
    }

    /**
     * The association's role when we created it for exactly this association and nothing else uses it (another
     * association pointed at it by hand, or a config entry naming its ARN); null otherwise.
     */
    private String ownedRoleOf(ClusterState.Association a) {
        String owned = draft.observed.role(a.roleArn())
                .filter(r -> {
                    PlanningPolicies.Ownership o = draft.policies.ownerOf(r.tags(), draft.cluster);
                    return o.ours() && a.key().equals(o.subject());
                })
                .map(ClusterState.Role::arn)
                .orElse(null);
        if (owned == null) {
            return null;
        }
        boolean usedElsewhere = draft.lookup.associationsUsing(owned) > 1 || configRoleArns().contains(owned);
        if (usedElsewhere) {
            draft.warn("role \"" + display(owned) + "\" was created for " + a.key() + " but is used elsewhere too; "
                    + "it is kept");
            return null;
        }
        return owned;
    }

    private Set<String> configRoleArns;

    /** Every roleARN the config names, standalone or addon. */
    private Set<String> configRoleArns() {
        if (configRoleArns == null) {
            configRoleArns = new HashSet<>();
            specs().forEach(s -> configRoleArns.add(s.roleARN()));
            draft.config.addonsOrEmpty().forEach(addon -> {
                if (addon.podIdentityAssociations() != null) {
                    addon.podIdentityAssociations().forEach(s -> configRoleArns.add(s.roleARN()));
                }
            });
        }
        return configRoleArns;
    }

    // ---- get ------------------------------------------------------------------------------------------------

    /** eksctl's get: all associations, or those matching the config's namespace (and service account). */
    void planGet() {
        List<PodIdentityAssociationSpec> filters = specs();
        List<Step.AssociationSummary> found = new ArrayList<>();
        for (ClusterState.Association a : draft.observed.associations()) {
            boolean wanted = filters.isEmpty() || filters.stream().anyMatch(f ->
                    a.namespace().equals(f.namespace())
                            && (f.serviceAccountName() == null || f.serviceAccountName().isEmpty()
                                    || a.serviceAccount().equals(f.serviceAccountName())));
            if (wanted) {
                found.add(new Step.AssociationSummary(a.associationArn(), a.namespace(), a.serviceAccount(),
                        a.roleArn(), emptyToNull(a.ownerArn())));
            }
        }
        draft.add(new Step.ReportAssociations(found));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private Map<String, String> associationTags(PodIdentityAssociationSpec spec) {
        Map<String, String> tags = roles.mergeTags(spec.tags(), draft.policies.ownershipTagsForAssociation(
                draft.cluster, spec.namespace(), spec.serviceAccountName()), "iam.podIdentityAssociations");
        return tags == null ? Map.of() : new TreeMap<>(tags);
    }

    /** The association fields EKS lets change, as wanted; compared with what EKS reports. */
    private record Fields(String roleArn, String targetRoleArn, boolean disableSessionTags, String policy) {
        List<String> changesFrom(ClusterState.Association current) {
            List<String> changes = new ArrayList<>();
            if (!Objects.equals(roleArn, current.roleArn())) {
                changes.add("roleArn \"" + display(current.roleArn()) + "\" -> \"" + display(roleArn) + "\"");
            }
            if (!targetRoleArn.equals(nullToEmpty(current.targetRoleArn()))) {
                changes.add("targetRoleArn " + quoteOrNone(current.targetRoleArn()) + " -> " + quoteOrNone(targetRoleArn));
            }
            if (disableSessionTags != Boolean.TRUE.equals(current.disableSessionTags())) {
                changes.add("disableSessionTags " + !disableSessionTags + " -> " + disableSessionTags);
            }
            if (!policy.equals(nullToEmpty(current.policy()))) {
                changes.add(policy.isEmpty() ? "policy removed" : current.policy() == null ? "policy added"
                        : "policy changed");
            }
            return changes;
        }

        /** Only changed fields are sent; an empty string clears target role or policy. */
        Step.UpdateAssociation update(ClusterState.Association current, List<String> changes) {
            return new Step.UpdateAssociation(current.associationId(), current.namespace(), current.serviceAccount(),
                    Objects.equals(roleArn, current.roleArn()) ? null : roleArn,
                    targetRoleArn.equals(nullToEmpty(current.targetRoleArn())) ? null : targetRoleArn,
                    disableSessionTags == Boolean.TRUE.equals(current.disableSessionTags()) ? null : disableSessionTags,
                    policy.equals(nullToEmpty(current.policy())) ? null : policy,
                    changes);
        }
    }

    static String display(String roleArn) {
        try {
            String path = RoleArn.pathOf(roleArn);
            return ("/".equals(path) ? "" : path.substring(1)) + RoleArn.nameOf(roleArn);
        } catch (IllegalArgumentException e) {
            return String.valueOf(roleArn);
        }
    }

    private static String quoteOrNone(String s) {
        return s == null || s.isEmpty() ? "(none)" : "\"" + s + "\"";
    }

    static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
