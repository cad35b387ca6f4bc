package dev.podidentity.autopilot.validate;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.config.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * One row per validation rule: a config that breaks it (with the exact line the user sees) and its nearest
 * valid twin, so every rule is shown to fire and to stay quiet.
 */
class ConfigValidatorTest {
    private static final String HEADER = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: my-cluster
              region: us-west-2
            """;
    private static final String ROLE = "arn:aws:iam::111122223333:role/existing";
    private static final String SESSION =
            "policy: '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}'";

    record Rule(String name, Action action, String invalid, String expected, String valid, boolean raw) {
        Rule(String name, Action action, String invalid, String expected, String valid) {
            this(name, action, invalid, expected, valid, false);
        }

        /** A rule about the document itself: the bodies are whole files, without the standard header. */
        static Rule whole(String name, String invalid, String expected, String valid) {
            return new Rule(name, Action.APPLY, invalid, expected, valid, true);
        }

        List<String> errorsOf(String body) {
            return errors(raw ? body : HEADER + body, action);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Problem> check(String file, Action action) {
        LoadResult r = ConfigLoader.withDefaults().load(file, "f.yaml");
        List<Problem> problems = new ArrayList<>(r.problems());
        if (r.config() != null) {
            problems.addAll(ConfigValidator.validate(r.config(), action));
        }
        return problems;
    }

    static List<String> errors(String file, Action action) {
        return check(file, action).stream().filter(Problem::isError).map(p -> p.format("f")).toList();
    }

    static String pia(String... lines) {
        StringBuilder b = new StringBuilder("iam:\n  podIdentityAssociations:\n");
        for (int i = 0; i < lines.length; i++) {
            b.append(i == 0 ? "    - " : "      ").append(lines[i]).append('\n');
        }
        return b.toString();
    }

    static String addon(String... lines) {
        StringBuilder b = new StringBuilder("addons:\n");
        for (int i = 0; i < lines.length; i++) {
            b.append(i == 0 ? "  - " : "    ").append(lines[i]).append('\n');
        }
        return b.toString();
    }

    static Stream<Rule> rules() {
        return Stream.of(
                Rule.whole("apiVersion must be eksctl's",
                        "apiVersion: eksctl.io/v1alpha4\nkind: ClusterConfig\nmetadata: {name: c}\n",
                        "f:1:1: apiVersion: apiVersion \"eksctl.io/v1alpha4\" is not supported; expected \"eksctl.io/v1alpha5\"",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c}\n"),
                Rule.whole("apiVersion must be set",
                        "kind: ClusterConfig\nmetadata: {name: c}\n",
                        "f:1:1: apiVersion: apiVersion must be set to \"eksctl.io/v1alpha5\"",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c}\n"),
                Rule.whole("kind must be ClusterConfig",
                        "apiVersion: eksctl.io/v1alpha5\nkind: NodeGroup\nmetadata: {name: c}\n",
                        "f:2:1: kind: kind \"NodeGroup\" is not supported; expected \"ClusterConfig\"",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c}\n"),
                Rule.whole("metadata.name must be set",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {region: us-east-1}\n",
                        "f:3:1: metadata.name: metadata.name must be set",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-east-1}\n"),
                Rule.whole("metadata.name must be an EKS cluster name",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: -c}\n",
                        "f:3:12: metadata.name: \"-c\" is not a valid EKS cluster name: 1-100 letters, digits, '-' and '_', starting with a letter or digit",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c-1_b}\n"),
                Rule.whole("metadata.region must be a region",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: oregon}\n",
                        "f:3:21: metadata.region: \"oregon\" is not an AWS region name (e.g. us-west-2)",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: cn-northwest-1}\n"),
                new Rule("no associations for create", Action.CREATE,
                        "addons:\n  - name: vpc-cni\n",
                        "f:1:1: iam.podIdentityAssociations: no iam.podIdentityAssociations specified in the config file",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE)),
                new Rule("no associations for delete", Action.DELETE,
                        "iam:\n  withOIDC: true\n",
                        "f:6:1: iam.podIdentityAssociations: no iam.podIdentityAssociations specified in the config file",
                        pia("namespace: default", "serviceAccountName: app")),
                new Rule("namespace must be set", Action.APPLY,
                        pia("serviceAccountName: app", "roleARN: " + ROLE),
                        "f:8:7: iam.podIdentityAssociations[0].namespace: iam.podIdentityAssociations[0].namespace must be set",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE)),
                new Rule("serviceAccountName must be set (also for delete)", Action.DELETE,
                        pia("namespace: default"),
                        "f:8:7: iam.podIdentityAssociations[0].serviceAccountName: iam.podIdentityAssociations[0].serviceAccountName must be set",
                        pia("namespace: default", "serviceAccountName: app")),
                new Rule("namespace must be a Kubernetes name", Action.APPLY,
                        pia("namespace: Team_A", "serviceAccountName: app", "roleARN: " + ROLE),
                        "f:8:7: iam.podIdentityAssociations[0].namespace: namespace \"Team_A\" is not a valid Kubernetes name: use lowercase letters, digits and '-', starting and ending with a letter or digit",
                        pia("namespace: team-a", "serviceAccountName: app", "roleARN: " + ROLE)),
                new Rule("service account must be a Kubernetes name", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app-", "roleARN: " + ROLE),
                        "f:9:7: iam.podIdentityAssociations[0].serviceAccountName: service account name \"app-\" is not a valid Kubernetes name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
                        pia("namespace: default", "serviceAccountName: app.v2", "roleARN: " + ROLE)),
                new Rule("a role source is required on create", Action.CREATE,
                        pia("namespace: default", "serviceAccountName: app"),
                        "f:8:7: iam.podIdentityAssociations[0]: at least one of the following must be specified: iam.podIdentityAssociations[0].roleARN, iam.podIdentityAssociations[0].permissionPolicy, iam.podIdentityAssociations[0].permissionPolicyARNs, iam.podIdentityAssociations[0].wellKnownPolicies",
                        pia("namespace: default", "serviceAccountName: app", "wellKnownPolicies: {certManager: true}")),
                new Rule("roleARN excludes permissionPolicy", Action.CREATE,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, "permissionPolicy: {Version: '2012-10-17', Statement: []}"),
                        "f:11:7: iam.podIdentityAssociations[0].permissionPolicy: iam.podIdentityAssociations[0].permissionPolicy cannot be specified when iam.podIdentityAssociations[0].roleARN is set",
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicy: {Version: '2012-10-17', Statement: []}")),
                new Rule("roleARN excludes permissionPolicyARNs", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, "permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]"),
                        "f:11:7: iam.podIdentityAssociations[0].permissionPolicyARNs: iam.podIdentityAssociations[0].permissionPolicyARNs cannot be specified when iam.podIdentityAssociations[0].roleARN is set",
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]")),
                new Rule("roleARN excludes wellKnownPolicies", Action.CREATE,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, "wellKnownPolicies: {externalDNS: true}"),
                        "f:11:7: iam.podIdentityAssociations[0].wellKnownPolicies: iam.podIdentityAssociations[0].wellKnownPolicies cannot be specified when iam.podIdentityAssociations[0].roleARN is set",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE)),
                new Rule("duplicate namespace/serviceAccountName", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE)
                                + "    - namespace: default\n      serviceAccountName: app\n      roleARN: " + ROLE + "\n",
                        "f:11:7: iam.podIdentityAssociations[1]: duplicates iam.podIdentityAssociations[0] (\"default/app\"); EKS allows one pod identity association per service account",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE)
                                + "    - namespace: other\n      serviceAccountName: app\n      roleARN: " + ROLE + "\n"),
                new Rule("permissionPolicyName requires permissionPolicy", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "wellKnownPolicies: {autoScaler: true}", "permissionPolicyName: Custom"),
                        "f:11:7: iam.podIdentityAssociations[0].permissionPolicyName: iam.podIdentityAssociations[0]: permissionPolicyName requires permissionPolicy to be set",
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicy: {Version: '2012-10-17', Statement: []}", "permissionPolicyName: Custom")),
                new Rule("permissionPolicyName needs an alphanumeric", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicy: {Version: '2012-10-17', Statement: []}", "permissionPolicyName: '--'"),
                        "f:11:7: iam.podIdentityAssociations[0].permissionPolicyName: iam.podIdentityAssociations[0]: permissionPolicyName \"--\" must contain at least one alphanumeric character",
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicy: {Version: '2012-10-17', Statement: []}", "permissionPolicyName: p-1")),
                new Rule("session policy needs disableSessionTags on create", Action.CREATE,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, SESSION),
                        "f:8:7: iam.podIdentityAssociations[0].disableSessionTags: iam.podIdentityAssociations[0].disableSessionTags must be set to true when iam.podIdentityAssociations[0].policy is set (EKS requires session tags to be disabled for a session policy)",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, SESSION, "disableSessionTags: true")),
                new Rule("session policy with explicit false on update", Action.UPDATE,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, SESSION, "disableSessionTags: false"),
                        "f:12:7: iam.podIdentityAssociations[0].disableSessionTags: iam.podIdentityAssociations[0].disableSessionTags must be set to true when iam.podIdentityAssociations[0].policy is set (EKS requires session tags to be disabled for a session policy)",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, SESSION)),
                new Rule("session policy must be a policy document", Action.CREATE,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, "policy: 'allow everything'", "disableSessionTags: true"),
                        "f:11:7: iam.podIdentityAssociations[0].policy: not a valid IAM session policy: policy document is not valid JSON at line 1, column 1: Unrecognized token 'allow': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, SESSION, "disableSessionTags: true")),
                new Rule("roleARN must be an IAM role ARN", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: arn:aws:iam::1111:role/x"),
                        "f:10:7: iam.podIdentityAssociations[0].roleARN: \"arn:aws:iam::1111:role/x\" has account \"1111\"; an account ID is 12 digits",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: arn:aws:iam::111122223333:role/team/x")),
                new Rule("targetRoleARN must be a role, not a policy", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, "targetRoleARN: arn:aws:iam::444455556666:policy/x"),
                        "f:11:7: iam.podIdentityAssociations[0].targetRoleARN: \"arn:aws:iam::444455556666:policy/x\" is an IAM policy ARN; expected e.g. arn:aws:iam::111122223333:role/my-role",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, "targetRoleARN: arn:aws:iam::444455556666:role/x")),
                new Rule("permissionPolicyARNs must be policy ARNs in a known partition", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicyARNs: [arn:aws:iam::aws:policy/A, arn:aws-xx:iam::aws:policy/B]"),
                        "f:10:57: iam.podIdentityAssociations[0].permissionPolicyARNs[1]: \"arn:aws-xx:iam::aws:policy/B\" has partition \"aws-xx\"; expected aws, aws-cn or aws-us-gov",
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicyARNs: [arn:aws:iam::aws:policy/A, arn:aws-cn:iam::aws:policy/B]")),
                new Rule("permissionsBoundaryARN must be a policy ARN", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "wellKnownPolicies: {certManager: true}", "permissionsBoundaryARN: boundary"),
                        "f:11:7: iam.podIdentityAssociations[0].permissionsBoundaryARN: \"boundary\" is not an ARN; ARNs start with arn:, e.g. arn:aws:iam::111122223333:role/my-role",
                        pia("namespace: default", "serviceAccountName: app", "wellKnownPolicies: {certManager: true}", "permissionsBoundaryARN: arn:aws:iam::111122223333:policy/boundary")),
                new Rule("roleName must be a valid IAM role name", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "wellKnownPolicies: {certManager: true}", "roleName: 'my role'"),
                        "f:11:7: iam.podIdentityAssociations[0].roleName: role name contains characters IAM does not allow (space); use letters, digits and +=,.@_-",
                        pia("namespace: default", "serviceAccountName: app", "wellKnownPolicies: {certManager: true}", "roleName: my-role@team")),
                new Rule("tags must fit IAM and EKS limits", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, "tags: {'aws:owner': me}"),
                        "f:11:7: iam.podIdentityAssociations[0].tags: tag key \"aws:owner\" uses the prefix aws:, which AWS reserves",
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE, "tags: {owner: me}")),
                new Rule("permissionPolicy must be a policy document", Action.APPLY,
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicy:", "  Version: '2012-10-17'", "  Statement:", "    - Effect: Permit", "      Action: s3:GetObject", "      Resource: '*'"),
                        "f:13:13: iam.podIdentityAssociations[0].permissionPolicy.Statement[0].Effect: not a valid IAM policy document: Effect must be \"Allow\" or \"Deny\" (case-sensitive), not the string \"Permit\"",
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicy:", "  Version: '2012-10-17'", "  Statement:", "    - Effect: Allow", "      Action: s3:GetObject", "      Resource: '*'")),
                new Rule("addon serviceAccountRoleARN must be a role ARN", Action.CREATE_ADDON,
                        addon("name: vpc-cni", "serviceAccountRoleARN: arn:aws:iam::111122223333:user/bob"),
                        "f:8:5: addons[0].serviceAccountRoleARN: \"arn:aws:iam::111122223333:user/bob\" is an IAM user ARN; expected e.g. arn:aws:iam::111122223333:role/my-role",
                        addon("name: vpc-cni", "serviceAccountRoleARN: " + ROLE)),
                new Rule("withOIDC false with IRSA service accounts", Action.APPLY,
                        "iam:\n  withOIDC: false\n  serviceAccounts:\n    - metadata: {name: s3}\n      attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n",
                        "f:7:3: iam.withOIDC: iam.withOIDC must be enabled explicitly for iam.serviceAccounts to be created",
                        "iam:\n  withOIDC: true\n  serviceAccounts:\n    - metadata: {name: s3}\n      attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n"),
                new Rule("IRSA name must be set", Action.APPLY,
                        "iam:\n  serviceAccounts:\n    - metadata: {namespace: default}\n      attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n",
                        "f:8:7: iam.serviceAccounts[0].metadata.name: iam.serviceAccounts[0].name must be set",
                        "iam:\n  serviceAccounts:\n    - metadata: {name: s3, namespace: default}\n      attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n"),
                new Rule("IRSA duplicates (namespace defaults to default)", Action.APPLY,
                        "iam:\n  serviceAccounts:\n    - metadata: {name: s3}\n      attachRoleARN: " + ROLE + "\n    - metadata: {name: s3, namespace: default}\n      attachRoleARN: " + ROLE + "\n",
                        "f:10:7: iam.serviceAccounts[1]: default/s3 of iam.serviceAccounts[1] \"default/s3\" is not unique",
                        "iam:\n  serviceAccounts:\n    - metadata: {name: s3}\n      attachRoleARN: " + ROLE + "\n    - metadata: {name: s3, namespace: other}\n      attachRoleARN: " + ROLE + "\n"),
                new Rule("IRSA needs a policy or role", Action.APPLY,
                        "iam:\n  serviceAccounts:\n    - metadata: {name: s3}\n",
                        "f:8:7: iam.serviceAccounts[0]: iam.serviceAccounts[0].wellKnownPolicies, iam.serviceAccounts[0].attachPolicyARNs,iam.serviceAccounts[0].attachRoleARN  or iam.serviceAccounts[0].attachPolicy must be set",
                        "iam:\n  serviceAccounts:\n    - metadata: {name: s3}\n      wellKnownPolicies: {ebsCSIController: true}\n"),
                new Rule("same service account through IRSA and pod identity", Action.APPLY,
                        "iam:\n  serviceAccounts:\n    - metadata: {name: app}\n      attachRoleARN: " + ROLE + "\n  podIdentityAssociations:\n    - namespace: default\n      serviceAccountName: app\n      roleARN: " + ROLE + "\n",
                        "f:8:7: iam.serviceAccounts[0]: service account \"default/app\" is also given a pod identity association in iam.podIdentityAssociations[0]; declare it in one place (IRSA or pod identity)",
                        "iam:\n  serviceAccounts:\n    - metadata: {name: app}\n      attachRoleARN: " + ROLE + "\n  podIdentityAssociations:\n    - namespace: default\n      serviceAccountName: other\n      roleARN: " + ROLE + "\n"),
                new Rule("addon name is required", Action.CREATE_ADDON,
                        addon("version: latest"),
                        "f:7:5: addons[0].name: invalid configuration for addon addons[0]: name is required",
                        addon("name: vpc-cni", "version: latest")),
                new Rule("addon declared twice", Action.APPLY,
                        addon("name: vpc-cni") + "  - name: vpc-cni\n",
                        "f:8:5: addons[1].name: addon \"vpc-cni\" is already declared at addons[0]",
                        addon("name: vpc-cni") + "  - name: coredns\n"),
                new Rule("addon IRSA and pod identity together", Action.CREATE_ADDON,
                        addon("name: vpc-cni", "serviceAccountRoleARN: " + ROLE, "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + "}]"),
                        "f:9:5: addons[0].podIdentityAssociations: invalid configuration for \"vpc-cni\" addon: cannot set IRSA config (`addon.ServiceAccountRoleARN`, `addon.AttachPolicyARNs`, `addon.AttachPolicy`, `addon.WellKnownPolicies`) and pod identity associations at the same time",
                        addon("name: vpc-cni", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + "}]")),
                new Rule("addon with two IRSA sources", Action.CREATE_ADDON,
                        addon("name: vpc-cni", "serviceAccountRoleARN: " + ROLE, "attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy]"),
                        "f:7:5: addons[0]: invalid configuration for \"vpc-cni\" addon: at most one of wellKnownPolicies, serviceAccountRoleARN, attachPolicyARNs and attachPolicy can be specified",
                        addon("name: vpc-cni", "attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy]")),
                new Rule("no associations on the agent addon", Action.CREATE_ADDON,
                        addon("name: eks-pod-identity-agent", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: agent, roleARN: " + ROLE + "}]"),
                        "f:8:5: addons[0].podIdentityAssociations: invalid configuration for \"eks-pod-identity-agent\" addon: cannot set pod identity associations for \"eks-pod-identity-agent\" addon",
                        addon("name: eks-pod-identity-agent")),
                new Rule("addon association namespace required", Action.CREATE_ADDON,
                        addon("name: vpc-cni", "podIdentityAssociations: [{serviceAccountName: aws-node, roleARN: " + ROLE + "}]"),
                        "f:8:31: addons[0].podIdentityAssociations[0].namespace: invalid configuration for \"vpc-cni\" addon: podIdentityAssociations[0].namespace must be set",
                        addon("name: vpc-cni", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + "}]")),
                new Rule("addon association role source required", Action.CREATE_ADDON,
                        addon("name: vpc-cni", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node}]"),
                        "f:8:31: addons[0].podIdentityAssociations[0]: invalid configuration for \"vpc-cni\" addon: at least one of the following must be specified: podIdentityAssociations[0].roleARN, podIdentityAssociations[0].permissionPolicy, podIdentityAssociations[0].permissionPolicyARNs, podIdentityAssociations[0].wellKnownPolicies",
                        addon("name: vpc-cni", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy]}]")),
                new Rule("addon association roleARN excludes policies", Action.UPDATE_ADDON,
                        addon("name: vpc-cni", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + ", permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy]}]"),
                        "f:8:136: addons[0].podIdentityAssociations[0].permissionPolicyARNs: invalid configuration for \"vpc-cni\" addon: podIdentityAssociations[0].permissionPolicyARNs cannot be specified when podIdentityAssociations[0].roleARN is set",
                        addon("name: vpc-cni", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + "}]")),
                new Rule("addon association wellKnownPolicies unsupported", Action.CREATE_ADDON,
                        addon("name: aws-ebs-csi-driver", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: ebs-csi-controller-sa, wellKnownPolicies: {ebsCSIController: true}}]"),
                        "f:8:99: addons[0].podIdentityAssociations[0].wellKnownPolicies: wellKnownPolicies is not supported for addon.podIdentityAssociations; use addon.useDefaultPodIdentityAssociations instead (addon: aws-ebs-csi-driver)",
                        addon("name: aws-ebs-csi-driver", "useDefaultPodIdentityAssociations: true")),
                new Rule("addon association tags unsupported", Action.CREATE_ADDON,
                        addon("name: vpc-cni", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + ", tags: {a: b}}]"),
                        "f:8:136: addons[0].podIdentityAssociations[0].tags: tags is not supported for addon.podIdentityAssociations (addon: vpc-cni)",
                        addon("name: vpc-cni", "tags: {a: b}", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + "}]")),
                new Rule("useDefault with explicit associations", Action.CREATE_ADDON,
                        addon("name: vpc-cni", "useDefaultPodIdentityAssociations: true", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + "}]"),
                        "f:8:5: addons[0].useDefaultPodIdentityAssociations: cannot specify both addon.useDefaultPodIdentityAssociations and addon.podIdentityAssociations (addon: vpc-cni)",
                        addon("name: vpc-cni", "useDefaultPodIdentityAssociations: true", "podIdentityAssociations: []")),
                new Rule("useDefault with IRSA", Action.CREATE_ADDON,
                        addon("name: vpc-cni", "useDefaultPodIdentityAssociations: true", "attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy]"),
                        "f:8:5: addons[0].useDefaultPodIdentityAssociations: cannot specify serviceAccountRoleARN, wellKnownPolicies, attachPolicy or attachPolicyARNs when addon.useDefaultPodIdentityAssociations is set (addon: vpc-cni)",
                        addon("name: vpc-cni", "attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy]")),
                new Rule("addon association service account given twice", Action.CREATE_ADDON,
                        addon("name: adot", "podIdentityAssociations:", "  - {namespace: o, serviceAccountName: col, roleARN: " + ROLE + "}", "  - {namespace: o, serviceAccountName: col, roleARN: " + ROLE + "}"),
                        "f:10:24: addons[0].podIdentityAssociations[1].serviceAccountName: service account \"col\" is already given a role at addons[0].podIdentityAssociations[0]",
                        addon("name: adot", "podIdentityAssociations:", "  - {namespace: o, serviceAccountName: col, roleARN: " + ROLE + "}", "  - {namespace: o, serviceAccountName: logs, roleARN: " + ROLE + "}")),
                new Rule("addon permissionPolicyName requires permissionPolicy", Action.CREATE_ADDON,
                        addon("name: adot", "podIdentityAssociations: [{namespace: o, serviceAccountName: col, permissionPolicyARNs: [arn:aws:iam::aws:policy/X], permissionPolicyName: P}]"),
                        "f:8:122: addons[0].podIdentityAssociations[0].permissionPolicyName: addons[0].podIdentityAssociations[0]: permissionPolicyName requires permissionPolicy to be set (addon: adot)",
                        addon("name: adot", "podIdentityAssociations: [{namespace: o, serviceAccountName: col, permissionPolicyARNs: [arn:aws:iam::aws:policy/X]}]")),
                new Rule("no addons for an addon action", Action.UPDATE_ADDON,
                        pia("namespace: default", "serviceAccountName: app", "roleARN: " + ROLE),
                        "f:1:1: addons: no addons specified in the config file",
                        addon("name: vpc-cni")),
                // eksctl runs its IPv6 rules at cluster creation only: onboarding a new cluster, here
                new Rule("IPv6 with the agent listed: vpc-cni needs pod identity", Action.ONBOARD,
                        "kubernetesNetworkConfig: {ipFamily: IPv6}\n" + addon("name: vpc-cni") + "  - name: coredns\n  - name: eks-pod-identity-agent\n",
                        "f:8:5: addons[0]: Set one of: addonsConfig.autoApplyPodIdentityAssociations, useDefaultPodIdentityAssociations on the vpc-cni addon, apply a custom pod identity on the vpc-cni addon",
                        "kubernetesNetworkConfig: {ipFamily: IPv6}\n" + addon("name: vpc-cni", "useDefaultPodIdentityAssociations: true") + "  - name: coredns\n  - name: eks-pod-identity-agent\n"),
                new Rule("IPv6 without the agent: vpc-cni needs OIDC", Action.ONBOARD,
                        "kubernetesNetworkConfig: {ipFamily: IPv6}\n" + addon("name: vpc-cni") + "  - name: coredns\n",
                        "f:8:5: addons[0]: either pod identity or oidc needs to be enabled if IPv6 is set; set either one or use EKS Auto Mode",
                        "kubernetesNetworkConfig: {ipFamily: IPv6}\niam: {withOIDC: true}\n" + addon("name: vpc-cni") + "  - name: coredns\n"),
                new Rule("IPv6 needs coredns listed", Action.ONBOARD,
                        "kubernetesNetworkConfig: {ipFamily: IPv6}\n" + addon("name: kube-proxy"),
                        "f:6:1: kubernetesNetworkConfig: the default core addons must be defined for IPv6; missing addon(s): coredns; either define them or use EKS Auto Mode",
                        "kubernetesNetworkConfig: {ipFamily: IPv6}\n" + addon("name: kube-proxy") + "  - name: coredns\n"),
                new Rule("IPv6 rules are eksctl's cluster-creation rules, not apply's", Action.APPLY,
                        "kubernetesNetworkConfig: {ipFamily: IPv6}\n" + addon("name: vpc-cni", "serviceAccountRoleARN: arn:aws:iam::111122223333:user/bob"),
                        "f:9:5: addons[0].serviceAccountRoleARN: \"arn:aws:iam::111122223333:user/bob\" is an IAM user ARN; expected e.g. arn:aws:iam::111122223333:role/my-role",
                        "kubernetesNetworkConfig: {ipFamily: IPv6}\n" + addon("name: vpc-cni")),
                new Rule("configurationValues must be a JSON or YAML object", Action.CREATE_ADDON,
                        addon("name: coredns", "configurationValues: '[replicaCount: 2'"),
                        "f:8:5: addons[0].configurationValues: invalid configuration for \"coredns\" addon: configurationValues: \"[replicaCount: 2\" is not valid, supported format(s) are: JSON and YAML",
                        addon("name: coredns", "configurationValues: 'replicaCount: 2'")),
                new Rule("configurationValues: a YAML scalar is not an object", Action.UPDATE_ADDON,
                        addon("name: coredns", "configurationValues: 'two replicas'"),
                        "f:8:5: addons[0].configurationValues: invalid configuration for \"coredns\" addon: configurationValues: \"two replicas\" is not valid, supported format(s) are: JSON and YAML",
                        addon("name: coredns", "configurationValues: '{\"replicaCount\": 2}'")),
                new Rule("namespaceConfig.namespace must be a DNS-1123 label", Action.CREATE_ADDON,
                        addon("name: adot", "namespaceConfig: {namespace: Observability}"),
                        "f:8:23: addons[0].namespaceConfig.namespace: invalid configuration for \"adot\" addon: namespace \"Observability\" is not a valid Kubernetes namespace name (must be a valid DNS-1123 label)",
                        addon("name: adot", "namespaceConfig: {namespace: observability}")),
                new Rule("namespaceConfig.namespace at most 63 characters", Action.CREATE_ADDON,
                        addon("name: adot", "namespaceConfig: {namespace: " + "n".repeat(64) + "}"),
                        "f:8:23: addons[0].namespaceConfig.namespace: invalid configuration for \"adot\" addon: namespace name \"" + "n".repeat(64) + "\" is too long (max 63 characters)",
                        addon("name: adot", "namespaceConfig: {namespace: " + "n".repeat(63) + "}")),
                new Rule("namespaceConfig has only namespace", Action.CREATE_ADDON,
                        addon("name: adot", "namespaceConfig: {name: observability}"),
                        "f:8:23: addons[0].namespaceConfig.name: unknown field \"name\"",
                        addon("name: adot", "namespaceConfig: {}")),
                new Rule("addon association tags refused even empty", Action.CREATE_ADDON,
                        addon("name: vpc-cni", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + ", tags: {}}]"),
                        "f:8:136: addons[0].podIdentityAssociations[0].tags: tags is not supported for addon.podIdentityAssociations (addon: vpc-cni)",
                        addon("name: vpc-cni", "podIdentityAssociations: [{namespace: kube-system, serviceAccountName: aws-node, roleARN: " + ROLE + "}]")),
                new Rule("permissionPolicyName rule also for delete", Action.DELETE,
                        pia("namespace: default", "serviceAccountName: app", "permissionPolicyName: Custom"),
                        "f:10:7: iam.podIdentityAssociations[0].permissionPolicyName: iam.podIdentityAssociations[0]: permissionPolicyName requires permissionPolicy to be set",
                        pia("namespace: default", "serviceAccountName: app")),
                new Rule("top-level typo of a section we act on is still an error", Action.APPLY,
                        "adons:\n  - name: vpc-cni\n",
                        "f:6:1: adons: unknown field \"adons\"; did you mean \"addons\"?",
                        "kubeAPIServerConfig: {extraArgs: {audit-log-maxage: '30'}}\nkubeSchedulerConfig: {}\nkubeControllerManagerConfig: {}\nsomeFutureEksctlSection: {enabled: true}\n"),
                Rule.whole("metadata follows eksctl's current schema",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, forceUpdateVerison: true}\n",
                        "f:3:21: metadata.forceUpdateVerison: unknown field \"forceUpdateVerison\"; did you mean \"forceUpdateVersion\"?",
                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, version: '1.33', forceUpdateVersion: true, rollbackConfig: {enabled: true}}\n")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void validate_whenRuleIsBroken_reportsItAtTheField(Rule rule) {
        List<String> errors = rule.errorsOf(rule.invalid());
        assertEquals(List.of(rule.expected()), errors, String.join("\n", errors));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void validate_whenRuleIsKept_reportsNothing(Rule rule) {
        List<String> errors = rule.errorsOf(rule.valid());
        assertEquals(List.of(), errors, String.join("\n", errors));
    }
}

class ConfigValidatorUnknownKeysTest {
    @org.junit.jupiter.api.Test
    void load_whenSectionIsUnknownToUs_warnsInsteadOfRefusing() {
        List<Problem> problems = ConfigValidatorTest.check("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n"
                + "metadata: {name: c}\nsomeFutureEksctlSection: {enabled: true}\n", Action.APPLY);
        assertEquals(List.of("f:4:1: warning: someFutureEksctlSection: unknown field \"someFutureEksctlSection\" is "
                + "not in eksctl's schema as we know it; ignored"), problems.stream().map(p -> p.format("f")).toList());
    }
}

class ConfigValidatorQuotaTest {
    @org.junit.jupiter.api.Test
    void validate_whenMoreAssociationsThanQuota_reportsTheCount() {
        StringBuilder b = new StringBuilder("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c}\n"
                + "iam:\n  podIdentityAssociations:\n");
        for (int i = 0; i < 4; i++) {
            b.append("    - {namespace: n, serviceAccountName: sa").append(i)
                    .append(", roleARN: \"arn:aws:iam::111122223333:role/r\"}\n");
        }
        LoadResult r = ConfigLoader.withDefaults().load(b.toString(), "f.yaml");
        List<String> errors = ConfigValidator.validate(r.config(), Action.APPLY, 3).stream()
                .map(p -> p.format("f")).toList();
        assertEquals(List.of("f:5:3: iam.podIdentityAssociations: 4 associations declared; EKS allows at most 3 per cluster"),
                errors);
        assertEquals(List.of(), ConfigValidator.validate(r.config(), Action.APPLY, 4));
    }
}
