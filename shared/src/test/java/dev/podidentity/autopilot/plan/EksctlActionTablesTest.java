package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.naming.OwnershipTags;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * eksctl's action tables (eksctl-io/eksctl pkg/actions/podidentityassociation/deleter_test.go and
 * pkg/actions/addon/{create,update,delete}_test.go) as plan-level cases: eksctl asserts the API calls and stack
 * operations; we assert the steps the plan would carry out (roles stand where eksctl has stacks). The updater table
 * is in UpdateAssociationsTest; differences are in docs/eksctl-differences.md.
 */
class EksctlActionTablesTest {
    static final String CNI_POLICY = policyArn("AmazonEKS_CNI_Policy");

    // ---- deleter_test.go: "delete pod identity association" ----

    static final ClusterConfig DELETE_TWO = yaml(header("""
            iam:
              podIdentityAssociations:
                - {namespace: default, serviceAccountName: sa-1}
                - {namespace: default, serviceAccountName: sa-2}
            """), Action.DELETE);

    @Test
    void deleter_oneExists_deletesItAndTheRoleWeCreated() {
        World w = world().ours("default", "sa-1", List.of(CNI_POLICY), List.of(), null);

        Plan plan = plan(DELETE_TWO, Action.DELETE, w.build());

        var delete = assertInstanceOf(Step.DeleteAssociation.class, step(plan, plan.steps().get(0).id()));
        assertEquals("sa-1", delete.serviceAccount());
        assertEquals(roleArn(PLANNER_POLICIES.roleNameForAssociation(CLUSTER, "default", "sa-1")), delete.deleteRoleArn());
        assertEquals(1, plan.steps().size(), "sa-2 does not exist: skipped");
    }

    @Test
    void deleter_noneExist_isEmpty() {
        assertTrue(plan(DELETE_TWO, Action.DELETE, world().build()).steps().isEmpty());
    }

