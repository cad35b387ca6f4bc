package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.naming.OwnershipTags;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** migrate-to-pod-identity (reference §7) with eksctl's faults fixed. */
class MigrateTest {
    static final ClusterConfig CONFIG = yaml(header(""), Action.MIGRATE_TO_POD_IDENTITY);
    static final String OWNED_ROLE = roleArn("my-cluster-irsa-sa1");
    static final String UNOWNED_ROLE = roleArn("Unowned-Role1");
    static final String EBS_ROLE = roleArn("AmazonEKS_EBS_CSI_DriverRole");
    static final String CNI_ROLE = roleArn("AmazonEKSVPCCNIRole");
    static final PlanOptions APPROVE = PlanOptions.defaults().withApprove(true);
    /** The tag an IAM administrator puts on a role that is not ours so that migration may rewrite its trust. */
    static final Map<String, String> OPTED_IN = Map.of(OwnershipTags.MIGRATION, OwnershipTags.ALLOWED);

    /** The seed world: two IRSA service accounts (one role ours, one not) and two addons on IRSA; no agent. */
    static World seed() {
        return world().noAgent()
                .role(OWNED_ROLE, OwnershipTags.forAssociation(CLUSTER, "default", "sa1"), irsaTrust("default", "sa1"),
                        List.of(policyArn("AmazonS3ReadOnlyAccess")), List.of(), null)
                .role(UNOWNED_ROLE, OPTED_IN, irsaTrust("default", "sa2"), List.of(), List.of(), null)
                .role(EBS_ROLE, OPTED_IN, irsaTrust("kube-system", "ebs-csi-controller-sa"),
                        List.of(policyArn("service-role/AmazonEBSCSIDriverPolicy")), List.of(), null)
                .role(CNI_ROLE, OPTED_IN, irsaTrust("kube-system", "aws-node"), List.of(policyArn("AmazonEKS_CNI_Policy")),
                        List.of(), null)
                .irsa("default", "sa1", OWNED_ROLE)
                .irsa("default", "sa2", UNOWNED_ROLE)
                .irsa("kube-system", "aws-node", CNI_ROLE)
                .irsa("kube-system", "ebs-csi-controller-sa", EBS_ROLE)
                .addon("aws-ebs-csi-driver", "v1.37.0-eksbuild.1", EBS_ROLE)
                .addon("vpc-cni", "v1.19.2-eksbuild.1", CNI_ROLE)
                .support("aws-ebs-csi-driver", "v1.37.0-eksbuild.1",
                        config("ebs-csi-controller-sa", policyArn("service-role/AmazonEBSCSIDriverPolicy")))
                .support("vpc-cni", "v1.19.2-eksbuild.1", config("aws-node", policyArn("AmazonEKS_CNI_Policy")));
    }

    @Test
    void plan_whenSeedWorldWithoutApprove_plansEverythingAndSaysHowToApprove() {
        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, seed().build());

