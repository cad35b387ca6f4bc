package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.validate.ConfigValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * eksctl's own example configs (resources eksctl-examples/, copied from eksctl's examples/ with their source in
 * SOURCE.md) through validate and plan, as an upload (apply) and as a new cluster's config (onboard, where eksctl's
 * cluster-creation rules apply). Each is planned for a cluster named as the World's.
 */
class EksctlExampleConfigsTest {

    static String text(String file) {
        try (InputStream in = EksctlExampleConfigsTest.class.getResourceAsStream("/eksctl-examples/" + file)) {
            assertNotNull(in, file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> judge(String text, String file, Action action) {
        LoadResult r = ConfigLoader.withDefaults().load(text, file);
        List<Problem> problems = new ArrayList<>(r.problems());
        problems.addAll(ConfigValidator.validate(r.config(), action));
        return problems.stream().filter(Problem::isError).map(p -> p.format(file)).toList();
    }

    static ClusterConfig load(String text) {
        return ConfigLoader.withDefaults().load(text, "f.yaml").config().withClusterName(CLUSTER);
    }

    @ParameterizedTest(name = "{0} is valid for {1}")
    @CsvSource({
            "06-csi-drivers.yaml, apply", "06-csi-drivers.yaml, onboard",
            "25-addons.yaml, apply", "25-addons.yaml, onboard", "25-addons.yaml, create-addon",
            "27-oidc-provider.yaml, apply",
            "29-cluster-with-karpenter.yaml, onboard",
            "30-vpc-with-ip-family.yaml, apply", "30-vpc-with-ip-family.yaml, onboard",
            "38-cluster-subnets-sgs.yaml, onboard",
            "39-pod-identity-association.yaml, apply", "39-pod-identity-association.yaml, onboard",
            "39-pod-identity-association.yaml, create",
            "42-auto-mode.yaml, onboard",
    })
    void example_isValidAsEksctlJudgesIt(String file, String action) {
        assertEquals(List.of(), judge(text(file), file, Action.fromWireName(action).orElseThrow()));
    }

    /** Kept on purpose: we refuse ARNs IAM would refuse (a 12-digit account), where eksctl leaves it to IAM. */
    @Test
    void example13_isRefusedOnlyForItsMalformedRoleArn() {
        assertEquals(List.of("13-iamserviceaccounts.yaml:83:5: iam.serviceAccounts[10].attachRoleARN: "
                        + "\"arn:aws:iam::123:role/already-created-role-for-app\" has account \"123\"; an account ID "
                        + "is 12 digits"),
                judge(text("13-iamserviceaccounts.yaml"), "13-iamserviceaccounts.yaml", Action.APPLY));
    }

    /** Kept on purpose: as example 13, a 5-digit account in the boundary ARN of the one section we act on. */
    @Test
    void example17_isRefusedOnlyForItsMalformedBoundaryArn() {
        List<String> errors = judge(text("17-permissions-boundary.yaml"), "17-permissions-boundary.yaml", Action.APPLY);
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).contains("iam.serviceAccounts[0].permissionsBoundary: \"arn:aws:iam::11111:policy/"
                + "entity/boundary\" has account \"11111\""), errors::toString);
    }

    @Test
    void example13_plansNothingButWarnsPerServiceAccountWithItsPodIdentityEquivalent() {
        String fixed = text("13-iamserviceaccounts.yaml").replace("arn:aws:iam::123:role", "arn:aws:iam::111122223333:role");

        Plan plan = plan(load(fixed), Action.APPLY, world().build());

        assertTrue(plan.steps().stream().noneMatch(s -> s.id().startsWith("associate/")), PlanText.render(plan));
        assertEquals(11, plan.warnings().size(), plan.warnings()::toString);
        assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("iam.serviceAccounts[0] (backend-apps/s3-reader): "
                + "IRSA roles are eksctl's to create")), plan.warnings()::toString);
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("{namespace: default, serviceAccountName: some-app, "
                + "roleARN: arn:aws:iam::111122223333:role/already-created-role-for-app}")), plan.warnings()::toString);
    }

    @Test
    void example13_withTheOptIn_plansEachServiceAccountsPodIdentityEquivalent() {
        String optIn = text("13-iamserviceaccounts.yaml").replace("arn:aws:iam::123:role", "arn:aws:iam::111122223333:role")
                .replace("  region: us-west-2\n", "  region: us-west-2\n  annotations:\n"
                        + "    pod-identity-autopilot/irsa-as-pod-identity: \"true\"\n");

        Plan plan = plan(load(optIn), Action.APPLY, world().build());

        List<String> ids = plan.stepsIn(Phase.ASSOCIATE).stream().map(Step::id).toList();
        assertEquals(11, ids.size(), ids::toString);
        assertTrue(ids.contains("associate/kube-system/aws-load-balancer-controller"), ids::toString);
        var some = assertInstanceOf(Step.EnsureRoleAndAssociation.class, step(plan, "associate/default/some-app"));
        assertEquals(roleArn("already-created-role-for-app"), some.role().arn());
    }

    @Test
    void example25_createsTheAddonsAndWarnsAboutTheirIrsaPolicies() {
        ClusterState state = world().support("vpc-cni", "v1.19.2-eksbuild.1", config("aws-node",
                        policyArn("AmazonEKS_CNI_Policy")))
                .support("aws-ebs-csi-driver", "v1.45.0-eksbuild.2", config("ebs-csi-controller-sa",
                        policyArn("service-role/AmazonEBSCSIDriverPolicy"))).build();

        Plan plan = plan(load(text("25-addons.yaml")), Action.APPLY, state);

        assertEquals(List.of("addon/aws-ebs-csi-driver", "addon/coredns", "addon/kube-proxy", "addon/vpc-cni"),
                plan.stepsIn(Phase.ADDONS).stream().map(Step::id).toList());
        assertEquals(2, plan.warnings().size(), plan.warnings()::toString);
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("podIdentityAssociations: [{serviceAccountName: "
                + "aws-node, permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy]}]")),
                plan.warnings()::toString);
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("{serviceAccountName: ebs-csi-controller-sa, "
                + "wellKnownPolicies: {ebsCSIController: true}}")), plan.warnings()::toString);
    }

    @Test
    void example30_ipv6_onboardsWithOidcAndNoAgentListed() {
        ClusterState state = world().support("vpc-cni", "v1.19.2-eksbuild.1", config("aws-node",
                policyArn("AmazonEKS_CNI_Policy"))).build();

        Plan plan = plan(load(text("30-vpc-with-ip-family.yaml")), Action.ONBOARD, state);

        assertEquals(List.of("addon/coredns", "addon/kube-proxy", "addon/vpc-cni"),
                plan.stepsIn(Phase.ADDONS).stream().map(Step::id).toList());
        assertTrue(plan.warnings().get(0).startsWith("addon \"vpc-cni\": IRSA policies"), plan.warnings()::toString);
    }

    @Test
    void example39_installsTheAgentWithItsTagsAndCreatesTheAssociations() {
        Plan plan = plan(load(text("39-pod-identity-association.yaml")), Action.APPLY, world().noAgent().build());

        assertEquals(new Step.InstallAgent(CLUSTER, null, null, null, Map.of("team", "eks")),
                step(plan, "agent/eks-pod-identity-agent"));
        assertEquals(List.of("associate/default/cross-account-s3-reader", "associate/default/cross-account-s3-reader-b",
                        "associate/default/s3-reader", "associate/dev/app-cache-access", "associate/dev/nginx"),
                plan.stepsIn(Phase.ASSOCIATE).stream().map(Step::id).toList());
        var cache = assertInstanceOf(Step.EnsureRoleAndAssociation.class, step(plan, "associate/dev/app-cache-access"));
        assertEquals(roleArn("pod-identity-role-app-cache"), cache.role().arn());
    }

    @Test
    void example42_autoMode_plansNothingAndNeedsNoAgent() {
        Plan plan = plan(load(text("42-auto-mode.yaml")), Action.ONBOARD, world().autoMode().build());

        assertTrue(plan.steps().isEmpty(), PlanText.render(plan));
    }
}
