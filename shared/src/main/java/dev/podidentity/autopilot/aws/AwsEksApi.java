package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.port.EksApi;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.AddonInfo;
import software.amazon.awssdk.services.eks.model.AddonPodIdentityAssociations;
import software.amazon.awssdk.services.eks.model.AddonVersionInfo;
import software.amazon.awssdk.services.eks.model.PodIdentityAssociation;

/** {@link EksApi} with the SDK's EksClient. Every SDK error goes through {@link AwsErrors}. */
public final class AwsEksApi implements EksApi {
    private static final String NOT_FOUND = "ResourceNotFoundException";
    private static final String IN_USE = "ResourceInUseException";

    /** ListPodIdentityAssociations' maximum page size. */
    public static final int MAX_PAGE = 100;

    private final EksClient eks;
    private final int pageSize;

    public AwsEksApi(EksClient eks) {
        this(eks, MAX_PAGE);
    }

    /** With a smaller page size, for tests that exercise paging cheaply. */
    public AwsEksApi(EksClient eks, int pageSize) {
        this.eks = Objects.requireNonNull(eks, "eks");
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw new IllegalArgumentException("page size must be 1.." + MAX_PAGE + ": " + pageSize);
        }
        this.pageSize = pageSize;
    }

    @Override
    public List<String> listClusters() {
        try {
            return eks.listClustersPaginator(r -> { }).clusters().stream().toList();
        } catch (SdkException e) {
            throw AwsErrors.map(e, "ListClusters");
        }
    }

    @Override
    public Optional<Cluster> describeCluster(String cluster) {
        try {
            var c = eks.describeCluster(r -> r.name(cluster)).cluster();
            boolean autoMode = c.computeConfig() != null && Boolean.TRUE.equals(c.computeConfig().enabled());
            String issuer = c.identity() == null || c.identity().oidc() == null ? null : c.identity().oidc().issuer();
            return Optional.of(new Cluster(c.name(), c.arn(), c.statusAsString(), c.version(), autoMode, issuer));
        } catch (SdkException e) {
            if (AwsErrors.is(e, NOT_FOUND)) {
                return Optional.empty();
            }
            throw AwsErrors.map(e, "DescribeCluster \"" + cluster + "\"");
        }
    }

    @Override
    public Optional<List<String>> listAccessEntryPrincipals(String cluster) {
        try {
            return Optional.of(eks.listAccessEntriesPaginator(r -> r.clusterName(cluster)).accessEntries().stream()
                    .toList());
        } catch (SdkException e) {
            // CONFIG_MAP clusters: "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP]"
            if (AwsErrors.is(e, "InvalidRequestException")) {
                return Optional.empty();
            }
            throw AwsErrors.map(e, "ListAccessEntries \"" + cluster + "\"");
        }
    }

    @Override
    public List<String> listAddons(String cluster) {
        try {
            return eks.listAddonsPaginator(r -> r.clusterName(cluster)).addons().stream().toList();
        } catch (SdkException e) {
            throw AwsErrors.map(e, "ListAddons \"" + cluster + "\"");
        }
    }

    @Override
    public Optional<Addon> describeAddon(String cluster, String addon) {
        try {
            var a = eks.describeAddon(r -> r.clusterName(cluster).addonName(addon)).addon();
            List<HealthIssue> issues = a.health() == null ? List.of() : a.health().issues().stream()
                    .map(i -> new HealthIssue(i.codeAsString(), i.message(), i.resourceIds())).toList();
            return Optional.of(new Addon(a.addonName(), a.addonArn(), a.addonVersion(), a.statusAsString(),
                    a.serviceAccountRoleArn(), a.configurationValues(), a.podIdentityAssociations(), issues,
                    a.namespaceConfig() == null ? null : a.namespaceConfig().namespace()));
        } catch (SdkException e) {
            if (AwsErrors.is(e, NOT_FOUND)) {
                return Optional.empty();
            }
            throw AwsErrors.map(e, "DescribeAddon \"" + addon + "\" on \"" + cluster + "\"");
        }
    }

    @Override
    public Optional<AddonVersions> describeAddonVersions(String addon, String kubernetesVersion) {
        try {
            List<AddonInfo> infos = eks.describeAddonVersionsPaginator(r -> r.addonName(addon)
                    .kubernetesVersion(kubernetesVersion)).addons().stream().toList();
            for (AddonInfo info : infos) {
                if (!addon.equals(info.addonName())) {
                    continue;
                }
                Map<String, Boolean> requires = new HashMap<>();
                String defaultVersion = null;
                for (AddonVersionInfo v : info.addonVersions()) {
                    requires.put(v.addonVersion(), Boolean.TRUE.equals(v.requiresIamPermissions()));
                    boolean isDefault = v.compatibilities().stream().anyMatch(c -> Boolean.TRUE.equals(c.defaultVersion())
                            && (kubernetesVersion == null || kubernetesVersion.equals(c.clusterVersion())));
                    if (defaultVersion == null && isDefault) {
                        defaultVersion = v.addonVersion();
                    }
                }
                if (defaultVersion == null && !info.addonVersions().isEmpty()) {
                    defaultVersion = info.addonVersions().getFirst().addonVersion();
                }
                return Optional.of(new AddonVersions(addon, defaultVersion, requires));
            }
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.map(e, "DescribeAddonVersions \"" + addon + "\"");
        }
    }

    @Override
    public List<ClusterState.PodIdentityConfiguration> podIdentityConfiguration(String addon, String version) {
        try {
            return eks.describeAddonConfiguration(r -> r.addonName(addon).addonVersion(version))
                    .podIdentityConfiguration().stream()
                    .map(c -> new ClusterState.PodIdentityConfiguration(c.serviceAccount(), c.recommendedManagedPolicies()))
                    .toList();
        } catch (SdkException e) {
            throw AwsErrors.map(e, "DescribeAddonConfiguration \"" + addon + "\" " + version);
        }
    }

    @Override
    public boolean createAddon(String cluster, AddonRequest request) {
        return created(cluster, request) != null;
    }

    @Override
    public Optional<Addon> createAddonAnswering(String cluster, AddonRequest request) {
        var a = created(cluster, request);
        return a == null ? Optional.empty() : Optional.of(new Addon(a.addonName(), a.addonArn(), a.addonVersion(),
                a.statusAsString(), a.serviceAccountRoleArn(), a.configurationValues(), a.podIdentityAssociations(),
                List.of(), a.namespaceConfig() == null ? null : a.namespaceConfig().namespace()));
    }

    /** CreateAddon's answer, or null when the add-on already exists. */
    private software.amazon.awssdk.services.eks.model.Addon created(String cluster, AddonRequest request) {
        try {
            return eks.createAddon(r -> {
                r.clusterName(cluster).addonName(request.name()).addonVersion(request.version())
                        .serviceAccountRoleArn(request.serviceAccountRoleArn())
                        .configurationValues(request.configurationValues())
                        .resolveConflicts(request.resolveConflicts());
                if (!request.tags().isEmpty()) {
                    r.tags(request.tags());
                }
                if (request.namespace() != null) {
                    r.namespaceConfig(n -> n.namespace(request.namespace()));
                }
                if (request.podIdentityAssociations() != null) {
                    r.podIdentityAssociations(identities(request.podIdentityAssociations()));
                }
            }).addon();
        } catch (SdkException e) {
            if (AwsErrors.is(e, IN_USE)) {
                return null;
            }
            throw roleOrMapped(e, "CreateAddon \"" + request.name() + "\" on \"" + cluster + "\"");
        }
    }

    @Override
    public void updateAddon(String cluster, AddonRequest request) {
        try {
            eks.updateAddon(r -> {
                r.clusterName(cluster).addonName(request.name()).addonVersion(request.version())
                        .serviceAccountRoleArn(request.serviceAccountRoleArn())
                        .configurationValues(request.configurationValues())
                        .resolveConflicts(request.resolveConflicts());
                if (request.podIdentityAssociations() != null) {
                    r.podIdentityAssociations(identities(request.podIdentityAssociations()));
                }
            });
        } catch (SdkException e) {
            throw roleOrMapped(e, "UpdateAddon \"" + request.name() + "\" on \"" + cluster + "\"");
        }
    }

    @Override
    public boolean deleteAddon(String cluster, String addon, boolean preserve) {
        try {
            eks.deleteAddon(r -> r.clusterName(cluster).addonName(addon).preserve(preserve));
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, NOT_FOUND)) {
                return false;
            }
            throw AwsErrors.map(e, "DeleteAddon \"" + addon + "\" on \"" + cluster + "\"");
        }
    }

    @Override
    public List<AssociationRef> listAssociations(String cluster, String namespace, String serviceAccount) {
        try {
            return eks.listPodIdentityAssociationsPaginator(r -> r.clusterName(cluster).namespace(namespace)
                            .serviceAccount(serviceAccount).maxResults(pageSize))
                    .associations().stream()
                    .map(s -> new AssociationRef(s.associationId(), s.associationArn(), s.namespace(),
                            s.serviceAccount(), s.ownerArn()))
                    .toList();
        } catch (SdkException e) {
            throw AwsErrors.map(e, "ListPodIdentityAssociations \"" + cluster + "\"");
        }
    }

    @Override
    public Optional<ClusterState.Association> describeAssociation(String cluster, String associationId) {
        try {
            return Optional.of(toAssociation(eks.describePodIdentityAssociation(r -> r.clusterName(cluster)
                    .associationId(associationId)).association()));
        } catch (SdkException e) {
            if (AwsErrors.is(e, NOT_FOUND)) {
                return Optional.empty();
            }
            throw AwsErrors.map(e, "DescribePodIdentityAssociation " + associationId + " on \"" + cluster + "\"");
        }
    }

    @Override
    public CreateResult createAssociation(String cluster, NewAssociation request) {
        try {
            PodIdentityAssociation created = eks.createPodIdentityAssociation(r -> {
                r.clusterName(cluster).namespace(request.namespace()).serviceAccount(request.serviceAccount())
                        .roleArn(request.roleArn()).disableSessionTags(request.disableSessionTags())
                        .policy(request.policy());
                if (request.targetRoleArn() != null && !request.targetRoleArn().isEmpty()) {
                    r.targetRoleArn(request.targetRoleArn());
                }
                if (!request.tags().isEmpty()) {
                    r.tags(request.tags());
                }
            }).association();
            return new CreateResult.Created(toAssociation(created));
        } catch (SdkException e) {
            if (AwsErrors.is(e, IN_USE)) {
                return new CreateResult.AlreadyExists(e.getMessage());
            }
            throw roleOrMapped(e, "CreatePodIdentityAssociation " + request.namespace() + "/"
                    + request.serviceAccount() + " on \"" + cluster + "\"");
        }
    }

    @Override
    public ClusterState.Association updateAssociation(String cluster, String associationId, AssociationChange change) {
        try {
            return toAssociation(eks.updatePodIdentityAssociation(r -> r.clusterName(cluster)
                    .associationId(associationId).roleArn(change.roleArn()).targetRoleArn(change.targetRoleArn())
                    .disableSessionTags(change.disableSessionTags()).policy(change.policy())).association());
        } catch (SdkException e) {
            throw roleOrMapped(e, "UpdatePodIdentityAssociation " + associationId + " on \"" + cluster + "\"");
        }
    }

    @Override
    public boolean deleteAssociation(String cluster, String associationId) {
        try {
            eks.deletePodIdentityAssociation(r -> r.clusterName(cluster).associationId(associationId));
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, NOT_FOUND)) {
                return false;
            }
            throw AwsErrors.map(e, "DeletePodIdentityAssociation " + associationId + " on \"" + cluster + "\"");
        }
    }

    private static RuntimeException roleOrMapped(SdkException e, String what) {
        if (AwsErrors.isRoleNotVisible(e)) {
            return new RoleNotVisibleException(what + ": " + AwsErrors.ROLE_NOT_VISIBLE, e);
        }
        return AwsErrors.map(e, what);
    }

    private static List<AddonPodIdentityAssociations> identities(List<AddonIdentityRef> refs) {
        return refs.stream().map(x -> AddonPodIdentityAssociations.builder().serviceAccount(x.serviceAccount())
                .roleArn(x.roleArn()).build()).toList();
    }

    private static ClusterState.Association toAssociation(PodIdentityAssociation a) {
        return new ClusterState.Association(a.associationId(), a.associationArn(), a.namespace(), a.serviceAccount(),
                a.roleArn(), emptyToNull(a.targetRoleArn()), a.disableSessionTags(), emptyToNull(a.policy()),
                a.tags(), emptyToNull(a.ownerArn()));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