        assertTrue(plan.planOnly());
        assertEquals(List.of("agent/eks-pod-identity-agent", "trust/AmazonEKSVPCCNIRole",
                "trust/AmazonEKS_EBS_CSI_DriverRole", "trust/Unowned-Role1", "trust/my-cluster-irsa-sa1",
                "associate/default/sa1", "associate/default/sa2", "addon/aws-ebs-csi-driver", "addon/vpc-cni"),
                plan.steps().stream().map(Step::id).toList());
        var cniTrust = assertInstanceOf(Step.UpdateTrustPolicy.class, step(plan, "trust/AmazonEKSVPCCNIRole"));
        assertEquals(OIDC_PROVIDER, cniTrust.removeOidcProviderArn());
        var saTrust = assertInstanceOf(Step.UpdateTrustPolicy.class, step(plan, "trust/Unowned-Role1"));
        assertNull(saTrust.removeOidcProviderArn());
        var cni = assertInstanceOf(Step.MigrateAddon.class, step(plan, "addon/vpc-cni"));
        assertEquals("aws-node", cni.serviceAccount());
        assertEquals(CNI_ROLE, cni.roleArn());
        assertEquals("v1.19.2-eksbuild.1", cni.version());
        assertEquals("""
                (plan) migrate-to-pod-identity on cluster "my-cluster":
                agent:
                  (plan) would install addon "eks-pod-identity-agent" and wait for it to be ACTIVE
                trust:
                  (plan) would update trust policy of role "AmazonEKSVPCCNIRole" (owner: unknown): allow pods.eks.amazonaws.com, remove trust in OIDC provider "%1$s" (for addon vpc-cni)
                  (plan) would update trust policy of role "AmazonEKS_EBS_CSI_DriverRole" (owner: unknown): allow pods.eks.amazonaws.com, remove trust in OIDC provider "%1$s" (for addon aws-ebs-csi-driver)
                  (plan) would update trust policy of role "Unowned-Role1" (owner: unknown): allow pods.eks.amazonaws.com (for default/sa2)
                  (plan) would update trust policy of role "my-cluster-irsa-sa1" (owner: pod-identity-autopilot): allow pods.eks.amazonaws.com (for default/sa1)
                associate:
                  (plan) would create pod identity association "default/sa1" with its IRSA role "my-cluster-irsa-sa1"
                  (plan) would create pod identity association "default/sa2" with its IRSA role "Unowned-Role1"
                addons:
                  (plan) would migrate addon "aws-ebs-csi-driver" to pod identity: service account "ebs-csi-controller-sa" with role "AmazonEKS_EBS_CSI_DriverRole"
                  (plan) would migrate addon "vpc-cni" to pod identity: service account "aws-node" with role "AmazonEKSVPCCNIRole"
                unchanged:
                  found IAM role for service account kube-system/aws-node associated with EKS addon vpc-cni; migrated with the addon
                  found IAM role for service account kube-system/ebs-csi-controller-sa associated with EKS addon aws-ebs-csi-driver; migrated with the addon
                9 changes, 2 unchanged
                no changes were applied; run again with "approve": true to apply the changes
                """.formatted(ISSUER), PlanText.render(plan));
    }

    @Test
    void plan_whenApprovedWithOidcRemoval_dropsOidcTrustAndAnnotationsOfServiceAccounts() {
        PlanOptions options = APPROVE.withRemoveOidcProviderTrustRelationship(true);

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, seed().build(), options);

        assertFalse(plan.planOnly());
        var saTrust = assertInstanceOf(Step.UpdateTrustPolicy.class, step(plan, "trust/Unowned-Role1"));
        assertEquals(OIDC_PROVIDER, saTrust.removeOidcProviderArn());
        assertEquals(List.of("annotation/default/sa1", "annotation/default/sa2"),
                plan.stepsIn(Phase.PRUNE).stream().map(Step::id).toList());
        assertEquals("will remove annotation \"eks.amazonaws.com/role-arn\" from service account \"default/sa1\"",
                "will " + PlanText.describe(plan.stepsIn(Phase.PRUNE).get(0)));
    }

    @Test
    void plan_whenRoleSharedByTwoServiceAccounts_updatesItsTrustOnce() {
        String shared = roleArn("shared-irsa");
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\""
                + OIDC_PROVIDER + "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\""
                + ISSUER + ":sub\":[\"system:serviceaccount:team-a:app\",\"system:serviceaccount:team-b:app\"]}}}]}";
        ClusterState state = world().role(shared, OPTED_IN, trust, List.of(), List.of(), null)
                .irsa("team-a", "app", shared).irsa("team-b", "app", shared).build();

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state,
                APPROVE.withRemoveOidcProviderTrustRelationship(true));

        List<Step> trustSteps = plan.stepsIn(Phase.TRUST);
        assertEquals(1, trustSteps.size());
        var only = assertInstanceOf(Step.UpdateTrustPolicy.class, trustSteps.get(0));
        assertEquals(List.of("team-a/app", "team-b/app"), only.usedBy());
        assertTrue(only.addPodIdentityStatement());
        assertEquals(OIDC_PROVIDER, only.removeOidcProviderArn());
        assertEquals(List.of("associate/team-a/app", "associate/team-b/app"),
                plan.stepsIn(Phase.ASSOCIATE).stream().map(Step::id).toList());
    }

    @Test
    void plan_whenRoleArnHasAPath_migratesIt() {
        String pathed = "arn:aws:iam::111122223333:role/teams/payments/payments-irsa";
        ClusterState state = world()
                .role(pathed, OPTED_IN, irsaTrust("payments", "ledger"), List.of(), List.of(), null)
                .irsa("payments", "ledger", pathed).build();

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state, APPROVE);

        var trust = assertInstanceOf(Step.UpdateTrustPolicy.class, step(plan, "trust/payments-irsa"));
        assertEquals(pathed, trust.roleArn());
        var migrate = assertInstanceOf(Step.MigrateServiceAccount.class, step(plan, "associate/payments/ledger"));
        assertEquals(pathed, migrate.roleArn());
        assertEquals("will create pod identity association \"payments/ledger\" with its IRSA role "
                + "\"teams/payments/payments-irsa\"", "will " + PlanText.describe(migrate));
    }

    @Test
    void plan_whenAlreadyMigrated_isEmpty() {
        String role = roleArn("Unowned-Role1");
        String both = "{\"Version\":\"2012-10-17\",\"Statement\":[" + POD_TRUST.substring(POD_TRUST.indexOf('[') + 1,
                POD_TRUST.lastIndexOf(']')) + "," + irsaTrust("default", "sa2").substring(
                irsaTrust("default", "sa2").indexOf('[') + 1);
        ClusterState state = world().role(role, OPTED_IN, both, List.of(), List.of(), null)
                .irsa("default", "sa2", role)
                .association("default", "sa2", role, Map.of())
                .build();

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state, APPROVE);

        assertTrue(plan.isEmpty(), () -> PlanText.render(plan));
        assertEquals(List.of(new Plan.Unchanged("associate/default/sa2", "service account \"default/sa2\" already "
                + "has a pod identity association with role \"Unowned-Role1\"")), plan.unchanged());
        // Asked to drop OIDC on the rerun: only the trust change and the annotation remain to do.
        Plan removal = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state,
                APPROVE.withRemoveOidcProviderTrustRelationship(true));
        assertEquals(List.of("trust/Unowned-Role1", "annotation/default/sa2"),
                removal.steps().stream().map(Step::id).toList());
        assertFalse(assertInstanceOf(Step.UpdateTrustPolicy.class, removal.steps().get(0)).addPodIdentityStatement());
    }

    @Test
    void plan_whenAddonAlreadyOnPodIdentityOrUnsupported_skipsItLikeEksctl() {
        ClusterState state = world()
                .role(CNI_ROLE, OPTED_IN, irsaTrust("kube-system", "aws-node"), List.of(), List.of(), null)
                .addonAssociation("vpc-cni", "kube-system", "aws-node", CNI_ROLE)
                .addon("vpc-cni", "v1.19.2-eksbuild.1", CNI_ROLE, associationArn("kube-system", "aws-node"))
                .addon("coredns", "v1.11.3-eksbuild.2", roleArn("coredns-irsa"))
                .support("coredns", "v1.11.3-eksbuild.2")
                .build();

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state, APPROVE);

        assertTrue(plan.isEmpty());
        assertEquals(List.of("addon coredns does not support pod identity; skipping migration to pod identity",
                "addon vpc-cni is already using pod identity; skipping migration to pod identity"),
                plan.unchanged().stream().map(Plan.Unchanged::description).toList());
        assertEquals(List.of("no iamserviceaccounts or addons found to migrate to pod identity"), plan.warnings());
    }

    @Test
    void plan_whenClusterHasNoOidcProvider_hasNothingToMigrate() {
        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, seed().noOidcProvider().build());

        assertTrue(plan.isEmpty());
        assertEquals("""
                (plan) migrate-to-pod-identity on cluster "my-cluster":
                warnings:
                  no IAM OIDC provider associated with cluster, hence no iamserviceaccounts to be migrated
                0 changes, 0 unchanged
                """, PlanText.render(plan));
    }

    @Test
    void plan_whenStateListedInAnotherOrder_givesTheSamePlan() {
        ClusterState state = seed().build();
        List<ClusterState.IrsaServiceAccount> reversed = new java.util.ArrayList<>(state.irsaServiceAccounts());
        java.util.Collections.reverse(reversed);
        List<ClusterState.AddonState> addons = new java.util.ArrayList<>(state.addons());
        java.util.Collections.reverse(addons);
        ClusterState shuffled = new ClusterState(state.clusterName(), state.accountId(), state.region(),
                state.partition(), state.status(), state.autoMode(), state.oidcProviderArn(), state.agent(), addons,
                state.associations(), new java.util.HashMap<>(state.roles()), state.addonSupport(), reversed);

        assertEquals(PlanJson.write(plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state)),
                PlanJson.write(plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, shuffled)));
    }

    @Test
    void plan_whenRoleCreatedByEksctl_namesItsOwnerInThePlan() {
        String eksctlRole = roleArn("eksctl-my-cluster-addon-iamserviceaccount-default-sa3-Role1-ABC");
        ClusterState state = world()
                .role(eksctlRole, Map.of("alpha.eksctl.io/cluster-name", CLUSTER,
                        "alpha.eksctl.io/iamserviceaccount-name", "default/sa3", OwnershipTags.MIGRATION, OwnershipTags.ALLOWED),
                        irsaTrust("default", "sa3"),
                        List.of(), List.of(), null)
                .irsa("default", "sa3", eksctlRole).build();

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state, APPROVE);

        assertEquals("update trust policy of role "
                + "\"eksctl-my-cluster-addon-iamserviceaccount-default-sa3-Role1-ABC\" (owner: eksctl): allow pods.eks.amazonaws.com "
                + "(for default/sa3)", PlanText.describe(plan.stepsIn(Phase.TRUST).get(0)));
    }

    /** Issue 13: an annotation names a role; only the role's IRSA trust says whether IRSA really granted it. */
    @Test
    void plan_whenAnnotatedRoleTrustsAnotherServiceAccount_skipsItAndSaysWhy() {
        String admin = roleArn("admin");
        ClusterState state = world().role(admin, OPTED_IN, irsaTrust("ops", "deployer"), List.of(), List.of(), null)
                .irsa("default", "attacker", admin).build();

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state, APPROVE);

        assertEquals(List.of(), plan.steps().stream().filter(st -> !(st instanceof Step.InstallAgent)).toList());
        assertTrue(plan.warnings().contains("service account \"default/attacker\": role \"" + admin + "\" does not trust this "
                + "cluster's OIDC provider for system:serviceaccount:default:attacker (its IRSA trust does not grant "
                + "it); skipping migration to pod identity"), plan.warnings().toString());
    }

    @Test
    void plan_whenRoleTrustsAnotherClustersProvider_skipsIt() {
        String role = roleArn("other-cluster-irsa");
        String otherProvider = irsaTrust("default", "sa9").replace("EXAMPLED539D4633E53DE1B71EXAMPLE", "OTHERCLUSTER");
        ClusterState state = world().role(role, OPTED_IN, otherProvider, List.of(), List.of(), null)
                .irsa("default", "sa9", role).build();

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state, APPROVE);

        assertEquals(List.of(), plan.stepsIn(Phase.TRUST));
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("does not trust this cluster's OIDC provider")),
                plan.warnings().toString());
    }

    @Test
    void plan_whenTrustNamesTheServiceAccountWithACoveringWildcard_migratesIt() {
        String role = roleArn("team-irsa");
        String like = irsaTrust("team-a", "*").replace("StringEquals", "StringLike");
        ClusterState state = world().role(role, OPTED_IN, like, List.of(), List.of(), null)
                .irsa("team-a", "worker", role).build();

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state, APPROVE);

        assertInstanceOf(Step.MigrateServiceAccount.class, step(plan, "associate/team-a/worker"));
    }

    /** Trust is rewritten only on roles we own or that an IAM administrator opted in to migration. */
    @Test
    void plan_whenRoleIsNeitherOursNorOptedIn_skipsItInsteadOfRewritingItsTrust() {
        String role = roleArn("someone-elses");
        ClusterState state = world().role(role, Map.of(), irsaTrust("default", "sa2"), List.of(), List.of(), null)
                .irsa("default", "sa2", role).build();

        Plan plan = plan(CONFIG, Action.MIGRATE_TO_POD_IDENTITY, state, APPROVE);

        assertEquals(List.of(), plan.stepsIn(Phase.TRUST));
        assertTrue(plan.warnings().contains("service account \"default/sa2\": role \"" + role + "\" "
                + MigrationPlanner.TRUST_BLOCKED + "; skipping migration to pod identity"), plan.warnings().toString());
    }
}