    @Test
    void deleter_associationOwnedByAnAddon_refusesWithEksctlsMessage() {
        World w = world().addonAssociation("vpc-cni", "default", "sa-1", roleArn("cni"));

        List<String> problems = refused(DELETE_TWO, Action.DELETE, w.build());

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("cannot delete podidentityassociation default/sa-1 as it is in use by addon "
                + addonArn("vpc-cni") + "; please use `eksctl update addon` or `eksctl delete addon` instead"),
                problems.get(0));
    }

    @Test
    void deleter_unownedAssociation_isDeletedButItsRoleKept() {
        World w = world().userRole(roleArn("their-role")).association("default", "sa-1", roleArn("their-role"), Map.of());

        Plan plan = plan(DELETE_TWO, Action.DELETE, w.build());

        var delete = assertInstanceOf(Step.DeleteAssociation.class, plan.steps().get(0));
        assertEquals(null, delete.deleteRoleArn());
    }

    // ---- addon/create_test.go: the pod identity entries ----

    static ClusterConfig createAddon(String fields) {
        return yaml(header("addons:\n  - {" + fields + "}\n"), Action.CREATE_ADDON);
    }

    @Test
    void create_podIdsSetExplicitlyAndNotSupported_refusesWithEksctlsMessage() {
        ClusterState state = world().support("my-addon", "v1.0.0").build();

        List<String> problems = refused(createAddon("name: my-addon, podIdentityAssociations: [{namespace: ns, "
                + "serviceAccountName: sa1, roleARN: " + roleArn("role-name-1") + "}]"), Action.CREATE_ADDON, state);

        assertTrue(problems.get(0).endsWith("\"my-addon\" addon does not support pod identity associations; use IRSA "
                + "config (`addon.serviceAccountRoleARN`, `addon.attachPolicyARNs`, `addon.attachPolicy` or "
                + "`addon.wellKnownPolicies`) instead"), problems::toString);
    }

    @Test
    void create_podIdsSetExplicitlyAndSupported_sendsThemWithCreateAddon() {
        ClusterState state = world().support("my-addon", "v1.0.0", config("sa1"), config("sa2")).build();

        Plan plan = plan(createAddon("name: my-addon, podIdentityAssociations: [{namespace: ns, serviceAccountName: sa1, "
                + "roleARN: " + roleArn("role-name-1") + "}, {namespace: ns, serviceAccountName: sa2, roleARN: "
                + roleArn("role-name-2") + "}]"), Action.CREATE_ADDON, state);

        var create = assertInstanceOf(Step.CreateAddon.class, step(plan, "addon/my-addon"));
        assertEquals(List.of("sa1", "sa2"), create.podIdentityAssociations().stream()
                .map(Step.AddonIdentity::serviceAccount).toList());
        assertEquals(List.of(roleArn("role-name-1"), roleArn("role-name-2")), create.podIdentityAssociations().stream()
                .map(i -> i.role().arn()).toList());
    }

    @Test
    void create_autoApplyAndNotSupported_createsTheAddonWithoutPodIdentity() {
        ClusterState state = world().support("my-addon", "v1.0.0").build();

        Plan plan = plan(yaml(header("addonsConfig: {autoApplyPodIdentityAssociations: true}\naddons:\n"
                + "  - {name: my-addon}\n"), Action.CREATE_ADDON), Action.CREATE_ADDON, state);

        assertEquals(List.of(), assertInstanceOf(Step.CreateAddon.class, step(plan, "addon/my-addon"))
                .podIdentityAssociations());
    }

    @Test
    void create_autoApplyAndSupported_createsTheRecommendedRole() {
        ClusterState state = world().support("my-addon", "v1.0.0", config("sa1", policyArn("AmazonS3ReadOnlyAccess")))
                .build();

        Plan plan = plan(yaml(header("addonsConfig: {autoApplyPodIdentityAssociations: true}\naddons:\n"
                + "  - {name: my-addon}\n"), Action.CREATE_ADDON), Action.CREATE_ADDON, state);

        var identity = assertInstanceOf(Step.CreateAddon.class, step(plan, "addon/my-addon")).podIdentityAssociations()
                .get(0);
        assertEquals("sa1", identity.serviceAccount());
        assertEquals(List.of(policyArn("AmazonS3ReadOnlyAccess")), identity.role().managedPolicyArns());
    }

    @Test
    void create_irsaSetExplicitly_usesTheIrsaRole() {
        ClusterState state = world().support("my-addon", "v1.0.0", config("sa1")).build();

        Plan plan = plan(createAddon("name: my-addon, serviceAccountRoleARN: " + roleArn("irsa")), Action.CREATE_ADDON,
                state);

        assertEquals(roleArn("irsa"), assertInstanceOf(Step.CreateAddon.class, step(plan, "addon/my-addon"))
                .serviceAccountRoleArn());
    }

    @Test
    void create_iamNotRequired_ignoresPodIdentityWithEksctlsWarning() {
        World w = world();
        ClusterState state = new ClusterState(CLUSTER, ACCOUNT, REGION, "aws", ClusterState.ClusterStatus.ACTIVE, false,
                OIDC_PROVIDER, new ClusterState.Agent("v1", "ACTIVE"), List.of(), List.of(), Map.of(),
                List.of(new ClusterState.AddonSupport("my-addon", "v1.0.0", false, List.of())), List.of());

        Plan plan = plan(createAddon("name: my-addon, serviceAccountRoleARN: " + roleArn("irsa")), Action.CREATE_ADDON,
                state);

        assertEquals(List.of("IAM permissions are not required for \"my-addon\" addon; any IRSA configuration or pod "
                + "identity associations will be ignored"), plan.warnings());
    }

    // ---- addon/update_test.go: "updating pod identity associations" ----

    static World cniWithAssociation() {
        String role = roleArn("my-cluster+addon=vpc-cni+aws-node");
        return world().support("vpc-cni", "v1.19.2-eksbuild.1", config("aws-node", CNI_POLICY))
                .role(role, OwnershipTags.forAddon(CLUSTER, "vpc-cni", "aws-node"), POD_TRUST, List.of(CNI_POLICY),
                        List.of(), null)
                .addonAssociation("vpc-cni", "kube-system", "aws-node", role)
                .addon("vpc-cni", "v1.19.2-eksbuild.1", null, associationArn("kube-system", "aws-node"));
    }

    @Test
    void update_useDefault_setsTheRecommendedPodIdentity() {
        World w = world().support("vpc-cni", "v1.19.2-eksbuild.1", config("aws-node", CNI_POLICY))
                .addon("vpc-cni", "v1.19.2-eksbuild.1", null);

        Plan plan = plan(yaml(header("addons:\n  - {name: vpc-cni, useDefaultPodIdentityAssociations: true}\n"),
                Action.UPDATE_ADDON), Action.UPDATE_ADDON, w.build());

        var update = assertInstanceOf(Step.UpdateAddon.class, step(plan, "addon/vpc-cni"));
        assertEquals("aws-node", update.podIdentityAssociations().get(0).serviceAccount());
        assertEquals(List.of(CNI_POLICY), update.podIdentityAssociations().get(0).role().managedPolicyArns());
    }

    @Test
    void update_existingAssociationsAndNoConfig_refusesWithEksctlsMessage() {
        List<String> problems = refused(yaml(header("addons:\n  - {name: vpc-cni, version: v1.19.2-eksbuild.1}\n"),
                Action.UPDATE_ADDON), Action.UPDATE_ADDON, cniWithAssociation().build());

        assertTrue(problems.get(0).contains("addon vpc-cni has pod identity associations, to remove pod identity "
                + "associations from an addon, addon.podIdentityAssociations must be explicitly set to []"), problems::toString);
    }

    @Test
    void update_existingAssociationsAndAutoApply_noErrorAndAssociationsLeftAlone() {
        Plan plan = plan(yaml(header("addonsConfig: {autoApplyPodIdentityAssociations: true}\naddons:\n"
                        + "  - {name: vpc-cni, version: v1.20.0-eksbuild.1}\n"), Action.UPDATE_ADDON), Action.UPDATE_ADDON,
                cniWithAssociation().build());

        var update = assertInstanceOf(Step.UpdateAddon.class, step(plan, "addon/vpc-cni"));
        assertEquals(null, update.podIdentityAssociations());
    }

    // ---- addon/delete_test.go ----

    @Test
    void delete_deletesTheAddonsRolesOnly_andWithPreserveOnlyTheAddon() {
        World w = cniWithAssociation().ours("default", "app", List.of(CNI_POLICY), List.of(), null);
        ClusterConfig config = yaml(header("addons:\n  - {name: vpc-cni}\n"), Action.DELETE_ADDON);

        Plan plain = plan(config, Action.DELETE_ADDON, w.build());
        Plan preserve = plan(config, Action.DELETE_ADDON, w.build(), PlanOptions.defaults().withPreserve(true));

        assertEquals(List.of(new Step.DeleteAddon("vpc-cni", false, List.of(roleArn("my-cluster+addon=vpc-cni+aws-node")))),
                plain.steps(), "not the role of default/app");
        assertEquals(List.of(new Step.DeleteAddon("vpc-cni", true, List.of())), preserve.steps());
    }

    @Test
    void delete_neitherAddonNorRoles_isNothingToDo() {
        Plan plan = plan(yaml(header("addons:\n  - {name: my-addon}\n"), Action.DELETE_ADDON), Action.DELETE_ADDON,
                world().build());

        assertTrue(plan.steps().isEmpty());
        assertEquals(List.of(new Plan.Unchanged("addon/my-addon", "addon \"my-addon\" not found")), plan.unchanged());
    }
}
