package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.naming.Owner;
import dev.podidentity.autopilot.config.Addon;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Addons and their pod identities: create-addon, update-addon (reconcile), delete-addon, and apply's addons. */
final class AddonPlanner {
    private static final String CREATE_FAILED = "CREATE_FAILED";

    private final Draft draft;
    private final RoleResolver roles;

    AddonPlanner(Draft draft, RoleResolver roles) {
        this.draft = draft;
        this.roles = roles;
    }

    enum Mode { CREATE, UPDATE, APPLY, DELETE }

    void planAll(Mode mode) {
        List<Addon> addons = draft.config.addonsOrEmpty();
        for (int i = 0; i < addons.size(); i++) {
            Addon addon = addons.get(i);
            String path = "addons[" + i + "]";
            var observed = draft.observed.addon(addon.name());
            boolean present = observed.isPresent() && !CREATE_FAILED.equals(observed.get().status());
            if (Addon.POD_IDENTITY_AGENT.equals(addon.name()) && (mode == Mode.CREATE || mode == Mode.APPLY)
                    && observed.isEmpty()) {
                // The agent is our own step (AGENT phase), installed before anything that needs it, as the entry
                // says (version, configurationValues, resolveConflicts, tags).
                draft.agentRequested = true;
                var support = draft.observed.support(addon.name(), addon.version()).orElse(null);
                draft.agentEntry = new Step.InstallAgent(draft.cluster, version(addon, support),
                        addon.configurationValuesJson(), addon.resolveConflicts(), addon.tags());
                continue;
            }
            if (Addon.POD_IDENTITY_AGENT.equals(addon.name()) && mode == Mode.CREATE) {
                draft.agentRequested = true;
                continue;
            }
            switch (mode) {
                case CREATE -> planCreate(addon, path, observed.orElse(null), present);
                case UPDATE -> {
                    if (observed.isEmpty()) {
                        draft.error(path + ".name", "addon \"" + addon.name() + "\" is not installed on cluster \""
                                + draft.cluster + "\"; use create-addon");
                    } else {
                        planUpdate(addon, path, observed.get());
                    }
                }
                case APPLY -> {
                    if (present) {
                        planUpdate(addon, path, observed.get());
                    } else {
                        planCreate(addon, path, observed.orElse(null), false);
                    }
                }
                case DELETE -> planDelete(addon, observed.orElse(null));
            }
        }
    }

    private void planCreate(Addon addon, String path, ClusterState.AddonState observed, boolean present) {
        String id = "addon/" + addon.name();
        if (present) {
            draft.unchanged(id, "addon \"" + addon.name() + "\" is already present on the cluster, skipping creation");
            return;
        }
        var support = draft.observed.support(addon.name(), addon.version()).orElse(null);
        Desired desired = desiredIdentities(addon, path, support, true);
        if (desired == null) {
            return;
        }
        List<Step.AddonIdentity> identities = desired.identities == null ? List.of() : desired.identities;
        if (!identities.isEmpty()) {
            draft.needsAgent = true;
        }
        draft.add(new Step.CreateAddon(addon.name(), version(addon, support), addon.configurationValuesJson(),
                addon.resolveConflicts(), addon.tags(), emptyToNull(addon.serviceAccountRoleARN()), identities,
                emptyToNull(addon.namespace())));
    }

