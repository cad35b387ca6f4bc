package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.naming.OwnershipTags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** eksctl's update rules (reference §5.3), checked against the observed association and its role's owner. */
class UpdateAssociationsTest {
    static final ClusterConfig EXAMPLE_02 = example("02-update-role-arns.yaml", Action.UPDATE);

    @Test
    void plan_whenExample02OnUnownedAssociations_updatesOnlyTheRoleArns() {
        ClusterState state = world()
                .userRole(roleArn("old-role-1")).userRole(roleArn("old-role-2"))
                .userRole(roleArn("new-role-arn-1")).userRole(roleArn("new-role-arn-2"))
                .association("default", "s3-reader", roleArn("old-role-1"), Map.of())
                .association("dev", "app-cache-access", roleArn("old-role-2"), Map.of())
                .build();

        Plan plan = plan(EXAMPLE_02, Action.UPDATE, state);

        var first = assertInstanceOf(Step.UpdateAssociation.class, plan.steps().get(0));
        assertEquals("associate/default/s3-reader", first.id());
        assertEquals(associationId("default", "s3-reader"), first.associationId());
        assertEquals(roleArn("new-role-arn-1"), first.roleArn());
        assertNull(first.targetRoleArn());
        assertNull(first.disableSessionTags());
        assertNull(first.policy());
        assertEquals("""
                update on cluster "my-cluster":
                associate:
                  will update pod identity association "default/s3-reader" (%s): roleArn "old-role-1" -> "new-role-arn-1"
                  will update pod identity association "dev/app-cache-access" (%s): roleArn "old-role-2" -> "new-role-arn-2"
                2 changes, 0 unchanged
                """.formatted(associationId("default", "s3-reader"), associationId("dev", "app-cache-access")),
                PlanText.render(plan));
    }

    @Test
    void plan_whenRolesAlreadyUpdated_isEmpty() {
        ClusterState state = world()
                .userRole(roleArn("new-role-arn-1")).userRole(roleArn("new-role-arn-2"))
                .association("default", "s3-reader", roleArn("new-role-arn-1"), Map.of())
                .association("dev", "app-cache-access", roleArn("new-role-arn-2"), Map.of())
                .build();

        Plan plan = plan(EXAMPLE_02, Action.UPDATE, state);

        assertTrue(plan.isEmpty());
        assertEquals(2, plan.unchanged().size());
    }

