package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.naming.Owner;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.naming.Partition;
import dev.podidentity.autopilot.naming.RoleNames;
import dev.podidentity.autopilot.policy.AddonRecommendations;
import dev.podidentity.autopilot.policy.InlinePolicy;
import dev.podidentity.autopilot.policy.PolicyDocument;
import dev.podidentity.autopilot.policy.RolePermissions;
import dev.podidentity.autopilot.policy.Statement;
import dev.podidentity.autopilot.policy.TrustPolicies;
import dev.podidentity.autopilot.policy.WellKnownPolicy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@link PlanningPolicies} by the naming and policy packages: the one used outside tests, and in them. */
public final class StandardPlanningPolicies implements PlanningPolicies {

    private StandardPlanningPolicies() {
    }

    public static StandardPlanningPolicies create() {
        return new StandardPlanningPolicies();
    }

    @Override
    public String roleNameForAssociation(String cluster, String namespace, String serviceAccount) {
        return RoleNames.forAssociation(cluster, namespace, serviceAccount);
    }

    @Override
    public String roleNameForAddon(String cluster, String addon, String serviceAccount) {
        return RoleNames.forAddon(cluster, addon, serviceAccount);
    }

    @Override
    public Permissions permissionsFor(PodIdentityAssociationSpec spec, String partition) {
        Set<WellKnownPolicy> wellKnown = spec.wellKnownPolicies().stream()
                .map(key -> WellKnownPolicy.fromKey(key)
                        .orElseThrow(() -> new IllegalArgumentException("invalid wellKnownPolicy: " + key)))
                .collect(Collectors.toSet());
        PolicyDocument inline = spec.permissionPolicy() == null ? null
                : PolicyDocument.fromTree(spec.permissionPolicy());
        RolePermissions permissions = RolePermissions.of(spec.permissionPolicyARNs(), wellKnown, inline,
                spec.permissionPolicyName(), spec.permissionsBoundaryARN(), partition(partition));
        Map<String, String> inlineJson = new LinkedHashMap<>();
        for (InlinePolicy policy : permissions.inlinePolicies()) {
            inlineJson.put(policy.name(), policy.document().toJson());
        }
        return new Permissions(permissions.managedPolicyArns(), inlineJson,
                permissions.permissionsBoundaryArn().orElse(null));
    }

    @Override
    public Permissions recommendedPermissions(String addon, String serviceAccount,
                                              List<String> recommendedManagedPolicies, boolean ipv6,
                                              String partition) {
        if (ipv6 && AddonRecommendations.VPC_CNI.equals(addon)) {
            return new Permissions(List.of(), Map.of(RolePermissions.DEFAULT_PERMISSION_POLICY_NAME,
                    AddonRecommendations.vpcCniIpv6Policy(partition(partition)).toJson()), null);
        }
        return new Permissions(recommendedManagedPolicies, Map.of(), null);
    }

    @Override
    public Map<String, String> ownershipTagsForAssociation(String cluster, String namespace, String serviceAccount) {
        return OwnershipTags.forAssociation(cluster, namespace, serviceAccount);
    }

    @Override
    public Map<String, String> ownershipTagsForAddon(String cluster, String addon, String serviceAccount) {
        return OwnershipTags.forAddon(cluster, addon, serviceAccount);
    }

    @Override
    public Ownership ownerOf(Map<String, String> tags, String cluster) {
        Owner owner = OwnershipTags.owner(tags);
        if (owner != Owner.AUTOPILOT) {
            return new Ownership(owner, null);
        }
        if (!OwnershipTags.isOwnedBy(tags, cluster)) {
            // Ours, but made for another cluster: not this plan's to change.
            return Ownership.UNKNOWN;
        }
        String sa = tags.get(OwnershipTags.SERVICE_ACCOUNT);
        String addon = tags.get(OwnershipTags.ADDON);
        String namespace = tags.get(OwnershipTags.NAMESPACE);
        String subject = addon != null ? AddonPlanner.subject(addon, sa)
                : namespace != null ? namespace + "/" + sa : null;
        return new Ownership(Owner.AUTOPILOT, subject);
    }

    @Override
    public boolean trustsPodIdentity(String trustPolicyJson) {
        return trustPolicyJson != null && TrustPolicies.hasPodIdentityStatement(PolicyDocument.parse(trustPolicyJson));
    }

    @Override
    public Optional<String> ownedTrustChange(String trustPolicyJson, String roleArn, String cluster,
                                             Map<String, String> ownershipTags, boolean sessionTags) {
        if (trustPolicyJson == null) {
            return Optional.empty();
        }
        PolicyDocument current = PolicyDocument.parse(trustPolicyJson);
        Optional<Statement> scoped = TrustPolicies.scopedPodIdentityStatement(roleArn, cluster, ownershipTags);
        Partition partition = Arns.role(roleArn).orElseThrow().arn().partition();
        if (TrustPolicies.convergedOwnedTrust(current, partition, scoped, sessionTags).equals(current)) {
            return Optional.empty();
        }
        if (sessionTags && scoped.isPresent()) {
            String namespace = ownershipTags.get(OwnershipTags.NAMESPACE);
            String serviceAccount = ownershipTags.get(OwnershipTags.SERVICE_ACCOUNT);
            return Optional.of("trust: scope pods.eks.amazonaws.com to cluster \"" + cluster + "\", service account \""
                    + (namespace == null ? serviceAccount : namespace + "/" + serviceAccount) + "\"");
        }
        return Optional.of(TrustPolicies.hasPodIdentityStatement(current) ? "trust: pods.eks.amazonaws.com without "
                + "session-tag conditions (session tags are off)" : "trust: allow pods.eks.amazonaws.com");
    }

    @Override
    public boolean trustsOidcProvider(String trustPolicyJson, String oidcProviderArn) {
        if (trustPolicyJson == null) {
            return false;
        }
        PolicyDocument document = PolicyDocument.parse(trustPolicyJson);
        return !TrustPolicies.withoutOidcStatements(document, oidcProviderArn).equals(document);
    }

    @Override
    public boolean irsaGrants(String trustPolicyJson, String oidcProviderArn, String namespace,
                              String serviceAccount) {
        if (trustPolicyJson == null || oidcProviderArn == null) {
            return false;
        }
        String wanted = "system:serviceaccount:" + namespace + ":" + serviceAccount;
        return TrustPolicies.irsaServiceAccounts(PolicyDocument.parse(trustPolicyJson)).stream()
                .filter(s -> oidcProviderArn.equals(s.oidcProviderArn()))
                .anyMatch(s -> s.pattern() ? like(s.subject(), wanted) : s.subject().equals(wanted));
    }

    /** IAM's StringLike: {@code *} any run, {@code ?} one character, case-sensitive. */
    private static boolean like(String pattern, String value) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return value.matches(re.toString());
    }

    @Override
    public List<String> irsaServiceAccounts(String trustPolicyJson) {
        if (trustPolicyJson == null) {
            return List.of();
        }
        return TrustPolicies.irsaServiceAccounts(PolicyDocument.parse(trustPolicyJson)).stream()
                .filter(s -> !s.pattern())
                .map(s -> s.namespace() + "/" + s.serviceAccount())
                .toList();
    }

    private static Partition partition(String id) {
        return Partition.fromId(id).orElseThrow(() -> new IllegalArgumentException("unknown partition " + id));
    }
}
