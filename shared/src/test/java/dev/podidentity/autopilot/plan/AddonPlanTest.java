package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.naming.OwnershipTags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** create-addon / update-addon / delete-addon with pod identities (reference §6), on the eksctl examples 04-08. */
class AddonPlanTest {
    static final String CNI_POLICY = policyArn("AmazonEKS_CNI_Policy");
    static final String CNI_ROLE = roleArn("my-cluster+addon=vpc-cni+aws-node");
    static final String CW_POLICY = policyArn("CloudWatchAgentServerPolicy");
    static final String PROM_POLICY = policyArn("AmazonPrometheusRemoteWriteAccess");

    static World cniSupported() {
        return world().support("vpc-cni", "v1.19.2-eksbuild.1", config("aws-node", CNI_POLICY));
    }

    /** An addon's role of ours, as a previous create-addon left it. */
    static World ourAddonRole(World w, String addon, String sa, String... managed) {
        return w.role(roleArn("my-cluster+addon=" + addon + "+" + sa), OwnershipTags.forAddon(CLUSTER, addon, sa),
                addonScopedTrust(sa), List.of(managed), List.of(), null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"04-addon-explicit.yaml", "05-addon-auto-apply.yaml", "06-addon-use-default.yaml"})
    void plan_whenCreatingVpcCniWithPodIdentity_createsRoleAndAddonTogether(String file) {
        ClusterState state = cniSupported().build();

        Plan plan = plan(example(file, Action.CREATE_ADDON), Action.CREATE_ADDON, state);

        var create = assertInstanceOf(Step.CreateAddon.class, plan.steps().get(0));
        assertEquals("addon/vpc-cni", create.id());
        assertEquals(1, create.podIdentityAssociations().size());
        var identity = create.podIdentityAssociations().get(0);
        assertEquals("aws-node", identity.serviceAccount());
        assertEquals(DesiredRole.Mode.CREATE, identity.role().mode());
        assertEquals(CNI_ROLE, identity.role().arn());
        assertEquals(List.of(CNI_POLICY), identity.role().managedPolicyArns());
        assertTrue(OwnershipTags.isOwnedBy(identity.role().tags(), CLUSTER));
        assertEquals("""
                create-addon on cluster "my-cluster":
                addons:
                  will create addon "vpc-cni" with pod identities: service account "aws-node" -> new role "my-cluster+addon=vpc-cni+aws-node" (managed: AmazonEKS_CNI_Policy)
                1 change, 0 unchanged
                """, PlanText.render(plan));
    }

    @Test
    void plan_whenAddonAlreadyPresent_skipsCreationLikeEksctl() {
        ClusterState state = cniSupported().addon("vpc-cni", "v1.19.2-eksbuild.1", null).build();

        Plan plan = plan(example("04-addon-explicit.yaml", Action.CREATE_ADDON), Action.CREATE_ADDON, state);

        assertTrue(plan.isEmpty());
        assertEquals(List.of(new Plan.Unchanged("addon/vpc-cni",
                "addon \"vpc-cni\" is already present on the cluster, skipping creation")), plan.unchanged());
    }

    @Test
    void plan_whenAddonDoesNotSupportPodIdentity_refusesWithEksctlMessage() {
        ClusterState state = world().support("vpc-cni", "v1.19.2-eksbuild.1").build();

        assertEquals(List.of("test.yaml:9:5: addons[0].podIdentityAssociations: \"vpc-cni\" addon does not support "
                        + "pod identity associations; use IRSA config (`addon.serviceAccountRoleARN`, "
                        + "`addon.attachPolicyARNs`, `addon.attachPolicy` or `addon.wellKnownPolicies`) instead"),
                refused(example("04-addon-explicit.yaml", Action.CREATE_ADDON), Action.CREATE_ADDON, state));
    }

    @Test
    void plan_whenAutoApplyAndAgentMissing_installsAgentFirst() {
        ClusterState state = cniSupported().noAgent().build();

        Plan plan = plan(example("05-addon-auto-apply.yaml", Action.CREATE_ADDON), Action.CREATE_ADDON, state);

        assertEquals(List.of("agent/eks-pod-identity-agent", "addon/vpc-cni"),
                plan.steps().stream().map(Step::id).toList());
    }

    static World adotBefore() {
        String ns = "opentelemetry-operator-system";
        World w = world().support("adot", "v0.109.0-eksbuild.1",
                config("adot-col-prom-metrics", PROM_POLICY), config("adot-col-otlp-ingest", CW_POLICY),
                config("adot-col-container-logs", CW_POLICY));
        ourAddonRole(w, "adot", "adot-col-prom-metrics", PROM_POLICY);
        ourAddonRole(w, "adot", "adot-col-otlp-ingest", CW_POLICY);
        w.addonAssociation("adot", ns, "adot-col-prom-metrics", roleArn("my-cluster+addon=adot+adot-col-prom-metrics"));
        w.addonAssociation("adot", ns, "adot-col-otlp-ingest", roleArn("my-cluster+addon=adot+adot-col-otlp-ingest"));
        return w.addon("adot", "v0.109.0-eksbuild.1", null, associationArn(ns, "adot-col-prom-metrics"),
                associationArn(ns, "adot-col-otlp-ingest"));
    }