    /** eksctl's update reconcile (§6.4): match by service account; create missing, update changed, drop removed. */
    private void planUpdate(Addon addon, String path, ClusterState.AddonState observed) {
        String name = addon.name();
        String namespace = emptyToNull(addon.namespace());
        if (namespace != null && !namespace.equals(observed.namespace())) {
            draft.error(path + ".namespaceConfig.namespace", "addon \"" + name + "\" is installed in "
                    + (observed.namespace() == null ? "its default namespace" : "namespace \"" + observed.namespace()
                    + "\"") + "; namespaceConfig cannot change after the addon is created (delete the addon and "
                    + "create it again to move it)");
            return;
        }
        Map<String, ClusterState.Association> existing = new TreeMap<>();
        for (String arn : observed.podIdentityAssociationArns()) {
            draft.lookup.associationByArn(arn).ifPresent(a -> existing.put(a.serviceAccount(), a));
        }
        boolean autoApply = draft.config.autoApplyPodIdentityAssociations();
        if (!existing.isEmpty() && !addon.useDefaults() && !autoApply && addon.podIdentityAssociationsOmitted()) {
            if (addon.hasIrsa()) {
                draft.error(path, "cannot set IRSA config (`addon.serviceAccountRoleARN`, `addon.attachPolicyARNs`, "
                        + "`addon.attachPolicy`, `addon.wellKnownPolicies`) if addon has existing pod identity "
                        + "associations (addon: " + name + ")");
            } else {
                String firstId = existing.values().iterator().next().associationId();
                draft.error(path, "addon " + name + " has pod identity associations, to remove pod identity "
                        + "associations from an addon, addon.podIdentityAssociations must be explicitly set to []; "
                        + "if the addon was migrated to use pod identity, addon.podIdentityAssociations must be set "
                        + "to values obtained from `aws eks describe-pod-identity-association --cluster-name="
                        + draft.cluster + " --association-id=" + firstId + "`");
            }
            return;
        }
        String wantedVersion = addon.version();
        var support = draft.observed.support(name, wantedVersion == null ? observed.version() : wantedVersion)
                .orElse(null);
        Desired desired = desiredIdentities(addon, path, support, false);
        if (desired == null) {
            return;
        }
        List<Step.AddonIdentity> identities = desired.identities;
        if (identities != null && !checkRoleOwnership(addon, path, existing, desired)) {
            return;
        }
        List<String> changes = new ArrayList<>();
        String version = version(addon, support);
        if (version != null && !version.equals(observed.version())) {
            changes.add("version " + observed.version() + " -> " + version);
        }
        String irsaRole = emptyToNull(addon.serviceAccountRoleARN());
        if (irsaRole != null && !irsaRole.equals(observed.serviceAccountRoleArn())) {
            changes.add("serviceAccountRoleArn -> \"" + AssociationPlanner.display(irsaRole) + "\"");
        }
        String configuration = addon.configurationValuesJson();
        if (configuration != null && !configuration.equals(observed.configurationValues())) {
            changes.add("configurationValues changed");
        }
        List<String> deleteRoles = new ArrayList<>();
        boolean identitiesChange = false;
        if (identities != null) {
            Map<String, Step.AddonIdentity> wanted = new LinkedHashMap<>();
            identities.forEach(x -> wanted.put(x.serviceAccount(), x));
            if (identities.isEmpty() && !existing.isEmpty()) {
                changes.add("remove all pod identity associations");
                identitiesChange = true;
            }
            for (Step.AddonIdentity x : identities) {
                ClusterState.Association current = existing.get(x.serviceAccount());
                if (current == null) {
                    changes.add("add pod identity for service account \"" + x.serviceAccount() + "\" ("
                            + PlanText.roleText(x.role()) + ")");
                    identitiesChange = true;
                } else if (!Objects.equals(current.roleArn(), x.role().arn())) {
                    changes.add("service account \"" + x.serviceAccount() + "\": role \""
                            + AssociationPlanner.display(current.roleArn()) + "\" -> " + PlanText.roleText(x.role()));
                    identitiesChange = true;
                } else if (x.role().changesRole()) {
                    changes.add("service account \"" + x.serviceAccount() + "\": "
                            + PlanText.roleText(x.role()));
                    identitiesChange = true;
                }
            }
            for (ClusterState.Association current : existing.values()) {
                if (wanted.containsKey(current.serviceAccount())) {
                    continue;
                }
                String owned = ownedRole(name, current);
                if (!identities.isEmpty()) {
                    changes.add("remove pod identity of service account \"" + current.serviceAccount() + "\"");
                    identitiesChange = true;
                }
                if (owned != null) {
                    deleteRoles.add(owned);
                    changes.add("delete role \"" + AssociationPlanner.display(owned) + "\"");
                }
            }
            if (!identities.isEmpty()) {
                draft.needsAgent = true;
            }
        }
        if (changes.isEmpty()) {
            draft.unchanged("addon/" + name, "addon \"" + name + "\" is up to date");
            return;
        }
        draft.add(new Step.UpdateAddon(name, version, configuration, addon.resolveConflicts(), irsaRole,
                identitiesChange ? identities : null, deleteRoles, changes));
    }