    static Stream<Arguments> refusals() {
        String s3 = "iam.podIdentityAssociations[0]";
        String prefix = "error updating pod identity association \"default/s3-reader\": ";
        World base = world().association("dev", "app-cache-access", roleArn("new-role-arn-2"), Map.of())
                .userRole(roleArn("new-role-arn-2"));
        return Stream.of(
                Arguments.of("association does not exist", base.build(),
                        "test.yaml:8:7: " + s3 + ": " + prefix + "pod identity association does not exist"),
                Arguments.of("association belongs to an addon", world()
                                .association("dev", "app-cache-access", roleArn("new-role-arn-2"), Map.of())
                                .addonAssociation("vpc-cni", "default", "s3-reader", roleArn("cni"))
                                .build(),
                        "test.yaml:8:7: " + s3 + ": " + prefix + "cannot update podidentityassociation "
                                + "default/s3-reader as it is in use by addon " + addonArn("vpc-cni")
                                + "; please use `eksctl update addon` instead"),
                Arguments.of("role created by us", world()
                                .association("dev", "app-cache-access", roleArn("new-role-arn-2"), Map.of())
                                .ours("default", "s3-reader", List.of(policyArn("AmazonS3ReadOnlyAccess")),
                                        List.of(), null)
                                .build(),
                        "test.yaml:10:7: " + s3 + ".roleARN: " + prefix + "cannot change "
                                + "podIdentityAssociation.roleARN since the role was created by pod identity autopilot"),
                Arguments.of("role created by eksctl", world()
                                .association("dev", "app-cache-access", roleArn("new-role-arn-2"), Map.of())
                                .role(roleArn("eksctl-my-cluster-podidentityrole-defau-Role1-XYZ"),
                                        Map.of("alpha.eksctl.io/cluster-name", CLUSTER,
                                                "alpha.eksctl.io/podidentityassociation-name", "default/s3-reader"),
                                        POD_TRUST, List.of(), List.of(), null)
                                .association("default", "s3-reader",
                                        roleArn("eksctl-my-cluster-podidentityrole-defau-Role1-XYZ"), Map.of())
                                .build(),
                        "test.yaml:10:7: " + s3 + ".roleARN: " + prefix + "cannot change "
                                + "podIdentityAssociation.roleARN since the role was created by eksctl"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void plan_whenEksctlUpdateRuleBroken_refusesWithItsMessage(String name, ClusterState state, String expected) {
        assertEquals(List.of(expected), refused(EXAMPLE_02, Action.UPDATE, state));
    }

    @Test
    void plan_whenUnownedRoleAndNoRoleArn_refusesLikeEksctl() {
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      disableSessionTags: true
                """), Action.UPDATE);
        ClusterState state = world().association("default", "s3-reader", roleArn("theirs"), Map.of()).build();

        assertEquals(List.of("test.yaml:8:7: iam.podIdentityAssociations[0]: error updating pod identity "
                + "association \"default/s3-reader\": podIdentityAssociation.roleARN is required since the role was "
                + "not created by eksctl"), refused(config, Action.UPDATE, state));
    }

    @Test
    void plan_whenUnownedRoleAndPermissionFields_refusesLikeEksctl() {
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      roleARN: arn:aws:iam::111122223333:role/theirs
                      permissionsBoundaryARN: arn:aws:iam::111122223333:policy/boundary
                """), Action.UPDATE);
        ClusterState state = world().association("default", "s3-reader", roleArn("theirs"), Map.of()).build();

        assertEquals(List.of("test.yaml:8:7: iam.podIdentityAssociations[0]: error updating pod identity "
                + "association \"default/s3-reader\": only namespace, serviceAccountName, roleARN and policy can be "
                + "specified if the role was not created by eksctl"), refused(config, Action.UPDATE, state));
    }

    @Test
    void plan_whenOwnedRoleGetsNewPermissions_updatesRoleAndKeepsAssociation() {
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      permissionPolicyARNs: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]
                """), Action.UPDATE);
        ClusterState state = world()
                .ours("default", "s3-reader", List.of(policyArn("AmazonS3ReadOnlyAccess")), List.of(), null)
                .build();

        Plan plan = plan(config, Action.UPDATE, state);

        var step = assertInstanceOf(Step.EnsureRoleAndAssociation.class, plan.steps().get(0));
        assertEquals(DesiredRole.Mode.UPDATE_PERMISSIONS, step.role().mode());
        assertEquals(List.of(policyArn("AmazonS3FullAccess")), step.role().managedPolicyArns());
        assertEquals(associationId("default", "s3-reader"), step.associationId());
        assertEquals("""
                update on cluster "my-cluster":
                associate:
                  will update permissions of role "my-cluster+default+s3-reader" (managed: AmazonS3FullAccess), then update pod identity association "default/s3-reader" (%s) with role "my-cluster+default+s3-reader"
                1 change, 0 unchanged
                """.formatted(associationId("default", "s3-reader")), PlanText.render(plan));
    }

    @Test
    void plan_whenSessionPolicyAdded_sendsOnlyChangedFields() {
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      roleARN: arn:aws:iam::111122223333:role/theirs
                      disableSessionTags: true
                      policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
                      targetRoleARN: arn:aws:iam::444455556666:role/target
                """), Action.UPDATE);
        ClusterState state = world().userRole(roleArn("theirs"))
                .association("default", "s3-reader", roleArn("theirs"), Map.of()).build();

        Plan plan = plan(config, Action.UPDATE, state);

        var step = assertInstanceOf(Step.UpdateAssociation.class, plan.steps().get(0));
        assertNull(step.roleArn());
        assertEquals(true, step.disableSessionTags());
        assertEquals("arn:aws:iam::444455556666:role/target", step.targetRoleArn());
        assertTrue(step.policy().contains("s3:GetObject"));
        assertEquals(List.of("disableSessionTags false -> true", "policy added",
                "targetRoleArn (none) -> \"arn:aws:iam::444455556666:role/target\""), step.changes());
    }

    @Test
    void plan_whenOwnedRoleListedWithoutPermissions_keepsRoleAsIs() {
        // eksctl re-renders an owned role from the entry alone and would strip its policies; we keep them.
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      roleARN: arn:aws:iam::111122223333:role/my-cluster+default+s3-reader
                """), Action.UPDATE);
        ClusterState state = world()
                .ours("default", "s3-reader", List.of(policyArn("AmazonS3ReadOnlyAccess")), List.of(), null)
                .build();

        Plan plan = plan(config, Action.UPDATE, state);

        assertTrue(plan.isEmpty());
        assertTrue(OwnershipTags.isOwnedBy(state.roles().values().iterator().next().tags(), CLUSTER));
    }

    @Test
    void plan_whenRenamingRoleWeCreated_refuses() {
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      roleName: s3-reader-v2
                      permissionPolicyARNs: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
                """), Action.UPDATE);
        ClusterState state = world()
                .ours("default", "s3-reader", List.of(policyArn("AmazonS3ReadOnlyAccess")), List.of(), null)
                .build();

        assertEquals(List.of("test.yaml:10:7: iam.podIdentityAssociations[0].roleName: error updating pod identity "
                + "association \"default/s3-reader\": cannot rename role \"my-cluster+default+s3-reader\" created by "
                + "pod identity autopilot; delete the association and create it again"),
                refused(config, Action.UPDATE, state));
    }
}
