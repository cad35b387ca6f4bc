package dev.podidentity.autopilot.validate;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.Addon;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigurationValues;
import dev.podidentity.autopilot.config.IrsaServiceAccount;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.config.SourceMap;
import dev.podidentity.autopilot.naming.ArnResult;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.naming.RoleNames;
import dev.podidentity.autopilot.policy.PolicyDocument;
import dev.podidentity.autopilot.policy.PolicyFormatException;
import dev.podidentity.autopilot.policy.PolicyLimit;
import dev.podidentity.autopilot.policy.PolicySize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The rules a config file must satisfy before anything is planned: eksctl's (with eksctl's wording, so people
 * who know eksctl recognise them) and the ones eksctl misses (duplicates, IRSA/pod identity overlap, session
 * policy without disabled session tags, malformed names). Every problem is reported, not just the first.
 *
 * <p>eksctl's rules differ by action: create needs a role source per association, update and delete only name
 * the association.
 */
public final class ConfigValidator {
    /** EKS's per-cluster quota on pod identity associations (not adjustable). */
    public static final int DEFAULT_MAX_ASSOCIATIONS = 5_000;

    private static final Pattern CLUSTER_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern HAS_ALNUM = Pattern.compile(".*[A-Za-z0-9].*");
    /** eksctl's addon namespaceConfig rule (a DNS-1123 label starting with a letter). */
    private static final Pattern ADDON_NAMESPACE = Pattern.compile("[a-z]([a-z0-9-]*[a-z0-9])?");

    private final ClusterConfig config;
    private final Action action;
    private final SourceMap source;
    private final int maxAssociations;
    private final List<Problem> problems = new ArrayList<>();

    private ConfigValidator(ClusterConfig config, Action action, int maxAssociations) {
        this.config = config;
        this.action = action;
        this.source = config.source();
        this.maxAssociations = maxAssociations;
    }

    public static List<Problem> validate(ClusterConfig config, Action action) {
        return validate(config, action, DEFAULT_MAX_ASSOCIATIONS);
    }

    public static List<Problem> validate(ClusterConfig config, Action action, int maxAssociations) {
        ConfigValidator v = new ConfigValidator(config, action, maxAssociations);
        v.run();
        v.problems.sort(Problem.BY_POSITION);
        return List.copyOf(v.problems);
    }

    private void error(String path, String message) {
        problems.add(Problem.error(path, source.positionOf(path), message));
    }

    private void warn(String path, String message) {
        problems.add(Problem.warning(path, source.positionOf(path), message));
    }

    private void run() {
        checkDocument();
        checkAssociations();
        checkIrsa();
        checkAddons();
        checkIpv6VpcCni();
    }

    private void checkDocument() {
        if (isEmpty(config.apiVersion())) {
            error("apiVersion", "apiVersion must be set to \"" + ClusterConfig.API_VERSION + "\"");
        } else if (!ClusterConfig.API_VERSION.equals(config.apiVersion())) {
            error("apiVersion", "apiVersion \"" + config.apiVersion() + "\" is not supported; expected \""
                    + ClusterConfig.API_VERSION + "\"");
        }
        if (isEmpty(config.kind())) {
            error("kind", "kind must be set to \"" + ClusterConfig.KIND + "\"");
        } else if (!ClusterConfig.KIND.equals(config.kind())) {
            error("kind", "kind \"" + config.kind() + "\" is not supported; expected \"" + ClusterConfig.KIND + "\"");
        }
        var metadata = config.metadata();
        if (metadata == null || isEmpty(metadata.name())) {
            error("metadata.name", "metadata.name must be set");
        } else if (!CLUSTER_NAME.matcher(metadata.name()).matches()) {
            error("metadata.name", "\"" + metadata.name() + "\" is not a valid EKS cluster name: 1-100 letters, "
                    + "digits, '-' and '_', starting with a letter or digit");
        }
        if (metadata != null && !isEmpty(metadata.region()) && !REGION.matcher(metadata.region()).matches()) {
            error("metadata.region", "\"" + metadata.region() + "\" is not an AWS region name (e.g. us-west-2)");
        }
        if (metadata != null) {
            checkTags("metadata.tags", metadata.tags());
        }
    }

