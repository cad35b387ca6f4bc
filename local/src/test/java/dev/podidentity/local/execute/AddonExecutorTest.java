package dev.podidentity.local.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.AwsIamRoles;
import dev.podidentity.autopilot.error.NotOwnedException;
import dev.podidentity.autopilot.execute.AddonExecutor;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.plan.DesiredRole;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.local.LocalCloud;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.eks.model.Addon;

/** AddonExecutor on dev-cluster: addon pod identities are changed only through the addon API; roles ours to delete only. */
class AddonExecutorTest {
    private static final String CLUSTER = "dev-cluster";
    private static final String EFS = "aws-efs-csi-driver";
    private static final String EFS_SA = "efs-csi-controller-sa";
    private static final String EFS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy";
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static AwsClients clients;
    private static AwsIamRoles iam;
    private static AddonExecutor addons;

    @BeforeAll
    static void clients() {
        addons = LocalAws.executors(clients).addons();
    }

    @AfterEach
    void noEfs() {
        cloud.eksEmulator().setRolePropagationChecks(0);
        if (clients.eks().listAddons(r -> r.clusterName(CLUSTER)).addons().contains(EFS)) {
            clients.eks().deleteAddon(r -> r.clusterName(CLUSTER).addonName(EFS));
        }
    }

    private static DesiredRole efsRole(String name) {
        return new DesiredRole(DesiredRole.Mode.CREATE, LocalAws.roleArn("/pod-identity-autopilot/", name), name,
                "/pod-identity-autopilot/", List.of(EFS_POLICY), Map.of(), null,
                OwnershipTags.forAddon(CLUSTER, EFS, EFS_SA));
    }

    private static Step.CreateAddon createEfs(String roleName) {
        return new Step.CreateAddon(EFS, "v2.1.10-eksbuild.1", null, null, Map.of("team", "storage"), null,
                List.of(new Step.AddonIdentity(EFS_SA, efsRole(roleName))));
    }

    private static Addon describe(String name) {
        return clients.eks().describeAddon(r -> r.clusterName(CLUSTER).addonName(name)).addon();
    }

