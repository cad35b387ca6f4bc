package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.config.Addon;
import dev.podidentity.autopilot.naming.Owner;
import dev.podidentity.autopilot.naming.OwnershipTags;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * migrate-to-pod-identity (eksctl §7) with eksctl's faults fixed: one trust update per role however many service
 * accounts share it; roles with a path; an existing association counts as migrated (no step, no conflict); the
 * OIDC trust is removed from service-account roles only when asked, and always from addon roles (an addon moves
 * wholesale to pod identity); the annotation removal patches one annotation rather than rewriting the account.
 */
final class MigrationPlanner {
    private final Draft draft;

    MigrationPlanner(Draft draft) {
        this.draft = draft;
    }

    void plan() {
        String provider = draft.observed.oidcProviderArn();
        if (provider == null || provider.isEmpty()) {
            draft.warn("no IAM OIDC provider associated with cluster, hence no iamserviceaccounts to be migrated");
            return;
        }
        Map<String, String> addonRoles = new HashMap<>();
        int before = draft.stepCount();
        for (ClusterState.AddonState addon : draft.observed.addons()) {
            String roleArn = addon.serviceAccountRoleArn();
            if (Addon.POD_IDENTITY_AGENT.equals(addon.name()) || roleArn == null || roleArn.isEmpty()) {
                continue;
            }
            addonRoles.put(roleArn, addon.name());
            planAddon(addon, provider);
        }
        for (ClusterState.IrsaServiceAccount sa : draft.observed.irsaServiceAccounts()) {
            String addon = addonRoles.get(sa.roleArn());
            if (addon != null) {
                draft.unchanged("associate/" + sa.key(), "found IAM role for service account " + sa.key()
                        + " associated with EKS addon " + addon + "; migrated with the addon");
                continue;
            }
            planServiceAccount(sa, provider);
        }
        if (draft.stepCount() == before && !draft.hasPendingTrust()) {
            draft.warn("no iamserviceaccounts or addons found to migrate to pod identity");
        }
    }

    private void planAddon(ClusterState.AddonState addon, String provider) {
        String name = addon.name();
        String id = "addon/" + name;
        if (!addon.podIdentityAssociationArns().isEmpty()) {
            draft.unchanged(id, "addon " + name + " is already using pod identity; skipping migration to pod identity");
            return;
        }
        var support = draft.observed.support(name, addon.version());
        if (support.isEmpty() || !support.get().supportsPodIdentity()) {
            draft.unchanged(id, "addon " + name + " does not support pod identity; skipping migration to pod identity");
            return;
        }
        var role = draft.observed.role(addon.serviceAccountRoleArn());
        if (role.isEmpty()) {
            draft.warn("addon " + name + ": role \"" + addon.serviceAccountRoleArn() + "\" not found; skipping "
                    + "migration to pod identity");
            return;
        }
        List<ClusterState.PodIdentityConfiguration> configs = support.get().podIdentityConfiguration();
        String sa = serviceAccountOf(role.get(), configs);
        if (sa == null) {
            if (configs.size() == 1) {
                sa = configs.get(0).serviceAccount();
                draft.warn("could not find service account to use for addon " + name + " from existing IAM role; "
                        + "defaulting to " + sa);
            } else {
                draft.unchanged(id, "cannot choose a service account as addon " + name + " supports pod identity "
                        + "for multiple service accounts; skipping migration to pod identity");
                return;
            }
        }
        if (trustBlocked(role.get(), provider, true)) {
            draft.warn("addon " + name + ": role \"" + role.get().arn() + "\" " + TRUST_BLOCKED
                    + "; skipping migration to pod identity");
            return;
        }
        trust(role.get(), provider, true, "addon " + name);
        draft.needsAgent = true;
        draft.add(new Step.MigrateAddon(name, addon.version(), sa, role.get().arn()));
    }

    /** The service account the role's IRSA trust names, preferring one the addon can give a pod identity. */
    private String serviceAccountOf(ClusterState.Role role, List<ClusterState.PodIdentityConfiguration> configs) {
        List<String> subjects = draft.policies.irsaServiceAccounts(role.trustPolicy());
        for (String subject : subjects) {
            String sa = subject.substring(subject.indexOf('/') + 1);
            if (configs.stream().anyMatch(c -> c.serviceAccount().equals(sa))) {
                return sa;
            }
        }
        return subjects.isEmpty() ? null : subjects.get(0).substring(subjects.get(0).indexOf('/') + 1);
    }

