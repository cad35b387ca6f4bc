package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.naming.Owner;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;
import dev.podidentity.autopilot.naming.InvalidTagsException;
import dev.podidentity.autopilot.naming.OwnershipTags;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Decides the {@link DesiredRole} of an association: the user's role as it is, or a role of ours to create, to
 * bring to the declared permissions or trust, or to leave alone because it is already right. Records trust changes the
 * roles need and refuses to take over a role we did not create.
 */
final class RoleResolver {
    private final Draft draft;
    /** Role name → the subject it was planned for: one role per service account. */
    private final Map<String, String> plannedNames = new HashMap<>();

    RoleResolver(Draft draft) {
        this.draft = draft;
    }

    /** A role the user names with roleARN: used as it is; its trust is fixed only when the role is ours. */
    DesiredRole existing(String arn, String path, String usedBy) {
        DesiredRole role;
        try {
            role = DesiredRole.existing(arn);
        } catch (IllegalArgumentException e) {
            draft.error(path, e.getMessage());
            return null;
        }
        draft.observed.role(arn).ifPresent(observed -> {
            if (draft.policies.trustsPodIdentity(observed.trustPolicy())) {
                return;
            }
            PlanningPolicies.Ownership owner = draft.policies.ownerOf(observed.tags(), draft.cluster);
            if (owner.ours()) {
                draft.trust(observed, owner.owner(), true, null, usedBy);
            } else {
                draft.warn("role \"" + observed.name() + "\" does not trust pods.eks.amazonaws.com; pods of "
                        + usedBy + " will get no credentials until its trust policy allows sts:AssumeRole and "
                        + "sts:TagSession for that service principal");
            }
        });
        return role;
    }

    /** A role we create for an association entry that declares permissions. */
    DesiredRole toCreate(PodIdentityAssociationSpec spec, String path, String defaultName,
                         Map<String, String> ownershipTags, String subject) {
        PlanningPolicies.Permissions permissions;
        try {
            permissions = draft.policies.permissionsFor(spec, draft.observed.partition());
        } catch (IllegalArgumentException e) {
            draft.error(path, e.getMessage());
            return null;
        }
        String name = spec.roleName() == null || spec.roleName().isEmpty() ? defaultName : spec.roleName();
        Map<String, String> user = new TreeMap<>();
        if (draft.config.metadata() != null) {
            user.putAll(draft.config.metadata().tags());
        }
        user.putAll(spec.tags());
        Map<String, String> tags = mergeTags(user, ownershipTags, path);
        return tags == null ? null : resolve(name, permissions, tags, path, subject,
                !Boolean.TRUE.equals(spec.disableSessionTags()));
    }

    /** A role we create with AWS's recommended permissions for an addon service account. */
    DesiredRole recommended(String name, PlanningPolicies.Permissions permissions, Map<String, String> ownershipTags,
                            String path, String subject) {
        Map<String, String> tags = mergeTags(draft.config.metadata() == null ? Map.of()
                : draft.config.metadata().tags(), ownershipTags, path);
        return tags == null ? null
                : resolve(name, permissions, tags, path, subject, true);
    }

    /** User tags plus ours (ours win); null after recording the problems when IAM would refuse them. */
    Map<String, String> mergeTags(Map<String, String> user, Map<String, String> ours, String path) {
        try {
            return OwnershipTags.merge(user, ours);
        } catch (InvalidTagsException e) {
            draft.error(path + ".tags", e.getMessage());
            return null;
        }
    }

    private DesiredRole resolve(String name, PlanningPolicies.Permissions permissions, Map<String, String> tags,
                                String path, String subject, boolean scopedTrust) {
        String previous = plannedNames.putIfAbsent(name, subject);
        if (previous != null && !previous.equals(subject)) {
            draft.error(path, "role name \"" + name + "\" is also planned for " + previous
                    + "; each service account gets its own role");
            return null;
        }
        String boundary = permissions.permissionsBoundaryArn() != null
                ? permissions.permissionsBoundaryArn() : draft.options.permissionsBoundaryArn();
        var observed = draft.lookup.roleNamed(name);
        if (observed.isEmpty()) {
            String arn = RoleArn.of(draft.observed.partition(), draft.observed.accountId(), draft.options.rolePath(),
                    name);
            return new DesiredRole(DesiredRole.Mode.CREATE, arn, name, draft.options.rolePath(),
                    permissions.managedPolicyArns(), permissions.inlinePolicies(), boundary, tags, scopedTrust);
        }
        ClusterState.Role role = observed.get();
        PlanningPolicies.Ownership owner = draft.policies.ownerOf(role.tags(), draft.cluster);
        if (!owner.ours()) {
            draft.error(path, "role \"" + name + "\" already exists and was not created by pod identity autopilot "
                    + "for cluster \"" + draft.cluster + "\"; set roleARN to use it as it is, or roleName to create "
                    + "another");
            return null;
        }
        if (owner.subject() != null && !owner.subject().equals(subject)) {
            draft.error(path, "role \"" + name + "\" was created for " + owner.subject() + ", not " + subject
                    + "; set roleName to create another");
            return null;
        }
        // The role's trust converges with it (RoleEnsurer): scoped to this cluster and service account while session
        // tags are on, plain while they are off. A role made before trust was scoped still has the open statement
        // and would otherwise never be narrowed, since its permissions alone give it no step.
        String trustChange = draft.policies.ownedTrustChange(role.trustPolicy(), role.arn(), draft.cluster, tags,
                scopedTrust).orElse(null);
        boolean same = new HashSet<>(role.managedPolicyArns()).equals(new HashSet<>(permissions.managedPolicyArns()))
                && new HashSet<>(role.inlinePolicyNames()).equals(permissions.inlinePolicies().keySet())
                // No boundary asked for keeps the one a role has: removing a boundary is an administrator's act.
                && (boundary == null || Objects.equals(role.permissionsBoundaryArn(), boundary));
        DesiredRole.Mode mode = !same ? DesiredRole.Mode.UPDATE_PERMISSIONS
                : trustChange != null ? DesiredRole.Mode.UPDATE_TRUST : DesiredRole.Mode.USE_EXISTING;
        return new DesiredRole(mode, role.arn(), role.name(), role.path(), permissions.managedPolicyArns(),
                permissions.inlinePolicies(), boundary, tags, scopedTrust, trustChange);
    }
}
