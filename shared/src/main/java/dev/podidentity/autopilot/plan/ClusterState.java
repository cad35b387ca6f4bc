package dev.podidentity.autopilot.plan;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What Resolve observed in AWS (and Kubernetes) before planning: the planner's only view of the world. Plain values,
 * no SDK types, so the planner is pure and tests build states by hand.
 *
 * <p>Collections are copied and kept in a canonical order, so two states built from the same facts in a different
 * order are equal and plan the same.
 *
 * @param partition          {@code aws}, {@code aws-cn}, {@code aws-us-gov}, ...
 * @param oidcProviderArn    the cluster's IAM OIDC provider, null when it has none
 * @param agent              the {@code eks-pod-identity-agent} addon, null when it is not installed
 * @param associations       every pod identity association of the cluster, addon-owned ones included
 * @param roles              the roles the plan may touch (see {@link Planner#rolesToObserve}), by ARN
 * @param addonSupport       pod identity support per addon and version ({@code DescribeAddonConfiguration})
 * @param irsaServiceAccounts service accounts annotated with {@code eks.amazonaws.com/role-arn} (migration only)
 */
public record ClusterState(
        String clusterName,
        String accountId,
        String region,
        String partition,
        ClusterStatus status,
        boolean autoMode,
        String oidcProviderArn,
        Agent agent,
        List<AddonState> addons,
        List<Association> associations,
        Map<String, Role> roles,
        List<AddonSupport> addonSupport,
        List<IrsaServiceAccount> irsaServiceAccounts) {

    public enum ClusterStatus { CREATING, ACTIVE, UPDATING, DELETING, FAILED, PENDING }

    public ClusterState {
        addons = sorted(addons, Comparator.comparing(AddonState::name));
        associations = sorted(associations, Comparator.comparing(Association::key));
        roles = roles == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(roles));
        addonSupport = sorted(addonSupport, Comparator.comparing(AddonSupport::addonName)
                .thenComparing(s -> String.valueOf(s.addonVersion())));
        irsaServiceAccounts = sorted(irsaServiceAccounts, Comparator.comparing(IrsaServiceAccount::key));
    }

    private static <T> List<T> sorted(List<T> list, Comparator<T> order) {
        return list == null ? List.of() : list.stream().sorted(order).toList();
    }

    /** The installed {@code eks-pod-identity-agent} addon. */
    public record Agent(String version, String status) {
    }

    /**
     * An installed EKS addon.
     *
     * @param podIdentityAssociationArns the associations the addon owns ({@code DescribeAddon})
     */
    public record AddonState(String name, String arn, String version, String status, String serviceAccountRoleArn,
                             String configurationValues, List<String> podIdentityAssociationArns, String namespace) {
        public AddonState {
            podIdentityAssociationArns = podIdentityAssociationArns == null ? List.of()
                    : podIdentityAssociationArns.stream().sorted().toList();
        }

        public AddonState(String name, String arn, String version, String status, String serviceAccountRoleArn,
                          String configurationValues, List<String> podIdentityAssociationArns) {
            this(name, arn, version, status, serviceAccountRoleArn, configurationValues, podIdentityAssociationArns,
                    null);
        }
    }

    /** One pod identity association ({@code DescribePodIdentityAssociation}). */
    public record Association(String associationId, String associationArn, String namespace, String serviceAccount,
                              String roleArn, String targetRoleArn, Boolean disableSessionTags, String policy,
                              Map<String, String> tags, String ownerArn) {
        public Association {
            tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
        }

        public String key() {
            return namespace + "/" + serviceAccount;
        }

        public boolean ownedByAddon() {
            return ownerArn != null && !ownerArn.isEmpty();
        }
    }

    /**
     * An IAM role ({@code GetRole}, {@code ListAttachedRolePolicies}, {@code ListRolePolicies}).
     *
     * @param trustPolicy the trust document as JSON (already URL-decoded)
     */
    public record Role(String arn, String name, String path, Map<String, String> tags, String trustPolicy,
                       List<String> managedPolicyArns, List<String> inlinePolicyNames, String permissionsBoundaryArn) {
        public Role {
            tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
            managedPolicyArns = managedPolicyArns == null ? List.of() : managedPolicyArns.stream().sorted().toList();
            inlinePolicyNames = inlinePolicyNames == null ? List.of() : inlinePolicyNames.stream().sorted().toList();
        }
    }

    /**
     * Whether one addon version supports pod identity ({@code DescribeAddonConfiguration.podIdentityConfiguration};
     * an empty list means it does not).
     */
    public record AddonSupport(String addonName, String addonVersion, boolean requiresIamPermissions,
                               List<PodIdentityConfiguration> podIdentityConfiguration) {
        public AddonSupport {
            podIdentityConfiguration = podIdentityConfiguration == null ? List.of()
                    : podIdentityConfiguration.stream()
                            .sorted(Comparator.comparing(PodIdentityConfiguration::serviceAccount)).toList();
        }

        public boolean supportsPodIdentity() {
            return !podIdentityConfiguration.isEmpty();
        }
    }

    /** One service account an addon can give a pod identity, with the managed policies AWS recommends for it. */
    public record PodIdentityConfiguration(String serviceAccount, List<String> recommendedManagedPolicies) {
        public PodIdentityConfiguration {
            recommendedManagedPolicies = recommendedManagedPolicies == null ? List.of()
                    : List.copyOf(recommendedManagedPolicies);
        }
    }

    /** A Kubernetes service account carrying the IRSA annotation {@code eks.amazonaws.com/role-arn}. */
    public record IrsaServiceAccount(String namespace, String name, String roleArn) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    public Optional<Association> association(String namespace, String serviceAccount) {
        String key = namespace + "/" + serviceAccount;
        return associations.stream().filter(a -> a.key().equals(key)).findFirst();
    }

    public Optional<Association> associationByArn(String arn) {
        return associations.stream().filter(a -> arn.equals(a.associationArn())).findFirst();
    }

    public Optional<AddonState> addon(String name) {
        return addons.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public Optional<Role> role(String arn) {
        return arn == null ? Optional.empty() : Optional.ofNullable(roles.get(arn));
    }

    /** IAM role names are unique per account whatever their path, so a name finds a role at any path. */
    public Optional<Role> roleNamed(String name) {
        return roles.values().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /**
     * Pod identity support of an addon at a version. A null or {@code latest} version takes whatever Resolve
     * recorded for the addon (it resolves the version it will install before describing its configuration).
     */
    public Optional<AddonSupport> support(String addonName, String version) {
        boolean anyVersion = version == null || version.isEmpty() || "latest".equals(version);
        return addonSupport.stream()
                .filter(s -> s.addonName().equals(addonName))
                .filter(s -> anyVersion || version.equals(s.addonVersion()))
                .findFirst();
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isActive() {
        return status == ClusterStatus.ACTIVE;
    }
}