    @Test
    void plan_whenExample07Reconciles_updatesChangedAddsNewRemovesDropped() {
        Plan plan = plan(example("07-addon-reconcile-adot.yaml", Action.UPDATE_ADDON), Action.UPDATE_ADDON,
                adotBefore().build());

        var update = assertInstanceOf(Step.UpdateAddon.class, plan.steps().get(0));
        assertEquals("addon/adot", update.id());
        assertEquals(List.of("adot-col-prom-metrics", "adot-col-container-logs"),
                update.podIdentityAssociations().stream().map(Step.AddonIdentity::serviceAccount).toList());
        assertEquals(DesiredRole.Mode.UPDATE_PERMISSIONS, update.podIdentityAssociations().get(0).role().mode());
        assertEquals(List.of(CW_POLICY), update.podIdentityAssociations().get(0).role().managedPolicyArns());
        assertEquals(DesiredRole.Mode.CREATE, update.podIdentityAssociations().get(1).role().mode());
        assertEquals(List.of(roleArn("my-cluster+addon=adot+adot-col-otlp-ingest")), update.deleteRoleArns());
        assertEquals("""
                update-addon on cluster "my-cluster":
                addons:
                  will update addon "adot": service account "adot-col-prom-metrics": role "my-cluster+addon=adot+adot-col-prom-metrics" with updated permissions (managed: CloudWatchAgentServerPolicy); add pod identity for service account "adot-col-container-logs" (new role "my-cluster+addon=adot+adot-col-container-logs" (managed: CloudWatchAgentServerPolicy)); remove pod identity of service account "adot-col-otlp-ingest"; delete role "my-cluster+addon=adot+adot-col-otlp-ingest"
                1 change, 0 unchanged
                """, PlanText.render(plan));
    }

    @Test
    void plan_whenExample07AlreadyApplied_isEmpty() {
        String ns = "opentelemetry-operator-system";
        World w = world().support("adot", "v0.109.0-eksbuild.1",
                config("adot-col-prom-metrics", PROM_POLICY), config("adot-col-otlp-ingest", CW_POLICY),
                config("adot-col-container-logs", CW_POLICY));
        ourAddonRole(w, "adot", "adot-col-prom-metrics", CW_POLICY);
        ourAddonRole(w, "adot", "adot-col-container-logs", CW_POLICY);
        w.addonAssociation("adot", ns, "adot-col-prom-metrics", roleArn("my-cluster+addon=adot+adot-col-prom-metrics"));
        w.addonAssociation("adot", ns, "adot-col-container-logs",
                roleArn("my-cluster+addon=adot+adot-col-container-logs"));
        w.addon("adot", "v0.109.0-eksbuild.1", null, associationArn(ns, "adot-col-prom-metrics"),
                associationArn(ns, "adot-col-container-logs"));
        ClusterState state = w.build();

        Plan plan = plan(example("07-addon-reconcile-adot.yaml", Action.UPDATE_ADDON), Action.UPDATE_ADDON, state);

        assertTrue(plan.isEmpty(), () -> PlanText.render(plan));
        assertEquals("addon \"adot\" is up to date", plan.unchanged().get(0).description());
    }

    static World cniWithOurPodIdentity() {
        World w = cniSupported();
        ourAddonRole(w, "vpc-cni", "aws-node", CNI_POLICY);
        w.addonAssociation("vpc-cni", "kube-system", "aws-node", CNI_ROLE);
        return w.addon("vpc-cni", "v1.19.2-eksbuild.1", null, associationArn("kube-system", "aws-node"));
    }

    @Test
    void plan_whenExample08EmptyList_removesAllAndDeletesOurRoles() {
        Plan plan = plan(example("08-addon-remove-all.yaml", Action.UPDATE_ADDON), Action.UPDATE_ADDON,
                cniWithOurPodIdentity().build());

        var update = assertInstanceOf(Step.UpdateAddon.class, plan.steps().get(0));
        assertEquals(List.of(), update.podIdentityAssociations());
        assertEquals(List.of(CNI_ROLE), update.deleteRoleArns());
        assertEquals("""
                update-addon on cluster "my-cluster":
                addons:
                  will update addon "vpc-cni": remove all pod identity associations; delete role "my-cluster+addon=vpc-cni+aws-node"
                1 change, 0 unchanged
                """, PlanText.render(plan));
    }

