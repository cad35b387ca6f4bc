package dev.podidentity.autopilot.config;

import dev.podidentity.autopilot.config.tree.DocumentReader;
import dev.podidentity.autopilot.config.tree.Node;
import dev.podidentity.autopilot.config.tree.ReadLimits;
import dev.podidentity.autopilot.config.tree.SyntaxProblem;
import dev.podidentity.autopilot.policy.WellKnownPolicy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Loads an eksctl ClusterConfig (YAML or JSON). Sections we act on are read strictly (an unknown key is an
 * error); the rest of eksctl's schema is tolerated so that the same file serves eksctl and us.
 */
public final class ConfigLoader {

    /** eksctl's own top-level ClusterConfig fields that we do not act on: accepted, ignored. */
    static final Set<String> TOLERATED_TOP_LEVEL = Set.of(
            "kubernetesNetworkConfig", "remoteNetworkConfig", "iamIdentityMappings", "identityProviders",
            "accessConfig", "vpc", "privateCluster", "nodeGroups", "managedNodeGroups", "fargateProfiles",
            "availabilityZones", "localZones", "cloudWatch", "secretsEncryption", "status", "gitops", "karpenter",
            "outpost", "zonalShiftConfig", "capabilities", "upgradePolicy", "controlPlaneScalingConfig",
            "kubeAPIServerConfig", "kubeSchedulerConfig", "kubeControllerManagerConfig");
    static final List<String> TOP_LEVEL = List.of(
            "apiVersion", "kind", "metadata", "iam", "addons", "addonsConfig", "autoModeConfig");

    static final List<String> METADATA = List.of("name", "region", "tags", "annotations");
    static final Set<String> METADATA_TOLERATED = Set.of("version", "accountID", "forceUpdateEndpoints",
            "forceUpdateVersion", "rollbackConfig");

    static final List<String> IAM = List.of("withOIDC", "podIdentityAssociations", "serviceAccounts");
    static final Set<String> IAM_TOLERATED = Set.of("serviceRoleARN", "serviceRolePermissionsBoundary",
            "fargatePodExecutionRoleARN", "fargatePodExecutionRolePermissionsBoundary", "vpcResourceControllerPolicy");

    static final List<String> ASSOCIATION = List.of("namespace", "serviceAccountName", "createServiceAccount",
            "roleARN", "roleName", "permissionPolicy", "permissionPolicyName", "permissionPolicyARNs",
            "wellKnownPolicies", "permissionsBoundaryARN", "tags", "targetRoleARN", "disableSessionTags", "policy");

    static final List<String> ADDON = List.of("name", "version", "tags", "resolveConflicts", "configurationValues",
            "serviceAccountRoleARN", "attachPolicyARNs", "attachPolicy", "wellKnownPolicies", "permissionsBoundary",
            "podIdentityAssociations", "useDefaultPodIdentityAssociations", "namespaceConfig");
    static final Set<String> ADDON_TOLERATED = Set.of("publishers", "types", "owners", "force");

    static final List<String> IRSA = List.of("metadata", "attachPolicyARNs", "wellKnownPolicies", "attachPolicy",
            "attachRoleARN", "permissionsBoundary", "roleName", "roleOnly", "tags");
    static final Set<String> IRSA_TOLERATED = Set.of("status", "subjectPattern");
    static final List<String> IRSA_METADATA = List.of("name", "namespace");
    static final Set<String> IRSA_METADATA_TOLERATED = Set.of("labels", "annotations");

    /** eksctl's wellKnownPolicies keys, in eksctl's order. */
    static final List<String> WELL_KNOWN_POLICY_KEYS =
            Arrays.stream(WellKnownPolicy.values()).map(WellKnownPolicy::yamlKey).toList();

    private final ReadLimits limits;

    public ConfigLoader(ReadLimits limits) {
        this.limits = limits;
    }

    public static ConfigLoader withDefaults() {
        return new ConfigLoader(ReadLimits.DEFAULT);
    }

