package dev.podidentity.autopilot.validate;

import dev.podidentity.autopilot.Action;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * eksctl's validation tables for addons, pod identity and IRSA (eksctl-io/eksctl, pkg/apis/eksctl.io/v1alpha5:
 * addon_test.go and validation_test.go), as our own tables: the same cases and eksctl's messages, checked the way
 * eksctl checks them (its tests match a substring of the error). Each case is a config file fragment, because
 * that is what our users write. Where we judge differently on purpose, the case says so and
 * docs/eksctl-differences.md explains why.
 */
class EksctlValidationTablesTest {
    static final String HEADER = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c}\n";
    static final String ROLE = "arn:aws:iam::111122223333:role/role-name-1";
    static final String POLICY = "{Version: '2012-10-17', Statement: [{Effect: Allow, Action: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances'], Resource: '*'}]}";

    static List<String> errors(String body, Action action) {
        return ConfigValidatorTest.errors(HEADER + body, action);
    }

    /** eksctl's assertion: no error, or one whose text contains {@code expected}. */
    static void judge(String body, Action action, String expected, String... alsoInTheSameError) {
        List<String> errors = errors(body, action);
        if (expected == null) {
            assertEquals(List.of(), errors);
        } else {
            assertTrue(errors.stream().anyMatch(e -> e.contains(expected)
                            && java.util.Arrays.stream(alsoInTheSameError).allMatch(e::contains)),
                    () -> "expected an error containing\n  " + expected + "\ngot\n  " + String.join("\n  ", errors));
        }
    }

    static String addon(String fields) {
        return "addons:\n  - {" + fields + "}\n";
    }

    /** A YAML double-quoted scalar (JSON escapes are YAML escapes). */
    static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r") + "\"";
    }

    // ---- addon_test.go: "when configurationValues is in invalid format" / "... valid format" ----

    static Stream<Arguments> configurationValues() {
        String invalid = "is not valid, supported format(s) are: JSON and YAML";
        return Stream.of(
                Arguments.of("non-empty string", "this a string not an object", invalid),
                Arguments.of("invalid yaml", "\"replicaCount: 1", invalid),
                Arguments.of("empty string", "", null),
                Arguments.of("empty json", "{}", null),
                Arguments.of("non-empty json", "{\"replicaCount\":3}", null),
                Arguments.of("non-empty yaml", "replicaCount: 3", null));
    }

    @ParameterizedTest(name = "configurationValues: {0}")
    @MethodSource("configurationValues")
    void addon_configurationValues(String name, String value, String expected) {
        judge(addon("name: coredns, configurationValues: " + quoted(value)), Action.CREATE_ADDON, expected);
    }

    // ---- addon_test.go: "when namespace config is valid" / "... invalid" ----

    static Stream<Arguments> namespaces() {
        String invalid = "is not a valid Kubernetes namespace name";
        String tooLong = "is too long";
        return Stream.of(
                Arguments.of("empty namespace string", "", null),
                Arguments.of("valid namespace name", "kube-system", null),
                Arguments.of("valid namespace with numbers", "app-v2", null),
                Arguments.of("valid single character namespace", "a", null),
                Arguments.of("valid namespace with hyphens", "my-app-namespace", null),
                Arguments.of("valid namespace starting with letter", "system", null),
                Arguments.of("valid namespace ending with number", "app1", null),
                Arguments.of("valid namespace with multiple hyphens", "my-long-app-namespace", null),
                Arguments.of("valid two character namespace", "ab", null),
                Arguments.of("valid namespace with alternating letters and numbers", "a1b2c3", null),
                Arguments.of("valid namespace at maximum length", "a" + "1234567890".repeat(6) + "12", null),
                Arguments.of("namespace starting with hyphen", "-invalid", invalid),
                Arguments.of("namespace ending with hyphen", "invalid-", invalid),
                Arguments.of("namespace with uppercase letters", "Invalid", invalid),
                Arguments.of("namespace with special characters", "invalid_namespace", invalid),
                Arguments.of("namespace with dots", "invalid.namespace", invalid),
                Arguments.of("namespace starting with number followed by hyphen", "1-invalid", invalid),
                Arguments.of("namespace too long", "this-is-a-very-long-namespace-name-that-exceeds-the-maximum-length-allowed-for-kubernetes-namespaces", tooLong),
                Arguments.of("namespace starting with number", "1invalid", invalid),
                Arguments.of("namespace with spaces", "invalid namespace", invalid),
                Arguments.of("namespace with forward slash", "invalid/namespace", invalid),
                Arguments.of("namespace with backslash", "invalid\\namespace", invalid),
                Arguments.of("namespace with colon", "invalid:namespace", invalid),
                Arguments.of("namespace with semicolon", "invalid;namespace", invalid),
                Arguments.of("namespace with at symbol", "invalid@namespace", invalid),
                Arguments.of("namespace with hash symbol", "invalid#namespace", invalid),
                Arguments.of("namespace with percent symbol", "invalid%namespace", invalid),
                Arguments.of("namespace with ampersand", "invalid&namespace", invalid),
                Arguments.of("namespace with asterisk", "invalid*namespace", invalid),
                Arguments.of("namespace with plus sign", "invalid+namespace", invalid),
                Arguments.of("namespace with equals sign", "invalid=namespace", invalid),
                Arguments.of("namespace with question mark", "invalid?namespace", invalid),
                Arguments.of("namespace with exclamation mark", "invalid!namespace", invalid),
                Arguments.of("namespace with parentheses", "invalid(namespace)", invalid),
                Arguments.of("namespace with brackets", "invalid[namespace]", invalid),
                Arguments.of("namespace with braces", "invalid{namespace}", invalid),
                Arguments.of("namespace with pipe symbol", "invalid|namespace", invalid),
                Arguments.of("namespace with tilde", "invalid~namespace", invalid),
                Arguments.of("namespace with backtick", "invalid`namespace", invalid),
                Arguments.of("namespace with single quote", "invalid'namespace", invalid),
                Arguments.of("namespace with double quote", "invalid\"namespace", invalid),
                Arguments.of("namespace with comma", "invalid,namespace", invalid),
                Arguments.of("namespace with less than", "invalid<namespace", invalid),
                Arguments.of("namespace with greater than", "invalid>namespace", invalid),
                Arguments.of("namespace with tab character", "invalid\tnamespace", invalid),
                Arguments.of("namespace with newline character", "invalid\nnamespace", invalid),
                Arguments.of("namespace with carriage return", "invalid\rnamespace", invalid),
                Arguments.of("namespace exactly 64 characters", "a" + "1234567890".repeat(6) + "1234", tooLong),
                Arguments.of("namespace much longer than limit", "this-is-an-extremely-long-namespace-name-that-definitely-exceeds-the-sixty-three-character-limit-for-kubernetes-namespace-names-and-should-fail-validation", tooLong));
    }

    @ParameterizedTest(name = "namespaceConfig: {0}")
    @MethodSource("namespaces")
    void addon_namespaceConfig(String name, String namespace, String expected) {
        judge(addon("name: my-test-addon, namespaceConfig: {namespace: " + quoted(namespace) + "}"),
                Action.CREATE_ADDON, expected, "invalid configuration for \"my-test-addon\" addon: namespace");
    }

    // ---- addon_test.go: "nil namespace config", "empty namespace config" ----

    @ParameterizedTest(name = "namespaceConfig absent or empty: {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"name: coredns", "name: coredns, namespaceConfig: {}"})
    void addon_namespaceConfig_absentOrEmpty(String fields) {
        judge(addon(fields), Action.CREATE_ADDON, null);
    }

    // ---- addon_test.go: "specifying more than one of serviceAccountRoleARN, attachPolicyARNs, attachPolicy, wellKnownPolicies" ----

    static Stream<Arguments> irsaSources() {
        return Stream.of(
                Arguments.of("serviceAccountRoleARN: " + ROLE + ", attachPolicyARNs: [arn:aws:iam::aws:policy/A]"),
                Arguments.of("attachPolicy: " + POLICY + ", attachPolicyARNs: [arn:aws:iam::aws:policy/A]"),
                Arguments.of("serviceAccountRoleARN: " + ROLE + ", attachPolicy: " + POLICY),
                Arguments.of("wellKnownPolicies: {autoScaler: true}, attachPolicy: " + POLICY));
    }

    @ParameterizedTest(name = "more than one IRSA source: {0}")
    @MethodSource("irsaSources")
    void addon_atMostOneIrsaSource(String fields) {
        judge(addon("name: name, version: version, " + fields), Action.CREATE_ADDON,
                "at most one of wellKnownPolicies, serviceAccountRoleARN, attachPolicyARNs and attachPolicy can be specified");
    }

    // ---- addon_test.go: DescribeTable "pod identity associations" ----

    static Stream<Arguments> addonPodIdentity() {
        String irsaAndPodId = "cannot set IRSA config (`addon.ServiceAccountRoleARN`, `addon.AttachPolicyARNs`, "
                + "`addon.AttachPolicy`, `addon.WellKnownPolicies`) and pod identity associations at the same time";
        String p = "podIdentityAssociations[0]";
        String pia = "{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + "}";
        return Stream.of(
                Arguments.of("setting podIDs for eks-pod-identity-agent addon",
                        "name: eks-pod-identity-agent, podIdentityAssociations: [" + pia + "]",
                        "cannot set pod identity associations for \"eks-pod-identity-agent\" addon"),
                Arguments.of("namespace is not set", "name: name, podIdentityAssociations: [{}]",
                        p + ".namespace must be set"),
                Arguments.of("service account name is not set",
                        "name: name, podIdentityAssociations: [{namespace: kube-system}]",
                        p + ".serviceAccountName must be set"),
                Arguments.of("no IAM role or policies are set",
                        "name: name, podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node}]",
                        "at least one of the following must be specified: " + p + ".roleARN, " + p
                                + ".permissionPolicy, " + p + ".permissionPolicyARNs, " + p + ".wellKnownPolicies"),
                Arguments.of("IAM role and permissionPolicy are set at the same time",
                        "name: name, podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, "
                                + "roleARN: " + ROLE + ", permissionPolicy: " + POLICY + "}]",
                        p + ".permissionPolicy cannot be specified when " + p + ".roleARN is set"),
                Arguments.of("IAM role and permissionPolicyARNs are set at the same time",
                        "name: name, podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, "
                                + "roleARN: " + ROLE + ", permissionPolicyARNs: [arn:aws:iam::111122223333:policy/policy-name-1]}]",
                        p + ".permissionPolicyARNs cannot be specified when " + p + ".roleARN is set"),
                Arguments.of("IAM role and wellKnownPolicies are set at the same time",
                        "name: name, podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, "
                                + "roleARN: " + ROLE + ", wellKnownPolicies: {ebsCSIController: true}}]",
                        p + ".wellKnownPolicies cannot be specified when " + p + ".roleARN is set"),
                Arguments.of("podIDs and ServiceAccountRoleARN are set at the same time",
                        "name: name, serviceAccountRoleARN: " + ROLE + ", podIdentityAssociations: [" + pia + "]",
                        irsaAndPodId),
                Arguments.of("podIDs and AttachPolicyARNs are set at the same time",
                        "name: name, attachPolicyARNs: [arn:aws:iam::111122223333:policy/policy-name-1], "
                                + "podIdentityAssociations: [" + pia + "]", irsaAndPodId),
                Arguments.of("podIDs and AttachPolicy are set at the same time",
                        "name: name, attachPolicy: " + POLICY + ", podIdentityAssociations: [" + pia + "]",
                        irsaAndPodId),
                Arguments.of("podIDs and WellKnownPolicies are set at the same time",
                        "name: name, wellKnownPolicies: {ebsCSIController: true}, podIdentityAssociations: [" + pia + "]",
                        irsaAndPodId));
    }

    @ParameterizedTest(name = "addon pod identity: {0}")
    @MethodSource("addonPodIdentity")
    void addon_podIdentityAssociations(String name, String fields, String expected) {
        judge(addon(fields), Action.CREATE_ADDON, expected);
    }

    // ---- validation_test.go: DescribeTable "addon pod identity association" ----

    static Stream<Arguments> clusterAddonPodIdentity() {
        // eksctl's entries leave out the namespace: its cluster-level check runs apart from Addon.Validate,
        // ours runs every rule at once, so those entries get their namespace here (see the difference list).
        String sa = "namespace: kube-system, serviceAccountName: aws-node";
        return Stream.of(
                Arguments.of("wellKnownPolicies specified",
                        "name: vpc-cni, podIdentityAssociations: [{" + sa + ", wellKnownPolicies: {autoScaler: true}}]",
                        "wellKnownPolicies is not supported for addon.podIdentityAssociations; use "
                                + "addon.useDefaultPodIdentityAssociations instead (addon: vpc-cni)"),
                Arguments.of("tags specified",
                        "name: vpc-cni, podIdentityAssociations: [{" + sa + ", roleARN: " + ROLE + ", tags: {}}]",
                        "tags is not supported for addon.podIdentityAssociations (addon: vpc-cni)"),
                Arguments.of("pod identity associations specified with useDefaultPodIdentityAssociations",
                        "name: vpc-cni, useDefaultPodIdentityAssociations: true, podIdentityAssociations: [{" + sa
                                + ", permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy]}]",
                        "cannot specify both addon.useDefaultPodIdentityAssociations and "
                                + "addon.podIdentityAssociations (addon: vpc-cni)"),
                Arguments.of("IRSA fields specified with useDefaultPodIdentityAssociations",
                        "name: vpc-cni, serviceAccountRoleARN: " + ROLE + ", useDefaultPodIdentityAssociations: true",
                        "cannot specify serviceAccountRoleARN, wellKnownPolicies, attachPolicy or attachPolicyARNs "
                                + "when addon.useDefaultPodIdentityAssociations is set (addon: vpc-cni)"),
                Arguments.of("IRSA fields specified", "name: vpc-cni, serviceAccountRoleARN: " + ROLE, null),
                Arguments.of("permissionPolicyName without permissionPolicy",
                        "name: vpc-cni, podIdentityAssociations: [{" + sa + ", roleARN: " + ROLE
                                + ", permissionPolicyName: my-policy}]",
                        "permissionPolicyName requires permissionPolicy to be set"),
                Arguments.of("permissionPolicyName with only special characters",
                        "name: vpc-cni, podIdentityAssociations: [{" + sa + ", permissionPolicyName: '---!!!', "
                                + "permissionPolicy: " + POLICY + "}]",
                        "permissionPolicyName \"---!!!\" must contain at least one alphanumeric character"),
                Arguments.of("valid permissionPolicyName with permissionPolicy",
                        "name: vpc-cni, podIdentityAssociations: [{" + sa + ", permissionPolicyName: my-policy, "
                                + "permissionPolicy: " + POLICY + "}]", null));
    }

    @ParameterizedTest(name = "cluster addon pod identity: {0}")
    @MethodSource("clusterAddonPodIdentity")
    void cluster_addonPodIdentityAssociation(String name, String fields, String expected) {
        judge(addon(fields), Action.APPLY, expected);
    }

    // ---- validation_test.go: DescribeTable "iam pod identity association permissionPolicyName" (+ delete) ----

    static Stream<Arguments> iamPermissionPolicyName() {
        String sa = "namespace: kube-system, serviceAccountName: aws-node";
        return Stream.of(
                Arguments.of("permissionPolicyName without permissionPolicy", Action.APPLY,
                        "{" + sa + ", roleARN: " + ROLE + ", permissionPolicyName: my-policy}",
                        "permissionPolicyName requires permissionPolicy to be set"),
                Arguments.of("permissionPolicyName with only special characters", Action.APPLY,
                        "{" + sa + ", permissionPolicyName: '---!!!', permissionPolicy: " + POLICY + "}",
                        "permissionPolicyName \"---!!!\" must contain at least one alphanumeric character"),
                Arguments.of("valid permissionPolicyName", Action.APPLY,
                        "{" + sa + ", permissionPolicyName: my-policy, permissionPolicy: " + POLICY + "}", null),
                // eksctl validates the cluster config for every command, delete included
                Arguments.of("permissionPolicyName without permissionPolicy, on delete", Action.DELETE,
                        "{" + sa + ", permissionPolicyName: my-policy}",
                        "permissionPolicyName requires permissionPolicy to be set"));
    }

    @ParameterizedTest(name = "iam permissionPolicyName: {0}")
    @MethodSource("iamPermissionPolicyName")
    void iam_permissionPolicyName(String name, Action action, String entry, String expected) {
        judge("iam:\n  podIdentityAssociations: [" + entry + "]\n", action, expected);
    }

    // ---- validation_test.go: "ipFamily is set to IPv6" (run at cluster creation: onboard here) ----

    static Stream<Arguments> ipv6() {
        String ipv6 = "kubernetesNetworkConfig: {ipFamily: IPv6}\n";
        String core = "  - {name: kube-proxy}\n  - {name: coredns}\n";
        String oidcOff = "iam: {withOIDC: false}\n";
        String either = "either pod identity or oidc needs to be enabled if IPv6 is set; set either one or use EKS Auto Mode";
        String setOne = "Set one of: addonsConfig.autoApplyPodIdentityAssociations, useDefaultPodIdentityAssociations "
                + "on the vpc-cni addon, apply a custom pod identity on the vpc-cni addon";
        return Stream.of(
                Arguments.of("no managed addons are provided", ipv6 + "iam: {withOIDC: true}\naddons:\n  - {name: kube-proxy}\n",
                        "the default core addons must be defined for IPv6; missing addon(s): coredns"),
                Arguments.of("OIDC disabled, pod identity addon missing", ipv6 + oidcOff + "addons:\n" + core
                        + "  - {name: vpc-cni}\n", either),
                Arguments.of("OIDC disabled, agent present, autoApply set", ipv6 + oidcOff
                        + "addonsConfig: {autoApplyPodIdentityAssociations: true}\naddons:\n" + core
                        + "  - {name: eks-pod-identity-agent}\n  - {name: vpc-cni}\n", null),
                Arguments.of("OIDC disabled, agent present, vpc-cni useDefault", ipv6 + oidcOff + "addons:\n" + core
                        + "  - {name: eks-pod-identity-agent}\n  - {name: vpc-cni, useDefaultPodIdentityAssociations: true}\n", null),
                Arguments.of("OIDC disabled, agent present, vpc-cni has a pod identity", ipv6 + oidcOff + "addons:\n"
                        + core + "  - {name: eks-pod-identity-agent}\n  - {name: vpc-cni, podIdentityAssociations: "
                        + "[{namespace: test-namespace, serviceAccountName: fakeserviceaccount, roleARN: " + ROLE + "}]}\n", null),
                Arguments.of("OIDC disabled, agent present, vpc-cni without pod identity", ipv6 + oidcOff + "addons:\n"
                        + core + "  - {name: eks-pod-identity-agent}\n  - {name: vpc-cni}\n", setOne),
                Arguments.of("OIDC disabled, vpc-cni addon is not provided", ipv6 + oidcOff + "addons:\n  - {name: coredns}\n", null),
                Arguments.of("no managed addons, but auto mode", ipv6 + "iam: {withOIDC: true}\nautoModeConfig: {enabled: true}\n", null),
                Arguments.of("iam is not set", ipv6 + "addons:\n" + core + "  - {name: vpc-cni}\n", either),
                Arguments.of("iam is not set, but auto mode", ipv6 + "autoModeConfig: {enabled: true}\naddons:\n" + core
                        + "  - {name: vpc-cni}\n", null));
    }

    @ParameterizedTest(name = "IPv6: {0}")
    @MethodSource("ipv6")
    void ipv6_atClusterCreation(String name, String body, String expected) {
        judge(body, Action.ONBOARD, expected);
    }

    // ---- validation_test.go: IRSA (iam.serviceAccounts) rules, as eksctl words them ----

    static Stream<Arguments> irsa() {
        return Stream.of(
                Arguments.of("withOIDC explicitly false", "iam:\n  withOIDC: false\n  serviceAccounts:\n    - {metadata: {name: sa}, attachRoleARN: " + ROLE + "}\n",
                        "iam.withOIDC must be enabled explicitly for iam.serviceAccounts to be created"),
                Arguments.of("name not set", "iam:\n  serviceAccounts:\n    - {metadata: {namespace: ns}, attachRoleARN: " + ROLE + "}\n",
                        "iam.serviceAccounts[0].name must be set"),
                Arguments.of("not unique", "iam:\n  serviceAccounts:\n    - {metadata: {name: sa}, attachRoleARN: " + ROLE
                        + "}\n    - {metadata: {name: sa, namespace: default}, attachRoleARN: " + ROLE + "}\n",
                        "default/sa of iam.serviceAccounts[1] \"default/sa\" is not unique"),
                Arguments.of("nothing to attach", "iam:\n  serviceAccounts:\n    - {metadata: {name: sa}}\n",
                        "iam.serviceAccounts[0].wellKnownPolicies, iam.serviceAccounts[0].attachPolicyARNs,"
                                + "iam.serviceAccounts[0].attachRoleARN  or iam.serviceAccounts[0].attachPolicy must be set"),
                Arguments.of("a role to attach", "iam:\n  serviceAccounts:\n    - {metadata: {name: sa}, attachRoleARN: " + ROLE + "}\n", null));
    }

    @ParameterizedTest(name = "IRSA: {0}")
    @MethodSource("irsa")
    void irsa_serviceAccounts(String name, String body, String expected) {
        judge(body, Action.APPLY, expected);
    }
}
