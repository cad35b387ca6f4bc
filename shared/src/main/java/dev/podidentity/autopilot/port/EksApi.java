package dev.podidentity.autopilot.port;

import dev.podidentity.autopilot.plan.ClusterState;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EKS operations the executors and the observer need, in domain terms (no SDK types). Implementations map AWS
 * errors to the {@code error} package, except the outcomes callers act on, which are return values or
 * {@link RoleNotVisibleException}.
 */
public interface EksApi {

    /** ListClusters, all pages: the names of the clusters in this account and region. */
    List<String> listClusters();

    /** DescribeCluster; empty when the cluster does not exist. */
    Optional<Cluster> describeCluster(String cluster);

    /** ListAddons, all pages. */
    List<String> listAddons(String cluster);

    /**
     * The principal ARNs that have an access entry on the cluster; empty when the cluster does not use access
     * entries (authentication mode CONFIG_MAP), so callers can tell "no entry" from "no access entries at all".
     */
    Optional<List<String>> listAccessEntryPrincipals(String cluster);

    /** DescribeAddon; empty when the addon is not installed. */
    Optional<Addon> describeAddon(String cluster, String addon);

    /** DescribeAddonVersions for one addon and Kubernetes version; empty when EKS does not know the addon. */
    Optional<AddonVersions> describeAddonVersions(String addon, String kubernetesVersion);

    /** DescribeAddonConfiguration's podIdentityConfiguration (empty: no pod identity support). */
    List<ClusterState.PodIdentityConfiguration> podIdentityConfiguration(String addon, String version);

    /**
     * CreateAddon; false when it already exists.
     *
     * @throws RoleNotVisibleException when EKS does not see a role yet (IAM propagation)
     */
    boolean createAddon(String cluster, AddonRequest request);

    /**
     * CreateAddon, answering the add-on as EKS created it (its ARN, status CREATING); empty when it already exists.
     *
     * @throws RoleNotVisibleException when EKS does not see a role yet (IAM propagation)
     */
    default Optional<Addon> createAddonAnswering(String cluster, AddonRequest request) {
        return createAddon(cluster, request) ? describeAddon(cluster, request.name()) : Optional.empty();
    }

    /**
     * UpdateAddon with the non-null fields of the request.
     *
     * @throws RoleNotVisibleException when EKS does not see a role yet (IAM propagation)
     */
    void updateAddon(String cluster, AddonRequest request);

    /** DeleteAddon; false when it was not installed. */
    boolean deleteAddon(String cluster, String addon, boolean preserve);

    /** ListPodIdentityAssociations, all pages, optionally filtered (null: no filter). */
    List<AssociationRef> listAssociations(String cluster, String namespace, String serviceAccount);

    /** DescribePodIdentityAssociation; empty when it does not exist. */
    Optional<ClusterState.Association> describeAssociation(String cluster, String associationId);

    /**
     * CreatePodIdentityAssociation.
     *
     * @throws RoleNotVisibleException when EKS does not see the role yet (IAM propagation)
     */
    CreateResult createAssociation(String cluster, NewAssociation request);

    /**
     * UpdatePodIdentityAssociation; null fields are not sent.
     *
     * @throws RoleNotVisibleException when EKS does not see the role yet (IAM propagation)
     */
    ClusterState.Association updateAssociation(String cluster, String associationId, AssociationChange change);

    /** DeletePodIdentityAssociation; false when it was already gone. */
    boolean deleteAssociation(String cluster, String associationId);

    /** DescribeCluster's parts that matter here; the OIDC issuer is the full https URL or null. */
    record Cluster(String name, String arn, String status, String kubernetesVersion, boolean autoMode,
                   String oidcIssuer) {
        /** The account, from the cluster ARN. */
        public String accountId() {
            return arn.split(":")[4];
        }

        public String partition() {
            return arn.split(":")[1];
        }
    }