    public LoadResult load(String text, String fileName) {
        return load(text.getBytes(StandardCharsets.UTF_8), fileName);
    }

    /** Never throws for bad input: every problem comes back in the result, with a position. */
    public LoadResult load(byte[] bytes, String fileName) {
        Node root;
        try {
            root = DocumentReader.read(bytes, fileName, limits);
        } catch (SyntaxProblem e) {
            return new LoadResult(null, List.of(Problem.error("", e.position(), e.getMessage())));
        }
        Binding b = new Binding();
        ClusterConfig config = bindRoot(b, root);
        SourceMap source = new SourceMap(b.positions);
        if (config != null) {
            config = new ClusterConfig(config.apiVersion(), config.kind(), config.metadata(), config.iam(),
                    config.addons(), config.addonsConfig(), config.autoModeConfig(), config.ipFamily(), source);
        }
        List<Problem> problems = new ArrayList<>(b.problems);
        problems.sort(Problem.BY_POSITION);
        return new LoadResult(config, problems);
    }

    private ClusterConfig bindRoot(Binding b, Node root) {
        if (!(root instanceof Node.Mapping)) {
            b.error("", root.position(), "expected an eksctl ClusterConfig (a mapping with apiVersion, kind and "
                    + "metadata), got " + root.kind());
            return null;
        }
        Binding.Fields f = b.fields(root, "");
        String apiVersion = f.string("apiVersion");
        String kind = f.string("kind");
        Metadata metadata = bindMetadata(b, f.node("metadata"));
        Iam iam = bindIam(b, f.node("iam"));
        List<Addon> addons = f.list("addons", (af, i) -> bindAddon(af));
        AddonsConfig addonsConfig = null;
        Node ac = f.node("addonsConfig");
        if (ac != null) {
            Binding.Fields acf = b.fields(ac, "addonsConfig");
            if (acf != null) {
                addonsConfig = new AddonsConfig(acf.bool("autoApplyPodIdentityAssociations"),
                        acf.bool("disableDefaultAddons"));
                acf.rejectUnknown(Set.of(), List.of("autoApplyPodIdentityAssociations", "disableDefaultAddons"));
            }
        }
        AutoModeConfig autoMode = null;
        Node am = f.node("autoModeConfig");
        if (am != null) {
            Binding.Fields amf = b.fields(am, "autoModeConfig");
            if (amf != null) {
                autoMode = new AutoModeConfig(amf.bool("enabled"));
                amf.rejectUnknown(Set.of("nodePools", "nodeRoleARN", "permissionsBoundaryARN"), List.of("enabled"));
            }
        }
        String ipFamily = readIpFamily(f.node("kubernetesNetworkConfig"));
        f.warnUnknown(TOLERATED_TOP_LEVEL, TOP_LEVEL);
        return new ClusterConfig(apiVersion, kind, metadata, iam == null ? Iam.empty() : iam, addons, addonsConfig,
                autoMode, ipFamily, SourceMap.empty());
    }

    /** Only ipFamily matters to us (eksctl's IPv6 rule for vpc-cni); the section is otherwise eksctl's. */
    private static String readIpFamily(Node network) {
        if (network instanceof Node.Mapping m) {
            Node.Entry e = m.entries().get("ipFamily");
            if (e != null && e.value() instanceof Node.Scalar s && s.value() instanceof String str) {
                return str;
            }
        }
        return null;
    }

    private Metadata bindMetadata(Binding b, Node node) {
        if (node == null) {
            return null;
        }
        Binding.Fields f = b.fields(node, "metadata");
        if (f == null) {
            return null;
        }
        Metadata m = new Metadata(f.string("name"), f.string("region"), f.stringMap("tags"),
                f.stringMap("annotations"));
        f.rejectUnknown(METADATA_TOLERATED, concat(METADATA, METADATA_TOLERATED));
        return m;
    }