    private void planServiceAccount(ClusterState.IrsaServiceAccount sa, String provider) {
        String key = sa.key();
        var role = draft.observed.role(sa.roleArn());
        var association = draft.lookup.association(sa.namespace(), sa.name());
        boolean migrated;
        if (association.isPresent()) {
            if (association.get().roleArn().equals(sa.roleArn())) {
                draft.unchanged("associate/" + key, "service account \"" + key + "\" already has a pod identity "
                        + "association with role \"" + AssociationPlanner.display(sa.roleArn()) + "\"");
                migrated = true;
            } else {
                draft.warn("service account \"" + key + "\" already has a pod identity association with role \""
                        + AssociationPlanner.display(association.get().roleArn()) + "\", not its IRSA role \""
                        + AssociationPlanner.display(sa.roleArn()) + "\"; left as it is");
                return;
            }
        } else if (role.isEmpty()) {
            draft.warn("service account \"" + key + "\": role \"" + sa.roleArn() + "\" not found; skipping migration "
                    + "to pod identity");
            return;
        } else if (!irsaGranted(role.get(), provider, sa)) {
            // An annotation alone proves nothing: whoever can annotate a service account could name any role.
            draft.warn("service account \"" + key + "\": role \"" + sa.roleArn() + "\" does not trust this "
                    + "cluster's OIDC provider for system:serviceaccount:" + sa.namespace() + ":" + sa.name()
                    + " (its IRSA trust does not grant it); skipping migration to pod identity");
            return;
        } else if (trustBlocked(role.get(), provider, draft.options.removeOidcProviderTrustRelationship())) {
            draft.warn("service account \"" + key + "\": role \"" + sa.roleArn() + "\" " + TRUST_BLOCKED
                    + "; skipping migration to pod identity");
            return;
        } else {
            draft.needsAgent = true;
            // Not tagged as ours: the role is the user's, and apply must never prune a migrated association.
            draft.add(new Step.MigrateServiceAccount(sa.namespace(), sa.name(), sa.roleArn(), Map.of()));
            migrated = true;
        }
        role.ifPresent(r -> trust(r, provider, draft.options.removeOidcProviderTrustRelationship(), key));
        if (migrated && draft.options.removeOidcProviderTrustRelationship()) {
            draft.add(new Step.RemoveIrsaAnnotation(sa.namespace(), sa.name(), sa.roleArn()));
        }
    }

    /**
     * Whether IRSA really gave this service account the role: its trust names this cluster's OIDC provider for
     * exactly this subject (or a pattern covering it). A rerun of a migration that already dropped the OIDC trust
     * has no such statement left; it may finish only on a role that trusts pods and is ours or opted in.
     */
    private boolean irsaGranted(ClusterState.Role role, String provider, ClusterState.IrsaServiceAccount sa) {
        if (draft.policies.irsaGrants(role.trustPolicy(), provider, sa.namespace(), sa.name())) {
            return true;
        }
        return !draft.policies.trustsOidcProvider(role.trustPolicy(), provider)
                && draft.policies.trustsPodIdentity(role.trustPolicy())
                && (draft.policies.ownerOf(role.tags(), draft.cluster).owner() == Owner.AUTOPILOT
                        || OwnershipTags.isMigrationAllowed(role.tags()));
    }

    static final String TRUST_BLOCKED = "needs its trust policy changed, and trust is only rewritten on roles "
            + "pod-identity-autopilot owns or that an IAM administrator tagged pod-identity-autopilot/migration=allowed";

    /** True when migrating would rewrite the trust of a role that is neither ours nor opted in to migration. */
    private boolean trustBlocked(ClusterState.Role role, String provider, boolean removeOidc) {
        boolean add = !draft.policies.trustsPodIdentity(role.trustPolicy());
        boolean remove = removeOidc && draft.policies.trustsOidcProvider(role.trustPolicy(), provider);
        return (add || remove) && draft.policies.ownerOf(role.tags(), draft.cluster).owner() != Owner.AUTOPILOT
                && !OwnershipTags.isMigrationAllowed(role.tags());
    }

    private void trust(ClusterState.Role role, String provider, boolean removeOidc, String usedBy) {
        boolean add = !draft.policies.trustsPodIdentity(role.trustPolicy());
        boolean remove = removeOidc && draft.policies.trustsOidcProvider(role.trustPolicy(), provider);
        if (add || remove) {
            draft.trust(role, draft.policies.ownerOf(role.tags(), draft.cluster).owner(), add,
                    remove ? provider : null, usedBy);
        }
    }
}