    /** eksctl's RoleUpdateValidator for addon service accounts that already have a role. */
    private boolean checkRoleOwnership(Addon addon, String path, Map<String, ClusterState.Association> existing,
                                       Desired desired) {
        boolean ok = true;
        for (int j = 0; j < desired.identities.size(); j++) {
            Step.AddonIdentity x = desired.identities.get(j);
            ClusterState.Association current = existing.get(x.serviceAccount());
            if (current == null) {
                continue;
            }
            Owner owner = draft.observed.role(current.roleArn())
                    .map(r -> draft.policies.ownerOf(r.tags(), draft.cluster).owner())
                    .orElse(Owner.UNKNOWN);
            PodIdentityAssociationSpec spec = desired.specs == null ? null : desired.specs.get(j);
            String p = spec == null ? path : path + ".podIdentityAssociations[" + j + "]";
            boolean givenArn = spec != null && spec.hasRoleArn();
            if (owner != Owner.UNKNOWN && givenArn && !spec.roleARN().equals(current.roleArn())) {
                draft.error(p + ".roleARN", "cannot change podIdentityAssociation.roleARN since the role was created by "
                        + (owner == Owner.EKSCTL ? "eksctl" : "pod identity autopilot"));
                ok = false;
            } else if (owner == Owner.UNKNOWN && !givenArn) {
                draft.error(p, "podIdentityAssociation.roleARN is required since the role was not created by eksctl"
                        + " (addon: " + addon.name() + ", service account: " + x.serviceAccount() + ")");
                ok = false;
            } else if (owner == Owner.EKSCTL && !givenArn) {
                draft.error(p, "the role of service account \"" + x.serviceAccount() + "\" was created by eksctl; "
                        + "change it with eksctl, or set roleARN (addon: " + addon.name() + ")");
                ok = false;
            }
        }
        return ok;
    }

    private void planDelete(Addon addon, ClusterState.AddonState observed) {
        String id = "addon/" + addon.name();
        if (observed == null) {
            draft.unchanged(id, "addon \"" + addon.name() + "\" not found");
            return;
        }
        boolean preserve = draft.options.preserve();
        List<String> deleteRoles = new ArrayList<>();
        // eksctl --preserve: DeleteAddon(preserve) only; the associations and their roles stay in use.
        if (!preserve) {
            for (String arn : observed.podIdentityAssociationArns()) {
                draft.lookup.associationByArn(arn).map(a -> ownedRole(addon.name(), a)).filter(Objects::nonNull)
                        .ifPresent(deleteRoles::add);
            }
        }
        draft.add(new Step.DeleteAddon(addon.name(), preserve, deleteRoles));
    }

    /** The identities the config asks for; {@code identities} null when it asks nothing of pod identity. */
    private record Desired(List<Step.AddonIdentity> identities, List<PodIdentityAssociationSpec> specs) {
    }

