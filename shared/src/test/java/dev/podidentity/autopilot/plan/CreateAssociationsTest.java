package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.naming.OwnershipTags;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CreateAssociationsTest {
    static final String S3_ROLE = roleArn("my-cluster+default+s3-reader");
    static final List<String> S3_MANAGED = List.of("arn:aws:iam::111122223333:policy/permission-policy-1",
            "arn:aws:iam::111122223333:policy/permission-policy-2");
    static final List<String> S3_INLINE = List.of("PolicyAutoScaling", "PolicyExternalDNSChangeSet",
            "PolicyExternalDNSHostedZones");
    static final String S3_BOUNDARY = "arn:aws:iam::111122223333:policy/permissions-boundary";

    @Test
    void plan_whenExample01OnClusterWithoutAssociations_createsRoleThenAssociations() {
        ClusterState state = world().userRole(roleArn("app-cache-access")).build();

        Plan plan = plan(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertEquals(List.of("associate/default/s3-reader", "associate/dev/app-cache-access"),
                plan.steps().stream().map(Step::id).toList());
        var s3 = assertInstanceOf(Step.EnsureRoleAndAssociation.class, plan.steps().get(0));
        assertEquals(DesiredRole.Mode.CREATE, s3.role().mode());
        assertEquals(S3_ROLE, s3.role().arn());
        assertEquals(S3_MANAGED, s3.role().managedPolicyArns());
        assertEquals(S3_INLINE, List.copyOf(s3.role().inlinePolicies().keySet()));
        assertEquals(S3_BOUNDARY, s3.role().permissionsBoundaryArn());
        assertEquals("storage", s3.role().tags().get("team"));
        assertTrue(OwnershipTags.isOwnedBy(s3.role().tags(), CLUSTER));
        assertTrue(OwnershipTags.isOwnedBy(s3.tags(), CLUSTER));
        assertTrue(s3.createServiceAccount());
        assertNull(s3.associationId());
        var cache = assertInstanceOf(Step.EnsureRoleAndAssociation.class, plan.steps().get(1));
        assertEquals(DesiredRole.existing(roleArn("app-cache-access")), cache.role());
        assertEquals("""
                create on cluster "my-cluster":
                associate:
                  will create role "my-cluster+default+s3-reader" (managed: permission-policy-1, permission-policy-2; inline: PolicyAutoScaling, PolicyExternalDNSChangeSet, PolicyExternalDNSHostedZones; boundary: permissions-boundary), then create pod identity association "default/s3-reader" with role "my-cluster+default+s3-reader" (creating the service account if missing)
                  will create pod identity association "dev/app-cache-access" with role "app-cache-access"
                2 changes, 0 unchanged
                """, PlanText.render(plan));
    }

    @Test
    void plan_whenExample01AlreadyApplied_isEmpty() {
        ClusterState state = world()
                .userRole(roleArn("app-cache-access"))
                .association("dev", "app-cache-access", roleArn("app-cache-access"),
                        OwnershipTags.forAssociation(CLUSTER, "dev", "app-cache-access"))
                .ours("default", "s3-reader", S3_MANAGED, S3_INLINE, S3_BOUNDARY)
                .build();

        Plan plan = plan(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertTrue(plan.isEmpty());
        assertEquals("""
                create on cluster "my-cluster":
                unchanged:
                  pod identity association "default/s3-reader" already exists with role "my-cluster+default+s3-reader"
                  pod identity association "dev/app-cache-access" already exists with role "app-cache-access"
                0 changes, 2 unchanged
                """, PlanText.render(plan));
    }

    /** Issue 13: an idempotent create on a role we made with the old open trust narrows it instead of refusing. */
    @Test
    void plan_whenExample01AppliedBeforeTrustWasScoped_scopesTheTrustInsteadOfRefusing() {
        ClusterState state = world()
                .userRole(roleArn("app-cache-access"))
                .association("dev", "app-cache-access", roleArn("app-cache-access"),
                        OwnershipTags.forAssociation(CLUSTER, "dev", "app-cache-access"))
                .ours("default", "s3-reader", POD_TRUST, S3_MANAGED, S3_INLINE, S3_BOUNDARY)
                .build();

        Plan plan = plan(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertEquals(List.of("associate/default/s3-reader"), plan.steps().stream().map(Step::id).toList());
        var s3 = assertInstanceOf(Step.EnsureRoleAndAssociation.class, plan.steps().getFirst());
        assertEquals(DesiredRole.Mode.UPDATE_TRUST, s3.role().mode());
        assertEquals("trust: scope pods.eks.amazonaws.com to cluster \"my-cluster\", service account "
                + "\"default/s3-reader\"", s3.role().trustChange());
    }

    @Test
    void plan_whenAssociationExistsWithAnotherRole_refusesAndPointsToUpdate() {
        ClusterState state = world()
                .userRole(roleArn("app-cache-access"))
                .association("dev", "app-cache-access", roleArn("someone-elses"), Map.of())
                .build();

        List<String> problems = refused(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertEquals(List.of("test.yaml:21:7: iam.podIdentityAssociations[1]: pod identity association "
                + "\"dev/app-cache-access\" already exists (" + associationId("dev", "app-cache-access")
                + ") and differs from the config (roleArn \"someone-elses\" -> \"app-cache-access\"); use update or "
                + "apply to change it"), problems);
    }

    @Test
    void plan_whenAgentMissing_installsItBeforeAssociating() {
        ClusterState state = world().noAgent().userRole(roleArn("app-cache-access")).build();

        Plan plan = plan(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertEquals(List.of("agent/eks-pod-identity-agent", "associate/default/s3-reader",
                "associate/dev/app-cache-access"), plan.steps().stream().map(Step::id).toList());
        assertEquals(Phase.AGENT, plan.steps().get(0).phase());
    }

    @Test
    void plan_whenAutoModeWithoutAgentAddon_installsNoAgent() {
        ClusterState state = world().autoMode().userRole(roleArn("app-cache-access")).build();

        Plan plan = plan(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertTrue(plan.stepsIn(Phase.AGENT).isEmpty());
        assertEquals(2, plan.stepsIn(Phase.ASSOCIATE).size());
    }

    @Test
    void plan_whenClusterStillCreating_waitsForActiveFirst() {
        ClusterState state = world().status(ClusterState.ClusterStatus.CREATING).noAgent().build();

        Plan plan = plan(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertEquals(List.of("wait/my-cluster", "agent/eks-pod-identity-agent", "associate/default/s3-reader",
                "associate/dev/app-cache-access"), plan.steps().stream().map(Step::id).toList());
    }

    @Test
    void plan_whenRoleNameTakenBySomeoneElsesRole_refusesToAdoptIt() {
        ClusterState state = world().userRole(S3_ROLE).userRole(roleArn("app-cache-access")).build();

        List<String> problems = refused(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertEquals(List.of("test.yaml:9:7: iam.podIdentityAssociations[0]: role \"my-cluster+default+s3-reader\" "
                + "already exists and was not created by pod identity autopilot for cluster \"my-cluster\"; set "
                + "roleARN to use it as it is, or roleName to create another"), problems);
    }

    @Test
    void plan_whenUserRoleLacksPodsTrust_warnsWithoutTouchingIt() {
        ClusterState state = world()
                .role(roleArn("app-cache-access"), Map.of(), irsaTrust("dev", "app-cache-access"), List.of(),
                        List.of(), null)
                .build();

        Plan plan = plan(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertTrue(plan.stepsIn(Phase.TRUST).isEmpty());
        assertEquals(List.of("role \"app-cache-access\" does not trust pods.eks.amazonaws.com; pods of "
                + "dev/app-cache-access will get no credentials until its trust policy allows sts:AssumeRole and "
                + "sts:TagSession for that service principal"), plan.warnings());
    }

    /** Our role's trust converges with the role, in one write, to what a role made now has: the scoped statement. */
    @Test
    void plan_whenOurRoleLostPodsTrust_restoresItWithTheRole() {
        ClusterState state = world()
                .userRole(roleArn("app-cache-access"))
                .role(S3_ROLE, OwnershipTags.forAssociation(CLUSTER, "default", "s3-reader"), "{\"Version\":"
                        + "\"2012-10-17\",\"Statement\":[]}", S3_MANAGED, S3_INLINE, S3_BOUNDARY)
                .build();

        Plan plan = plan(example("01-create-associations.yaml", Action.CREATE), Action.CREATE, state);

        assertTrue(plan.stepsIn(Phase.TRUST).isEmpty(), () -> PlanText.render(plan));
        var ensure = assertInstanceOf(Step.EnsureRoleAndAssociation.class, plan.stepsIn(Phase.ASSOCIATE).get(0));
        assertEquals(DesiredRole.Mode.UPDATE_TRUST, ensure.role().mode());
        assertEquals("trust: scope pods.eks.amazonaws.com to cluster \"my-cluster\", service account "
                + "\"default/s3-reader\"", ensure.role().trustChange());
    }
}