    private void checkAssociations() {
        List<PodIdentityAssociationSpec> pias = config.iam().podIdentityAssociations();
        String listPath = "iam.podIdentityAssociations";
        boolean standaloneAction = action == Action.CREATE || action == Action.UPDATE || action == Action.DELETE;
        if (standaloneAction && pias.isEmpty()) {
            error(listPath, "no iam.podIdentityAssociations specified in the config file");
        }
        if (pias.size() > maxAssociations) {
            error(listPath, String.format("%,d associations declared; EKS allows at most %,d per cluster",
                    pias.size(), maxAssociations));
        }
        if (action == Action.GET) {
            checkGetFilters(listPath, pias);
            return;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < pias.size(); i++) {
            String p = listPath + "[" + i + "]";
            PodIdentityAssociationSpec pia = pias.get(i);
            checkNames(p, pia);
            if (!isEmpty(pia.namespace()) && !isEmpty(pia.serviceAccountName())) {
                Integer first = seen.putIfAbsent(pia.key(), i);
                if (first != null) {
                    error(p, "duplicates " + listPath + "[" + first + "] (\"" + pia.key() + "\"); EKS allows one "
                            + "pod identity association per service account");
                }
            }
            checkPolicyName(p, pia, "");
            if (action == Action.DELETE) {
                continue;
            }
            if (action.createsAssociations()) {
                checkRoleSource(p, pia, "");
                if (pia.hasRoleArn()) {
                    if (!isEmpty(pia.roleName())) {
                        warn(p + ".roleName", "ignored because " + p + ".roleARN is set");
                    }
                    if (!isEmpty(pia.permissionsBoundaryARN())) {
                        warn(p + ".permissionsBoundaryARN", "ignored because " + p + ".roleARN is set");
                    }
                }
            }
            checkSessionPolicy(p, pia);
            checkFormats(p, pia);
        }
    }

    /** ARNs, names, tags and policy documents that IAM or EKS would refuse later, refused now with their line. */
    private void checkFormats(String p, PodIdentityAssociationSpec pia) {
        checkArn(p + ".roleARN", pia.roleARN(), Arns::role);
        checkArn(p + ".targetRoleARN", pia.targetRoleARN(), Arns::role);
        checkArns(p + ".permissionPolicyARNs", pia.permissionPolicyARNs());
        checkArn(p + ".permissionsBoundaryARN", pia.permissionsBoundaryARN(), Arns::policy);
        checkRoleName(p + ".roleName", pia.roleName());
        checkTags(p + ".tags", pia.tags());
        checkInlinePolicy(p + ".permissionPolicy", pia.permissionPolicy());
        if (!isEmpty(pia.policy())) {
            try {
                PolicyDocument.parse(pia.policy());
            } catch (PolicyFormatException e) {
                error(p + ".policy", "not a valid IAM session policy: " + describe(e));
            }
        }
    }

    private void checkArn(String path, String value, Function<String, ? extends ArnResult<?>> parser) {
        if (!isEmpty(value)) {
            parser.apply(value).problemIfInvalid().ifPresent(problem -> error(path, problem));
        }
    }