    /** Null (after recording an error) when the config cannot be met. */
    private Desired desiredIdentities(Addon addon, String path, ClusterState.AddonSupport support, boolean creating) {
        String name = addon.name();
        boolean wantsPodIdentity = addon.hasPodIdentityAssociations() || addon.useDefaults();
        if (support != null && !support.requiresIamPermissions() && (wantsPodIdentity || addon.hasIrsa())) {
            draft.warn("IAM permissions are not required for \"" + name + "\" addon; any IRSA configuration or pod "
                    + "identity associations will be ignored");
            return new Desired(null, null);
        }
        if (addon.hasIrsaPolicies() && !wantsPodIdentity) {
            Desired irsa = irsaEquivalent(addon, path, support);
            if (irsa != null) {
                return irsa;
            }
        }
        if (addon.hasPodIdentityAssociations()) {
            if (support == null || !support.supportsPodIdentity()) {
                draft.error(path + ".podIdentityAssociations", unsupported(name));
                return null;
            }
            List<Step.AddonIdentity> identities = new ArrayList<>();
            List<PodIdentityAssociationSpec> specs = addon.podIdentityAssociations();
            boolean ok = true;
            for (int j = 0; j < specs.size(); j++) {
                PodIdentityAssociationSpec spec = specs.get(j);
                String p = path + ".podIdentityAssociations[" + j + "]";
                String sa = spec.serviceAccountName();
                DesiredRole role = spec.hasRoleArn()
                        ? roles.existing(spec.roleARN(), p + ".roleARN", "addon " + name)
                        : roles.toCreate(spec, p, draft.policies.roleNameForAddon(draft.cluster, name, sa),
                                draft.policies.ownershipTagsForAddon(draft.cluster, name, sa), subject(name, sa));
                if (role == null) {
                    ok = false;
                } else {
                    identities.add(new Step.AddonIdentity(sa, role));
                }
            }
            return ok ? new Desired(identities, specs) : null;
        }
        // eksctl: autoApply is for addons with no IAM config of their own; an explicit IRSA role stays IRSA
        boolean recommended = addon.useDefaults()
                || (creating && draft.config.autoApplyPodIdentityAssociations() && !addon.hasIrsa());
        if (recommended) {
            if (support == null || !support.supportsPodIdentity()) {
                if (addon.useDefaults() && !creating) {
                    draft.error(path + ".useDefaultPodIdentityAssociations", unsupported(name));
                    return null;
                }
                if (addon.useDefaults()) {
                    draft.warn("\"" + name + "\" addon does not support pod identity associations; "
                            + "useDefaultPodIdentityAssociations has no effect");
                }
                return new Desired(addon.podIdentityAssociations() == null ? null : List.of(), null);
            }
            List<Step.AddonIdentity> identities = new ArrayList<>();
            boolean ok = true;
            for (ClusterState.PodIdentityConfiguration c : support.podIdentityConfiguration()) {
                boolean ipv6 = "IPv6".equalsIgnoreCase(String.valueOf(draft.config.ipFamily()));
                DesiredRole role = roles.recommended(draft.policies.roleNameForAddon(draft.cluster, name,
                                c.serviceAccount()), draft.policies.recommendedPermissions(name, c.serviceAccount(),
                                c.recommendedManagedPolicies(), ipv6, draft.observed.partition()),
                        draft.policies.ownershipTagsForAddon(draft.cluster, name, c.serviceAccount()), path,
                        subject(name, c.serviceAccount()));
                if (role == null) {
                    ok = false;
                } else {
                    identities.add(new Step.AddonIdentity(c.serviceAccount(), role));
                }
            }
            return ok ? new Desired(identities, null) : null;
        }
        // Written as [] removes all; omitted leaves the addon's associations alone.
        return new Desired(addon.podIdentityAssociations() == null ? null : List.of(), null);
    }

    /**
     * An addon's IRSA policies: a warning naming the pod identity equivalent, or, with the opt-in and one service
     * account to give it to, that equivalent (null: go on as without them).
     */
    private Desired irsaEquivalent(Addon addon, String path, ClusterState.AddonSupport support) {
        PodIdentityAssociationSpec equivalent = support != null && support.supportsPodIdentity()
                ? IrsaEquivalents.addonEquivalent(addon, support) : null;
        boolean apply = equivalent != null && IrsaEquivalents.optedIn(draft.config);
        draft.warn(IrsaEquivalents.addonWarning(addon, equivalent, apply));
        if (!apply) {
            return null;
        }
        String sa = equivalent.serviceAccountName();
        DesiredRole role = roles.toCreate(equivalent, path, draft.policies.roleNameForAddon(draft.cluster,
                addon.name(), sa), draft.policies.ownershipTagsForAddon(draft.cluster, addon.name(), sa),
                subject(addon.name(), sa));
        return role == null ? new Desired(null, null)
                : new Desired(List.of(new Step.AddonIdentity(sa, role)), List.of(equivalent));
    }

    /** The version to send: the config's, with {@code latest} resolved by Resolve; null keeps EKS's default/current. */
    private static String version(Addon addon, ClusterState.AddonSupport support) {
        String v = addon.version();
        if (v == null || v.isEmpty()) {
            return null;
        }
        if ("latest".equals(v)) {
            return support == null ? null : support.addonVersion();
        }
        return v;
    }

    /** The role of an addon association when we created it for that addon's service account. */
    private String ownedRole(String addon, ClusterState.Association association) {
        return draft.observed.role(association.roleArn())
                .filter(r -> {
                    PlanningPolicies.Ownership o = draft.policies.ownerOf(r.tags(), draft.cluster);
                    return o.ours() && subject(addon, association.serviceAccount()).equals(o.subject())
                            && draft.lookup.associationsUsing(r.arn()) <= 1;
                })
                .map(ClusterState.Role::arn)
                .orElse(null);
    }

    static String subject(String addon, String serviceAccount) {
        return "addon:" + addon + "/" + serviceAccount;
    }

    private static String unsupported(String name) {
        return "\"" + name + "\" addon does not support pod identity associations; use IRSA config "
                + "(`addon.serviceAccountRoleARN`, `addon.attachPolicyARNs`, `addon.attachPolicy` or "
                + "`addon.wellKnownPolicies`) instead";
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