    private Iam bindIam(Binding b, Node node) {
        if (node == null) {
            return null;
        }
        Binding.Fields f = b.fields(node, "iam");
        if (f == null) {
            return null;
        }
        Boolean withOidc = f.bool("withOIDC");
        List<PodIdentityAssociationSpec> pias = f.list("podIdentityAssociations", (pf, i) -> bindAssociation(pf));
        List<IrsaServiceAccount> sas = f.list("serviceAccounts", (sf, i) -> bindIrsa(b, sf));
        f.rejectUnknown(IAM_TOLERATED, concat(IAM, IAM_TOLERATED));
        return new Iam(withOidc, pias, sas);
    }

    static PodIdentityAssociationSpec bindAssociation(Binding.Fields f) {
        PodIdentityAssociationSpec spec = new PodIdentityAssociationSpec(
                f.string("namespace"),
                f.string("serviceAccountName"),
                f.bool("createServiceAccount"),
                f.string("roleARN"),
                f.string("roleName"),
                f.document("permissionPolicy"),
                f.string("permissionPolicyName"),
                f.strings("permissionPolicyARNs"),
                f.flags("wellKnownPolicies", WELL_KNOWN_POLICY_KEYS),
                f.string("permissionsBoundaryARN"),
                f.stringMap("tags"),
                f.string("targetRoleARN"),
                f.bool("disableSessionTags"),
                f.string("policy"));
        f.rejectUnknown(Set.of(), ASSOCIATION);
        return spec;
    }

    private static Addon bindAddon(Binding.Fields f) {
        Addon addon = new Addon(
                f.string("name"),
                f.string("version"),
                f.stringMap("tags"),
                f.string("resolveConflicts"),
                f.string("configurationValues"),
                f.string("serviceAccountRoleARN"),
                f.strings("attachPolicyARNs"),
                f.document("attachPolicy"),
                f.flags("wellKnownPolicies", WELL_KNOWN_POLICY_KEYS),
                f.string("permissionsBoundary"),
                f.list("podIdentityAssociations", (pf, i) -> bindAssociation(pf)),
                f.bool("useDefaultPodIdentityAssociations"),
                bindNamespaceConfig(f));
        f.rejectUnknown(ADDON_TOLERATED, concat(ADDON, ADDON_TOLERATED));
        return addon;
    }

    /** {@code namespaceConfig: {namespace: ...}} (eksctl's AddonNamespaceConfig, which has only that field). */
    private static String bindNamespaceConfig(Binding.Fields addon) {
        Binding.Fields nc = addon.child("namespaceConfig");
        if (nc == null) {
            return null;
        }
        String namespace = nc.string("namespace");
        nc.rejectUnknown(Set.of(), List.of("namespace"));
        return namespace;
    }

    private IrsaServiceAccount bindIrsa(Binding b, Binding.Fields f) {
        String name = null;
        String namespace = null;
        Node meta = f.node("metadata");
        if (meta != null) {
            Binding.Fields mf = b.fields(meta, Binding.join(f.path(), "metadata"));
            if (mf != null) {
                name = mf.string("name");
                namespace = mf.string("namespace");
                mf.rejectUnknown(IRSA_METADATA_TOLERATED, concat(IRSA_METADATA, IRSA_METADATA_TOLERATED));
            }
        }
        IrsaServiceAccount sa = new IrsaServiceAccount(name, namespace,
                f.strings("attachPolicyARNs"),
                f.flags("wellKnownPolicies", WELL_KNOWN_POLICY_KEYS),
                f.document("attachPolicy"),
                f.string("attachRoleARN"),
                f.string("permissionsBoundary"),
                f.string("roleName"),
                f.bool("roleOnly"),
                f.stringMap("tags"));
        f.rejectUnknown(IRSA_TOLERATED, concat(IRSA, IRSA_TOLERATED));
        return sa;
    }

    private static List<String> concat(List<String> a, Set<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