    @Test
    void plan_whenPodIdentityAssociationsOmittedButAddonHasSome_refusesWithEksctlMessage() {
        ClusterConfig config = yaml(header("""
                addons:
                  - name: vpc-cni
                    version: v1.19.2-eksbuild.1
                """), Action.UPDATE_ADDON);

        assertEquals(List.of("test.yaml:7:5: addons[0]: addon vpc-cni has pod identity associations, to remove pod "
                        + "identity associations from an addon, addon.podIdentityAssociations must be explicitly set "
                        + "to []; if the addon was migrated to use pod identity, addon.podIdentityAssociations must be "
                        + "set to values obtained from `aws eks describe-pod-identity-association "
                        + "--cluster-name=my-cluster --association-id=" + associationId("kube-system", "aws-node") + "`"),
                refused(config, Action.UPDATE_ADDON, cniWithOurPodIdentity().build()));
    }

    @Test
    void plan_whenOmittedWithAutoApply_leavesAssociationsAloneAndChangesVersion() {
        ClusterConfig config = yaml(header("""
                addonsConfig:
                  autoApplyPodIdentityAssociations: true
                addons:
                  - name: vpc-cni
                    version: v1.20.0-eksbuild.1
                """), Action.UPDATE_ADDON);

        Plan plan = plan(config, Action.UPDATE_ADDON, cniWithOurPodIdentity().build());

        var update = assertInstanceOf(Step.UpdateAddon.class, plan.steps().get(0));
        assertNull(update.podIdentityAssociations());
        assertEquals(List.of("version v1.19.2-eksbuild.1 -> v1.20.0-eksbuild.1"), update.changes());
    }

    @Test
    void plan_whenOwnedAddonRoleGivenAnotherRoleArn_refusesLikeEksctl() {
        ClusterConfig config = yaml(header("""
                addons:
                  - name: vpc-cni
                    podIdentityAssociations:
                      - namespace: kube-system
                        serviceAccountName: aws-node
                        roleARN: arn:aws:iam::111122223333:role/my-own-cni-role
                """), Action.UPDATE_ADDON);

        assertEquals(List.of("test.yaml:11:9: addons[0].podIdentityAssociations[0].roleARN: cannot change "
                        + "podIdentityAssociation.roleARN since the role was created by pod identity autopilot"),
                refused(config, Action.UPDATE_ADDON, cniWithOurPodIdentity().userRole(roleArn("my-own-cni-role")).build()));
    }

    @Test
    void plan_whenUpdateAddonUseDefaultOnIrsaAddon_movesItToPodIdentity() {
        ClusterConfig config = example("06-addon-use-default.yaml", Action.UPDATE_ADDON);
        ClusterState state = cniSupported().addon("vpc-cni", "v1.19.2-eksbuild.1", roleArn("cni-irsa")).build();

        var update = assertInstanceOf(Step.UpdateAddon.class,
                plan(config, Action.UPDATE_ADDON, state).steps().get(0));

        assertEquals(CNI_ROLE, update.podIdentityAssociations().get(0).role().arn());
        assertEquals(List.of("add pod identity for service account \"aws-node\" (new role "
                + "\"my-cluster+addon=vpc-cni+aws-node\" (managed: AmazonEKS_CNI_Policy))"), update.changes());
    }

    @Test
    void plan_whenUpdatingAddonThatIsNotInstalled_refuses() {
        assertEquals(List.of("test.yaml:7:5: addons[0].name: addon \"vpc-cni\" is not installed on cluster "
                        + "\"my-cluster\"; use create-addon"),
                refused(example("06-addon-use-default.yaml", Action.UPDATE_ADDON), Action.UPDATE_ADDON,
                        cniSupported().build()));
    }

    @Test
    void plan_whenDeletingAddon_deletesOurRolesAfterEksDeletesItsAssociations() {
        Plan plan = plan(example("06-addon-use-default.yaml", Action.DELETE_ADDON), Action.DELETE_ADDON,
                cniWithOurPodIdentity().build());

        var delete = assertInstanceOf(Step.DeleteAddon.class, plan.steps().get(0));
        assertEquals(Phase.PRUNE, delete.phase());
        assertEquals(List.of(CNI_ROLE), delete.deleteRoleArns());
        assertEquals("""
                delete-addon on cluster "my-cluster":
                prune:
                  will delete addon "vpc-cni" (EKS deletes its pod identity associations) and role "my-cluster+addon=vpc-cni+aws-node"
                1 change, 0 unchanged
                """, PlanText.render(plan));
        assertTrue(plan(example("06-addon-use-default.yaml", Action.DELETE_ADDON), Action.DELETE_ADDON,
                cniSupported().build()).isEmpty());
    }

    @Test
    void plan_whenAddonRoleHasUserRoleArn_keepsUserRoleOnDelete() {
        World w = cniSupported().userRole(roleArn("their-cni-role"));
        w.addonAssociation("vpc-cni", "kube-system", "aws-node", roleArn("their-cni-role"));
        w.addon("vpc-cni", "v1.19.2-eksbuild.1", null, associationArn("kube-system", "aws-node"));

        var delete = assertInstanceOf(Step.DeleteAddon.class, plan(example("06-addon-use-default.yaml",
                Action.DELETE_ADDON), Action.DELETE_ADDON, w.build()).steps().get(0));

        assertEquals(List.of(), delete.deleteRoleArns());
    }
}