    private void checkArns(String path, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            checkArn(path + "[" + i + "]", values.get(i), Arns::policy);
        }
    }

    private void checkRoleName(String path, String name) {
        if (!isEmpty(name)) {
            for (String problem : RoleNames.validate(name)) {
                error(path, problem);
            }
        }
    }

    private void checkTags(String path, Map<String, String> tags) {
        for (String problem : OwnershipTags.problems(tags)) {
            error(path, problem);
        }
    }

    private void checkInlinePolicy(String path, Map<String, Object> document) {
        if (document == null) {
            return;
        }
        try {
            PolicyDocument doc = PolicyDocument.fromTree(document);
            PolicySize.problem(doc, PolicyLimit.ROLE_INLINE_POLICIES).ifPresent(problem -> error(path, problem));
            for (String[] problem : dev.podidentity.autopilot.policy.IdentityPolicyGrammar.problems(doc)) {
                error(path + "." + problem[0], "not a valid IAM permissions policy: " + problem[1]);
            }
        } catch (PolicyFormatException e) {
            String at = e.path() == null || e.path().isEmpty() ? path : path + "." + e.path();
            error(at, "not a valid IAM policy document: " + e.problem());
        }
    }

    private static String describe(PolicyFormatException e) {
        return e.path() == null || e.path().isEmpty() ? e.problem() : e.path() + ": " + e.problem();
    }

    /** For get, entries are filters: a namespace, optionally narrowed to one service account (eksctl's rule). */
    private void checkGetFilters(String listPath, List<PodIdentityAssociationSpec> filters) {
        for (int i = 0; i < filters.size(); i++) {
            PodIdentityAssociationSpec f = filters.get(i);
            if (isEmpty(f.namespace()) && !isEmpty(f.serviceAccountName())) {
                String p = listPath + "[" + i + "]";
                error(p + ".namespace", p + ".namespace must be set in order to specify " + p + ".serviceAccountName");
            }
        }
    }

    /** eksctl: {@code <path>.namespace must be set}; plus the Kubernetes name rules eksctl leaves to the API. */
    private void checkNames(String p, PodIdentityAssociationSpec pia) {
        if (isEmpty(pia.namespace())) {
            error(p + ".namespace", p + ".namespace must be set");
        } else {
            String bad = KubernetesNames.namespaceProblem(pia.namespace());
            if (bad != null) {
                error(p + ".namespace", bad);
            }
        }
        if (isEmpty(pia.serviceAccountName())) {
            error(p + ".serviceAccountName", p + ".serviceAccountName must be set");
        } else {
            String bad = KubernetesNames.serviceAccountProblem(pia.serviceAccountName());
            if (bad != null) {
                error(p + ".serviceAccountName", bad);
            }
        }
    }

    /** eksctl's create-time rule: a role to use, or permissions to create one with, but not both. */
    private void checkRoleSource(String p, PodIdentityAssociationSpec pia, String suffix) {
        if (!pia.hasRoleArn() && !pia.declaresPermissions()) {
            error(p, "at least one of the following must be specified: " + p + ".roleARN, " + p
                    + ".permissionPolicy, " + p + ".permissionPolicyARNs, " + p + ".wellKnownPolicies" + suffix);
            return;
        }
        if (pia.hasRoleArn()) {
            if (pia.permissionPolicy() != null) {
                error(p + ".permissionPolicy", p + ".permissionPolicy cannot be specified when " + p
                        + ".roleARN is set" + suffix);
            }
            if (!pia.permissionPolicyARNs().isEmpty()) {
                error(p + ".permissionPolicyARNs", p + ".permissionPolicyARNs cannot be specified when " + p
                        + ".roleARN is set" + suffix);
            }
            if (!pia.wellKnownPolicies().isEmpty()) {
                error(p + ".wellKnownPolicies", p + ".wellKnownPolicies cannot be specified when " + p
                        + ".roleARN is set" + suffix);
            }
        }
    }

    /** eksctl's validatePermissionPolicyName. */
    private void checkPolicyName(String p, PodIdentityAssociationSpec pia, String suffix) {
        String name = pia.permissionPolicyName();
        if (name == null) {
            return;
        }
        String path = p + ".permissionPolicyName";
        if (pia.permissionPolicy() == null) {
            error(path, p + ": permissionPolicyName requires permissionPolicy to be set" + suffix);
        } else if (!HAS_ALNUM.matcher(name).matches()) {
            error(path, p + ": permissionPolicyName \"" + name + "\" must contain at least one alphanumeric "
                    + "character" + suffix);
        }
    }

    /**
     * EKS refuses a session policy unless session tags are disabled. eksctl checks this only for create; on
     * update it only refuses an explicit false (the association may already have them disabled).
     */
    private void checkSessionPolicy(String p, PodIdentityAssociationSpec pia) {
        if (isEmpty(pia.policy())) {
            return;
        }
        boolean explicitlyFalse = Boolean.FALSE.equals(pia.disableSessionTags());
        boolean missing = pia.disableSessionTags() == null;
        if (explicitlyFalse || (missing && action != Action.UPDATE)) {
            error(p + ".disableSessionTags", p + ".disableSessionTags must be set to true when " + p
                    + ".policy is set (EKS requires session tags to be disabled for a session policy)");
        }
    }

    private void checkIrsa() {
        List<IrsaServiceAccount> sas = config.iam().serviceAccounts();
        if (sas.isEmpty()) {
            return;
        }
        if (Boolean.FALSE.equals(config.iam().withOIDC())) {
            error("iam.withOIDC", "iam.withOIDC must be enabled explicitly for iam.serviceAccounts to be created");
        }
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> pias = new HashMap<>();
        List<PodIdentityAssociationSpec> assoc = config.iam().podIdentityAssociations();
        for (int i = 0; i < assoc.size(); i++) {
            pias.putIfAbsent(assoc.get(i).key(), i);
        }
        for (int i = 0; i < sas.size(); i++) {
            String p = "iam.serviceAccounts[" + i + "]";
            IrsaServiceAccount sa = sas.get(i);
            if (isEmpty(sa.name())) {
                error(p + ".metadata.name", p + ".name must be set");
                continue;
            }
            Integer first = seen.putIfAbsent(sa.key(), i);
            if (first != null) {
                error(p, sa.key() + " of " + p + " \"" + sa.key() + "\" is not unique");
            }
            Integer pia = pias.get(sa.key());
            if (pia != null) {
                error(p, "service account \"" + sa.key() + "\" is also given a pod identity association in "
                        + "iam.podIdentityAssociations[" + pia + "]; declare it in one place (IRSA or pod identity)");
            }
            boolean hasSource = !sa.attachPolicyARNs().isEmpty() || !sa.wellKnownPolicies().isEmpty()
                    || sa.attachPolicy() != null || !isEmpty(sa.attachRoleARN());
            if (!hasSource) {
                error(p, p + ".wellKnownPolicies, " + p + ".attachPolicyARNs," + p + ".attachRoleARN  or " + p
                        + ".attachPolicy must be set");
            }
            checkArn(p + ".attachRoleARN", sa.attachRoleARN(), Arns::role);
            checkArns(p + ".attachPolicyARNs", sa.attachPolicyARNs());
            checkArn(p + ".permissionsBoundary", sa.permissionsBoundary(), Arns::policy);
            checkRoleName(p + ".roleName", sa.roleName());
            checkTags(p + ".tags", sa.tags());
            checkInlinePolicy(p + ".attachPolicy", sa.attachPolicy());
        }
    }

    private void checkAddons() {
        List<Addon> addons = config.addonsOrEmpty();
        boolean addonAction = action == Action.CREATE_ADDON || action == Action.UPDATE_ADDON
                || action == Action.DELETE_ADDON;
        if (addonAction && addons.isEmpty()) {
            error("addons", "no addons specified in the config file");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < addons.size(); i++) {
            String a = "addons[" + i + "]";
            Addon addon = addons.get(i);
            if (isEmpty(addon.name())) {
                error(a + ".name", "invalid configuration for addon " + a + ": name is required");
                continue;
            }
            Integer first = seen.putIfAbsent(addon.name(), i);
            if (first != null) {
                error(a + ".name", "addon \"" + addon.name() + "\" is already declared at addons[" + first + "]");
            }
            checkAddon(a, addon);
        }
    }

    private void checkAddon(String a, Addon addon) {
        String wrap = "invalid configuration for \"" + addon.name() + "\" addon: ";
        String suffix = " (addon: " + addon.name() + ")";
        if (addon.hasIrsa() && addon.hasPodIdentityAssociations()) {
            error(a + ".podIdentityAssociations", wrap + "cannot set IRSA config (`addon.ServiceAccountRoleARN`, "
                    + "`addon.AttachPolicyARNs`, `addon.AttachPolicy`, `addon.WellKnownPolicies`) and pod identity "
                    + "associations at the same time");
        }
        int irsaSources = (addon.wellKnownPolicies().isEmpty() ? 0 : 1)
                + (isEmpty(addon.serviceAccountRoleARN()) ? 0 : 1)
                + (addon.attachPolicyARNs().isEmpty() ? 0 : 1)
                + (addon.attachPolicy() == null ? 0 : 1);
        if (irsaSources > 1) {
            error(a, wrap + "at most one of wellKnownPolicies, serviceAccountRoleARN, attachPolicyARNs and "
                    + "attachPolicy can be specified");
        }
        if (Addon.POD_IDENTITY_AGENT.equals(addon.name()) && addon.hasPodIdentityAssociations()) {
            error(a + ".podIdentityAssociations", wrap + "cannot set pod identity associations for \""
                    + Addon.POD_IDENTITY_AGENT + "\" addon");
        }
        if (addon.useDefaults() && addon.hasPodIdentityAssociations()) {
            error(a + ".useDefaultPodIdentityAssociations", "cannot specify both "
                    + "addon.useDefaultPodIdentityAssociations and addon.podIdentityAssociations" + suffix);
        }
        if (addon.useDefaults() && addon.hasIrsa()) {
            error(a + ".useDefaultPodIdentityAssociations", "cannot specify serviceAccountRoleARN, "
                    + "wellKnownPolicies, attachPolicy or attachPolicyARNs when "
                    + "addon.useDefaultPodIdentityAssociations is set" + suffix);
        }
        if (addon.configurationValues() != null && ConfigurationValues.toJson(addon.configurationValues()).isEmpty()) {
            error(a + ".configurationValues", wrap + "configurationValues: \"" + addon.configurationValues()
                    + "\" is not valid, supported format(s) are: JSON and YAML");
        }
        if (addon.namespace() != null && !addon.namespace().isEmpty()) {
            String ns = addon.namespace();
            if (ns.length() > 63) {
                error(a + ".namespaceConfig.namespace", wrap + "namespace name \"" + ns
                        + "\" is too long (max 63 characters)");
            } else if (!ADDON_NAMESPACE.matcher(ns).matches()) {
                error(a + ".namespaceConfig.namespace", wrap + "namespace \"" + ns + "\" is not a valid Kubernetes "
                        + "namespace name (must be a valid DNS-1123 label)");
            }
        }
        checkArn(a + ".serviceAccountRoleARN", addon.serviceAccountRoleARN(), Arns::role);
        checkArns(a + ".attachPolicyARNs", addon.attachPolicyARNs());
        checkArn(a + ".permissionsBoundary", addon.permissionsBoundary(), Arns::policy);
        checkTags(a + ".tags", addon.tags());
        checkInlinePolicy(a + ".attachPolicy", addon.attachPolicy());
        List<PodIdentityAssociationSpec> pias = addon.podIdentityAssociations();
        if (pias == null) {
            return;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int j = 0; j < pias.size(); j++) {
            String rel = "podIdentityAssociations[" + j + "]";
            String p = a + "." + rel;
            PodIdentityAssociationSpec pia = pias.get(j);
            if (isEmpty(pia.namespace())) {
                error(p + ".namespace", wrap + rel + ".namespace must be set");
            } else if (KubernetesNames.namespaceProblem(pia.namespace()) != null) {
                error(p + ".namespace", KubernetesNames.namespaceProblem(pia.namespace()));
            }
            if (isEmpty(pia.serviceAccountName())) {
                error(p + ".serviceAccountName", wrap + rel + ".serviceAccountName must be set");
            } else {
                String bad = KubernetesNames.serviceAccountProblem(pia.serviceAccountName());
                if (bad != null) {
                    error(p + ".serviceAccountName", bad);
                }
                Integer first = seen.putIfAbsent(pia.serviceAccountName(), j);
                if (first != null) {
                    error(p + ".serviceAccountName", "service account \"" + pia.serviceAccountName()
                            + "\" is already given a role at " + a + ".podIdentityAssociations[" + first + "]");
                }
            }
            if (action != Action.DELETE && action != Action.DELETE_ADDON) {
                checkAddonRoleSource(p, rel, wrap, pia);
            }
            if (!pia.wellKnownPolicies().isEmpty()) {
                error(p + ".wellKnownPolicies", "wellKnownPolicies is not supported for "
                        + "addon.podIdentityAssociations; use addon.useDefaultPodIdentityAssociations instead" + suffix);
            }
            if (source.contains(p + ".tags")) {
                // eksctl refuses any tags here, {} included (its check is "not nil")
                error(p + ".tags", "tags is not supported for addon.podIdentityAssociations" + suffix);
            }
            checkPolicyName(p, pia, suffix);
            checkFormats(p, pia);
            for (String field : new String[] {"targetRoleARN", "policy", "disableSessionTags", "createServiceAccount"}) {
                if (source.contains(p + "." + field)) {
                    warn(p + "." + field, "ignored: the EKS addons API sets only the role and service account of "
                            + "an addon's pod identity association");
                }
            }
        }
    }

    /** Addon.Validate's role-source rules, with eksctl's relative paths inside its message. */
    private void checkAddonRoleSource(String p, String rel, String wrap, PodIdentityAssociationSpec pia) {
        if (!pia.hasRoleArn() && !pia.declaresPermissions()) {
            error(p, wrap + "at least one of the following must be specified: " + rel + ".roleARN, " + rel
                    + ".permissionPolicy, " + rel + ".permissionPolicyARNs, " + rel + ".wellKnownPolicies");
            return;
        }
        if (pia.hasRoleArn()) {
            if (pia.permissionPolicy() != null) {
                error(p + ".permissionPolicy", wrap + rel + ".permissionPolicy cannot be specified when " + rel
                        + ".roleARN is set");
            }
            if (!pia.permissionPolicyARNs().isEmpty()) {
                error(p + ".permissionPolicyARNs", wrap + rel + ".permissionPolicyARNs cannot be specified when "
                        + rel + ".roleARN is set");
            }
            if (!pia.wellKnownPolicies().isEmpty()) {
                error(p + ".wellKnownPolicies", wrap + rel + ".wellKnownPolicies cannot be specified when " + rel
                        + ".roleARN is set");
            }
        }
    }

    /**
     * eksctl's IPv6 rules (validateKubernetesNetworkConfig), which eksctl runs only when it creates the cluster:
     * here, onboarding a cluster just created. Without Auto Mode, coredns must be listed; with vpc-cni listed, an
     * absent agent addon needs iam.withOIDC, and a listed agent means vpc-cni gets pod identity.
     */
    private void checkIpv6VpcCni() {
        if (action != Action.ONBOARD || !"IPv6".equalsIgnoreCase(String.valueOf(config.ipFamily()))
                || config.autoModeEnabled()) {
            return;
        }
        List<Addon> addons = config.addonsOrEmpty();
        if (addons.stream().noneMatch(a -> "coredns".equals(a.name()))) {
            error("kubernetesNetworkConfig", "the default core addons must be defined for IPv6; missing "
                    + "addon(s): coredns; either define them or use EKS Auto Mode");
        }
        boolean agentListed = addons.stream().anyMatch(a -> Addon.POD_IDENTITY_AGENT.equals(a.name()));
        for (int i = 0; i < addons.size(); i++) {
            Addon addon = addons.get(i);
            if (!"vpc-cni".equals(addon.name())) {
                continue;
            }
            if (!agentListed && !Boolean.TRUE.equals(config.iam().withOIDC())) {
                error("addons[" + i + "]", "either pod identity or oidc needs to be enabled if IPv6 is set; set "
                        + "either one or use EKS Auto Mode");
            } else if (agentListed && !config.autoApplyPodIdentityAssociations() && !addon.useDefaults()
                    && !addon.hasPodIdentityAssociations()) {
                error("addons[" + i + "]", "Set one of: addonsConfig.autoApplyPodIdentityAssociations, "
                        + "useDefaultPodIdentityAssociations on the vpc-cni addon, apply a custom pod identity on "
                        + "the vpc-cni addon");
            }
            return;
        }
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
