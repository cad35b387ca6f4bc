package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;

import dev.podidentity.autopilot.naming.Owner;

import java.util.List;
import java.util.Map;

/**
 * What the planner needs from the policy and naming code (branch {@code policy}: {@code RoleNames},
 * {@code RolePermissions}, {@code TrustPolicies}, {@code OwnershipTags}), narrowed to plain values so the plan stays
 * serialisable. The planner depends on this interface only; it does not name roles, expand policies or read trust
 * documents itself, so there is one implementation of each of those rules.
 */
public interface PlanningPolicies {

    /** The name of the role we create for a standalone association without {@code roleName}. */
    String roleNameForAssociation(String cluster, String namespace, String serviceAccount);

    /** The name of the role we create for an addon's service account. */
    String roleNameForAddon(String cluster, String addon, String serviceAccount);

    /**
     * The permissions of a role created from an association entry: its managed ARNs, its well-known policies
     * expanded, its inline policy, its boundary.
     *
     * @throws IllegalArgumentException with a message fit for the user when the entry cannot make a role
     */
    Permissions permissionsFor(PodIdentityAssociationSpec spec, String partition);

    /**
     * The permissions of a role for an addon service account that takes AWS's recommendation
     * ({@code useDefaultPodIdentityAssociations} / {@code autoApplyPodIdentityAssociations}): the recommended managed
     * policies, except where eksctl knows better (vpc-cni on an IPv6 cluster gets eksctl's IPv6 inline policy).
     */
    Permissions recommendedPermissions(String addon, String serviceAccount, List<String> recommendedManagedPolicies,
                                       boolean ipv6, String partition);

    /** Tags that mark a role or association as ours, created for this cluster and service account. */
    Map<String, String> ownershipTagsForAssociation(String cluster, String namespace, String serviceAccount);

    /** Tags that mark a role as ours, created for an addon's service account. */
    Map<String, String> ownershipTagsForAddon(String cluster, String addon, String serviceAccount);

    /** Who made a role or association, judged from its tags, for this cluster. */
    Ownership ownerOf(Map<String, String> tags, String cluster);

    /** True when the trust document already lets {@code pods.eks.amazonaws.com} assume the role and tag sessions. */
    boolean trustsPodIdentity(String trustPolicyJson);

    /**
     * What converging a role we made for one service account would change in its trust, in words for the plan; empty
     * when the trust is already what it converges to. With session tags on, that is exactly the pods statement scoped
     * to this cluster and the service account of {@code ownershipTags} (an old open statement is narrowed); with them
     * off, the plain statement. The executor converges with the same rule, so a planned change is made once and a
     * rerun plans none.
     */
    java.util.Optional<String> ownedTrustChange(String trustPolicyJson, String roleArn, String cluster,
                                                Map<String, String> ownershipTags, boolean sessionTags);

    /** True when the trust document trusts this OIDC provider (IRSA). */
    boolean trustsOidcProvider(String trustPolicyJson, String oidcProviderArn);

    /**
     * True when the IRSA trust really grants this service account: an Allow statement trusting this OIDC provider
     * names {@code system:serviceaccount:NS:SA} exactly, or with a {@code StringLike} pattern that covers it.
     */
    boolean irsaGrants(String trustPolicyJson, String oidcProviderArn, String namespace, String serviceAccount);

    /** The {@code namespace/serviceAccount} subjects an IRSA trust document lets in, in document order. */
    List<String> irsaServiceAccounts(String trustPolicyJson);

    /**
     * Permissions of a role to create, in the serialisable form steps carry.
     *
     * @param inlinePolicies policy name → policy document JSON
     */
    record Permissions(List<String> managedPolicyArns, Map<String, String> inlinePolicies,
                       String permissionsBoundaryArn) {
        public Permissions {
            managedPolicyArns = managedPolicyArns == null ? List.of() : List.copyOf(managedPolicyArns);
            inlinePolicies = inlinePolicies == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(inlinePolicies));
        }
    }

    /**
     * Who made a resource. {@code owner} is AUTOPILOT only for resources we made for this cluster; {@code subject}
     * is {@code ns/sa} or {@code addon:<name>/<sa>} for those, null otherwise.
     */
    record Ownership(Owner owner, String subject) {
        public static final Ownership UNKNOWN = new Ownership(Owner.UNKNOWN, null);

        public boolean ours() {
            return owner == Owner.AUTOPILOT;
        }
    }
}