    /** Service account → role of the addon's own associations. */
    private static Map<String, String> identities(String name) {
        Map<String, String> out = new TreeMap<>();
        for (String arn : describe(name).podIdentityAssociations()) {
            var a = clients.eks().describePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                    .associationId(arn.substring(arn.lastIndexOf('/') + 1))).association();
            assertEquals(describe(name).addonArn(), a.ownerArn());
            out.put(a.serviceAccount(), a.roleArn());
        }
        return out;
    }

    @Test
    @DisplayName("CreateAddon: role created first, addon ACTIVE with its own association; rerun UNCHANGED without writes")
    void create_whenMissing_createsRoleAndAddonThenRerunIsUnchanged() {
        Outcome outcome = addons.create(CLUSTER, createEfs("addon-efs-create"));

        assertEquals(Outcome.Result.CREATED, outcome.result());
        assertEquals("ACTIVE", describe(EFS).statusAsString());
        assertEquals(Map.of(EFS_SA, LocalAws.roleArn("/pod-identity-autopilot/", "addon-efs-create")), identities(EFS));
        assertEquals(List.of(EFS_POLICY), iam.attachedPolicyArns("addon-efs-create"));
        cloud.calls().reset();

        assertEquals(Outcome.Result.UNCHANGED, addons.create(CLUSTER, createEfs("addon-efs-create")).result());
        assertEquals(0, cloud.calls().writes("iam") + cloud.calls().writes("eks"));
    }

    @Test
    @DisplayName("CreateAddon while EKS does not see the new role yet: retried within the bound, CREATED")
    void create_whenRoleNotYetVisible_retriesAndCreates() {
        cloud.eksEmulator().setRolePropagationChecks(2);
        assertEquals(Outcome.Result.CREATED, addons.create(CLUSTER, createEfs("addon-efs-propagating")).result());
        assertEquals(3, cloud.calls().count("eks", "CreateAddon"));
    }

    @Test
    @DisplayName("UpdateAddon: new role for the SA, old role of ours deleted after the update; rerun UNCHANGED without writes")
    void update_whenRoleReplaced_updatesAddonThenDeletesOldOwnedRole() {
        addons.create(CLUSTER, createEfs("addon-efs-old"));
        String old = LocalAws.roleArn("/pod-identity-autopilot/", "addon-efs-old");
        Step.UpdateAddon step = new Step.UpdateAddon(EFS, null, null, null, null,
                List.of(new Step.AddonIdentity(EFS_SA, efsRole("addon-efs-new"))), List.of(old), List.of("role"));

        Outcome outcome = addons.update(CLUSTER, step);

        assertEquals(Outcome.Result.UPDATED, outcome.result());
        assertEquals(Map.of(EFS_SA, LocalAws.roleArn("/pod-identity-autopilot/", "addon-efs-new")), identities(EFS));
        assertTrue(iam.getRole("addon-efs-old").isEmpty());
        cloud.calls().reset();
        assertEquals(Outcome.Result.UNCHANGED, addons.update(CLUSTER, step).result());
        assertEquals(0, cloud.calls().writes("iam") + cloud.calls().writes("eks"), cloud.calls().snapshot().toString());
    }

    @Test
    @DisplayName("UpdateAddon with [] removes the addon's associations; null leaves them alone")
    void update_whenEmptyOrNullList_removesOrKeepsAssociations() {
        addons.create(CLUSTER, createEfs("addon-efs-empty"));
        Step.UpdateAddon keep = new Step.UpdateAddon(EFS, null, null, null, null, null, List.of(), List.of());
        assertEquals(Outcome.Result.UNCHANGED, addons.update(CLUSTER, keep).result());
        assertEquals(1, identities(EFS).size());

        Step.UpdateAddon none = new Step.UpdateAddon(EFS, null, null, null, null, List.of(), List.of(), List.of());
        assertEquals(Outcome.Result.UPDATED, addons.update(CLUSTER, none).result());
        assertEquals(Map.of(), identities(EFS));
    }

    @Test
    @DisplayName("UpdateAddon listing a role we do not own for deletion: NotOwnedException before the addon is touched")
    void update_whenRoleToDeleteNotOwned_refusesBeforeUpdating() {
        addons.create(CLUSTER, createEfs("addon-efs-guard"));
        cloud.calls().reset();
        Step.UpdateAddon step = new Step.UpdateAddon(EFS, null, null, null, null, List.of(),
                List.of(LocalAws.roleArn("/", "Unowned-Role1")), List.of());

        assertThrows(NotOwnedException.class, () -> addons.update(CLUSTER, step));
        assertEquals(0, cloud.calls().writes("eks") + cloud.calls().writes("iam"));
        assertEquals(1, identities(EFS).size());
    }

    @Test
    @DisplayName("MigrateAddon: the IRSA addon gets its SA's association with the same role; rerun UNCHANGED without writes")
    void migrate_whenIrsaAddon_addsPodIdentityThenRerunIsUnchanged() {
        String role = LocalAws.roleArn("/", "AmazonEKS_EBS_CSI_DriverRole");
        Step.MigrateAddon step = new Step.MigrateAddon("aws-ebs-csi-driver", "v1.45.0-eksbuild.2", "ebs-csi-controller-sa", role);

        assertEquals(Outcome.Result.UPDATED, addons.migrate(CLUSTER, step).result());
        assertEquals(Map.of("ebs-csi-controller-sa", role), identities("aws-ebs-csi-driver"));
        assertEquals("v1.45.0-eksbuild.2", describe("aws-ebs-csi-driver").addonVersion());
        cloud.calls().reset();
        assertEquals(Outcome.Result.UNCHANGED, addons.migrate(CLUSTER, step).result());
        assertEquals(0, cloud.calls().writes("eks"));
    }

    @Test
    @DisplayName("DeleteAddon: EKS removes its associations, then our role goes; rerun writes nothing")
    void delete_whenOwnedRoles_deletesAddonThenRoles() {
        addons.create(CLUSTER, createEfs("addon-efs-delete"));
        String role = LocalAws.roleArn("/pod-identity-autopilot/", "addon-efs-delete");
        Step.DeleteAddon step = new Step.DeleteAddon(EFS, false, List.of(role));

        assertEquals(Outcome.Result.DELETED, addons.delete(CLUSTER, step).result());

        assertFalse(clients.eks().listAddons(r -> r.clusterName(CLUSTER)).addons().contains(EFS));
        assertTrue(clients.eks().listPodIdentityAssociations(r -> r.clusterName(CLUSTER).namespace("kube-system")
                .serviceAccount(EFS_SA)).associations().isEmpty());
        assertTrue(iam.getRole("addon-efs-delete").isEmpty());
        cloud.calls().reset();
        assertEquals(Outcome.Result.UNCHANGED, addons.delete(CLUSTER, step).result());
        assertEquals(0, cloud.calls().writes("eks") + cloud.calls().writes("iam"));
    }

    @Test
    @DisplayName("DeleteAddon listing a role we do not own: NotOwnedException, the addon stays")
    void delete_whenRoleNotOwned_refusesAndKeepsAddon() {
        addons.create(CLUSTER, createEfs("addon-efs-keep"));
        assertThrows(NotOwnedException.class, () -> addons.delete(CLUSTER,
                new Step.DeleteAddon(EFS, false, List.of(LocalAws.roleArn("/", "Unowned-Role1")))));
        assertEquals("ACTIVE", describe(EFS).statusAsString());
    }
}
