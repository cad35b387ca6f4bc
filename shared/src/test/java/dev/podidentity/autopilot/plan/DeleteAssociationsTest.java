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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeleteAssociationsTest {
    static final ClusterConfig EXAMPLE_03 = example("03-delete-associations.yaml", Action.DELETE);
    static final String S3_ROLE = roleArn("my-cluster+default+s3-reader");

    @Test
    void plan_whenExample03_deletesBothAndOnlyTheRoleWeCreated() {
        ClusterState state = world()
                .ours("default", "s3-reader", List.of(policyArn("AmazonS3ReadOnlyAccess")), List.of(), null)
                .userRole(roleArn("app-cache-access"))
                .association("dev", "app-cache-access", roleArn("app-cache-access"), Map.of())
                .build();

        Plan plan = plan(EXAMPLE_03, Action.DELETE, state);

        assertEquals(List.of("prune/default/s3-reader", "prune/dev/app-cache-access"),
                plan.steps().stream().map(Step::id).toList());
        var s3 = assertInstanceOf(Step.DeleteAssociation.class, plan.steps().get(0));
        assertEquals(S3_ROLE, s3.deleteRoleArn());
        var cache = assertInstanceOf(Step.DeleteAssociation.class, plan.steps().get(1));
        assertNull(cache.deleteRoleArn());
        assertEquals("""
                delete on cluster "my-cluster":
                prune:
                  will delete pod identity association "default/s3-reader" (%s) and its role "my-cluster+default+s3-reader": named in the config
                  will delete pod identity association "dev/app-cache-access" (%s): named in the config; role "app-cache-access" is kept (not created by pod identity autopilot)
                2 changes, 0 unchanged
                """.formatted(associationId("default", "s3-reader"), associationId("dev", "app-cache-access")),
                PlanText.render(plan));
    }

    @Test
    void plan_whenAssociationOwnedByAddon_refusesWithEksctlMessage() {
        ClusterState state = world()
                .addonAssociation("vpc-cni", "default", "s3-reader", roleArn("cni"))
                .build();

        assertEquals(List.of("test.yaml:8:7: iam.podIdentityAssociations[0]: cannot delete podidentityassociation "
                + "default/s3-reader as it is in use by addon " + addonArn("vpc-cni") + "; please use `eksctl update "
                + "addon` or `eksctl delete addon` instead"), refused(EXAMPLE_03, Action.DELETE, state));
    }

    @Test
    void plan_whenAlreadyDeleted_isEmptyButFinishesALeftoverRoleOfOurs() {
        // A run that deleted the association and failed before deleting the role converges on rerun.
        ClusterState state = world()
                .role(S3_ROLE, OwnershipTags.forAssociation(CLUSTER, "default", "s3-reader"), POD_TRUST, List.of(),
                        List.of(), null)
                .build();

        Plan plan = plan(EXAMPLE_03, Action.DELETE, state);

        var leftover = assertInstanceOf(Step.DeleteAssociation.class, plan.steps().get(0));
        assertNull(leftover.associationId());
        assertEquals(S3_ROLE, leftover.deleteRoleArn());
        assertEquals("""
                delete on cluster "my-cluster":
                prune:
                  will delete role "my-cluster+default+s3-reader" created for "default/s3-reader": association already deleted
                unchanged:
                  pod identity association "dev/app-cache-access" not found
                1 change, 1 unchanged
                """, PlanText.render(plan));
        ClusterState after = world().build();
        assertTrue(plan(EXAMPLE_03, Action.DELETE, after).isEmpty());
    }

    @Test
    void plan_whenRoleOursButForAnotherCluster_keepsIt() {
        ClusterState state = world()
                .role(S3_ROLE, OwnershipTags.forAssociation("other-cluster", "default", "s3-reader"), POD_TRUST,
                        List.of(), List.of(), null)
                .association("default", "s3-reader", S3_ROLE, Map.of())
                .build();

        var step = assertInstanceOf(Step.DeleteAssociation.class, plan(EXAMPLE_03, Action.DELETE, state).steps().get(0));

        assertNull(step.deleteRoleArn());
    }

    @Test
    void plan_whenOurRoleIsAlsoUsedByAnotherAssociation_keepsIt() {
        ClusterState state = world()
                .ours("default", "s3-reader", List.of(policyArn("AmazonS3ReadOnlyAccess")), List.of(), null)
                .association("batch", "reports", S3_ROLE, Map.of())
                .build();

        Plan plan = plan(EXAMPLE_03, Action.DELETE, state);

        var step = assertInstanceOf(Step.DeleteAssociation.class, plan.steps().get(0));
        assertNull(step.deleteRoleArn());
        assertEquals(List.of("role \"my-cluster+default+s3-reader\" was created for default/s3-reader but is used "
                + "elsewhere too; it is kept"), plan.warnings());
    }
}
