package dev.podidentity.local.eks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EKS managed add-ons the emulator knows, with the service accounts and recommended managed policies that
 * {@code DescribeAddonConfiguration} returns for versions that support pod identity.
 *
 * <p>Service accounts and policies are AWS's published values (EKS user guide "IAM roles for Amazon EKS add-ons",
 * the minimum versions from its pod identity table, and recorded {@code describe-addon-configuration} output).
 * Version strings are realistic examples, not a mirror of AWS's current catalog.
 */
public final class AddonCatalog {
    private static final String AWS_POLICY = "arn:aws:iam::aws:policy/";
    private static final List<String> CLUSTER_VERSIONS = List.of("1.32", "1.33", "1.34", "1.35");

    /** One service account the add-on runs as, and the managed policies AWS recommends for it. */
    public record PodIdentitySlot(String serviceAccount, List<String> recommendedManagedPolicies) {
    }

    /** A version; {@code podIdentity} says whether it accepts pod identity associations. */
    public record Version(String version, boolean podIdentity) {
    }

    /** Versions newest first; the first is the default. */
    public record Addon(String name, String type, String namespace, boolean requiresIamPermissions,
                        List<Version> versions, List<PodIdentitySlot> podIdentity) {
        public String defaultVersion() {
            return versions.getFirst().version();
        }

        public Optional<Version> version(String version) {
            return versions.stream().filter(v -> v.version().equals(version)).findFirst();
        }
    }

    private final Map<String, Addon> addons = new LinkedHashMap<>();

    public static AddonCatalog standard() {
        AddonCatalog catalog = new AddonCatalog();
        catalog.add(new Addon("vpc-cni", "networking", "kube-system", true,
                List.of(v("v1.21.1-eksbuild.3", true), v("v1.20.4-eksbuild.2", true), v("v1.15.1-eksbuild.1", false)),
                List.of(slot("aws-node", "AmazonEKS_CNI_Policy"))));
        catalog.add(new Addon("aws-ebs-csi-driver", "storage", "kube-system", true,
                List.of(v("v1.57.1-eksbuild.1", true), v("v1.45.0-eksbuild.2", true), v("v1.25.0-eksbuild.1", false)),
                List.of(slot("ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy"))));
        catalog.add(new Addon("aws-efs-csi-driver", "storage", "kube-system", true,
                List.of(v("v2.1.10-eksbuild.1", true), v("v2.0.4-eksbuild.1", false)),
                List.of(slot("efs-csi-controller-sa", "service-role/AmazonEFSCSIDriverPolicy"))));
        catalog.add(new Addon("aws-mountpoint-s3-csi-driver", "storage", "kube-system", true,
                List.of(v("v2.1.0-eksbuild.1", true), v("v1.15.0-eksbuild.1", false)),
                List.of(slot("s3-csi-driver-sa", "AmazonS3FullAccess"))));
        catalog.add(new Addon("adot", "observability", "opentelemetry-operator-system", true,
                List.of(v("v0.131.0-eksbuild.1", true), v("v0.92.1-eksbuild.1", false)),
                List.of(slot("adot-col-prom-metrics", "AmazonPrometheusRemoteWriteAccess", "CloudWatchAgentServerPolicy"),
                        slot("adot-col-otlp-ingest", "AWSXrayWriteOnlyAccess"),
                        slot("adot-col-container-logs", "CloudWatchAgentServerPolicy"))));
        catalog.add(new Addon("amazon-cloudwatch-observability", "observability", "amazon-cloudwatch", true,
                List.of(v("v5.3.0-eksbuild.1", true), v("v3.0.0-eksbuild.1", false)),
                List.of(slot("cloudwatch-agent", "CloudWatchAgentServerPolicy"))));
        catalog.add(new Addon("eks-pod-identity-agent", "security", "kube-system", false,
                List.of(v("v1.3.10-eksbuild.3", false), v("v1.3.4-eksbuild.1", false)), List.of()));
        catalog.add(new Addon("kube-proxy", "networking", "kube-system", false,
                List.of(v("v1.35.0-eksbuild.2", false), v("v1.33.3-eksbuild.4", false)), List.of()));
        catalog.add(new Addon("coredns", "networking", "kube-system", false,
                List.of(v("v1.13.2-eksbuild.1", false), v("v1.12.1-eksbuild.2", false)), List.of()));
        return catalog;
    }

    public void add(Addon addon) {
        addons.put(addon.name(), addon);
    }

    public Optional<Addon> find(String name) {
        return Optional.ofNullable(addons.get(name));
    }

    public List<Addon> all() {
        return List.copyOf(addons.values());
    }

    public List<String> clusterVersions() {
        return CLUSTER_VERSIONS;
    }

    private static Version v(String version, boolean podIdentity) {
        return new Version(version, podIdentity);
    }

    private static PodIdentitySlot slot(String serviceAccount, String... policies) {
        return new PodIdentitySlot(serviceAccount, java.util.Arrays.stream(policies).map(p -> AWS_POLICY + p).toList());
    }
}