    /** An addon health issue as DescribeAddon reports it. */
    record HealthIssue(String code, String message, List<String> resourceIds) {
        public HealthIssue {
            resourceIds = resourceIds == null ? List.of() : List.copyOf(resourceIds);
        }

        @Override
        public String toString() {
            return code + ": " + message + (resourceIds.isEmpty() ? "" : " " + resourceIds);
        }
    }

    /** @param namespace {@code namespaceConfig.namespace}: null when EKS chose the addon's default */
    record Addon(String name, String arn, String version, String status, String serviceAccountRoleArn,
                 String configurationValues, List<String> podIdentityAssociationArns, List<HealthIssue> issues,
                 String namespace) {
        public Addon {
            podIdentityAssociationArns = podIdentityAssociationArns == null ? List.of()
                    : List.copyOf(podIdentityAssociationArns);
            issues = issues == null ? List.of() : List.copyOf(issues);
        }

        public Addon(String name, String arn, String version, String status, String serviceAccountRoleArn,
                     String configurationValues, List<String> podIdentityAssociationArns, List<HealthIssue> issues) {
            this(name, arn, version, status, serviceAccountRoleArn, configurationValues, podIdentityAssociationArns,
                    issues, null);
        }
    }

    /** The versions of an addon: which one EKS installs by default, and whether each needs IAM permissions. */
    record AddonVersions(String addon, String defaultVersion, Map<String, Boolean> requiresIamPermissions) {
        public AddonVersions {
            requiresIamPermissions = Map.copyOf(requiresIamPermissions);
        }
    }

    /** One service account of an addon and its role. */
    record AddonIdentityRef(String serviceAccount, String roleArn) {
    }

    /**
     * CreateAddon / UpdateAddon input; null fields are not sent.
     *
     * @param podIdentityAssociations null: not sent (left alone); empty: remove the addon's associations
     * @param namespace               CreateAddon's {@code namespaceConfig.namespace}; null: not sent (UpdateAddon
     *                                has no such field: EKS fixes the namespace at creation)
     */
    record AddonRequest(String name, String version, String serviceAccountRoleArn, String configurationValues,
                        String resolveConflicts, Map<String, String> tags,
                        List<AddonIdentityRef> podIdentityAssociations, String namespace) {
        public AddonRequest {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
            podIdentityAssociations = podIdentityAssociations == null ? null : List.copyOf(podIdentityAssociations);
        }

        public AddonRequest(String name, String version, String serviceAccountRoleArn, String configurationValues,
                            String resolveConflicts, Map<String, String> tags,
                            List<AddonIdentityRef> podIdentityAssociations) {
            this(name, version, serviceAccountRoleArn, configurationValues, resolveConflicts, tags,
                    podIdentityAssociations, null);
        }
    }

    /** A ListPodIdentityAssociations summary: no role, no tags. */
    record AssociationRef(String associationId, String associationArn, String namespace, String serviceAccount,
                          String ownerArn) {
        public String key() {
            return namespace + "/" + serviceAccount;
        }
    }

    record NewAssociation(String namespace, String serviceAccount, String roleArn, String targetRoleArn,
                          Boolean disableSessionTags, String policy, Map<String, String> tags) {
        public NewAssociation {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** UpdatePodIdentityAssociation fields; null: not sent; empty targetRoleArn / policy: cleared. */
    record AssociationChange(String roleArn, String targetRoleArn, Boolean disableSessionTags, String policy) {
        public boolean isEmpty() {
            return roleArn == null && targetRoleArn == null && disableSessionTags == null && policy == null;
        }
    }

    sealed interface CreateResult {
        record Created(ClusterState.Association association) implements CreateResult {
        }

        /** EKS's ResourceInUseException: the service account already has an association. */
        record AlreadyExists(String message) implements CreateResult {
        }
    }

    /**
     * EKS does not see the role yet: "Role provided in the request does not exist" just after CreateRole (IAM is
     * eventually consistent). Callers retry with a bounded backoff, then give up with a RetryableException.
     */
    final class RoleNotVisibleException extends RuntimeException {
        public RoleNotVisibleException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
