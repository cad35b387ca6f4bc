package dev.podidentity.local.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.AwsIamRoles;
import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.NotOwnedException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.aws.AwsEksApi;
import dev.podidentity.autopilot.execute.AssociationExecutor;
import dev.podidentity.autopilot.execute.AssociationReader;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.execute.Preflight;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.plan.DesiredRole;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.gateway.FaultRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.eks.model.PodIdentityAssociation;

/**
 * AssociationExecutor through the gateway: moto's IAM, the EKS emulator. Each test uses its own service account on
 * dev-cluster, so the world is seeded once for the class.
 */
class AssociationExecutorTest {
    private static final String CLUSTER = "dev-cluster";
    private static final String UNOWNED = LocalAws.roleArn("/", "Unowned-Role1");
    private static final String PAYMENTS = LocalAws.roleArn("/", "payments-api-role");
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static AwsClients clients;
    private static AwsIamRoles iam;
    private static StepExecutors executors;
    private static AssociationExecutor associations;

    @BeforeAll
    static void clients() {
        executors = LocalAws.executors(clients, cloud);
        associations = executors.associations();
    }

    @AfterEach
    void noFaults() {
        cloud.faults().clear();
        cloud.eksEmulator().setRolePropagationChecks(0);
    }

    private static Step.EnsureRoleAndAssociation create(String ns, String sa, String roleName) {
        DesiredRole role = LocalAws.toCreate(CLUSTER, roleName, ns, sa, List.of(LocalAws.POLICY_S3_READ),
                Map.of("sqs", LocalAws.SQS_POLICY), null);
        return new Step.EnsureRoleAndAssociation(ns, sa, role, null, null, null,
                OwnershipTags.forAssociation(CLUSTER, ns, sa), false, null);
    }

    private static Step.EnsureRoleAndAssociation useRole(String ns, String sa, String roleArn) {
        return new Step.EnsureRoleAndAssociation(ns, sa, DesiredRole.existing(roleArn), null, null, null,
                Map.of(), false, null);
    }

    private static PodIdentityAssociation live(String ns, String sa) {
        var summary = clients.eks().listPodIdentityAssociations(r -> r.clusterName(CLUSTER).namespace(ns).serviceAccount(sa))
                .associations();
        assertEquals(1, summary.size(), ns + "/" + sa);
        return clients.eks().describePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .associationId(summary.getFirst().associationId())).association();
    }

    private static boolean exists(String ns, String sa) {
        return !clients.eks().listPodIdentityAssociations(r -> r.clusterName(CLUSTER).namespace(ns).serviceAccount(sa))
                .associations().isEmpty();
    }

    @Test
    @DisplayName("New role + association: CreateRole, policies, CreatePodIdentityAssociation with our tags; CREATED")
    void ensure_whenNothingExists_createsRoleThenAssociation() {
        Outcome outcome = associations.ensure(CLUSTER, create("shop", "cart", "assoc-cart"));

        assertEquals(Outcome.Result.CREATED, outcome.result());
        assertEquals("associate/shop/cart", outcome.stepId());
        assertEquals(0, cloud.calls().count("eks", "DescribePodIdentityAssociation"), "nothing to adopt: no describe");
        PodIdentityAssociation a = live("shop", "cart");
        assertEquals(LocalAws.roleArn("/pod-identity-autopilot/", "assoc-cart"), a.roleArn());
        assertTrue(OwnershipTags.isOwnedBy(a.tags(), CLUSTER));
        assertEquals(a.associationArn(), outcome.resource());
        assertEquals(1, cloud.calls().count("iam", "CreateRole"));
        assertEquals(1, cloud.calls().count("eks", "CreatePodIdentityAssociation"));
    }

    @Test
    @DisplayName("Rerun of a done step: UNCHANGED, no write call to IAM or EKS")
    void ensure_whenRerun_reportsUnchangedWithoutWriteCalls() {
        associations.ensure(CLUSTER, create("shop", "rerun", "assoc-rerun"));
        cloud.calls().reset();

        Outcome again = associations.ensure(CLUSTER, create("shop", "rerun", "assoc-rerun"));

        assertEquals(Outcome.Result.UNCHANGED, again.result());
        assertEquals(0, cloud.calls().writes("iam") + cloud.calls().writes("eks"), cloud.calls().snapshot().toString());
    }

    @Test
    @DisplayName("TRUST_PLAN (first attempt after Resolve): only write calls; a rerun still ends UNCHANGED, at the cost of refused creates")
    void ensure_whenTrustPlan_writesWithoutReadingAndRerunConverges() {
        Outcome first = associations.ensure(CLUSTER, create("shop", "trusted", "assoc-trusted"), Preflight.TRUST_PLAN);

        assertEquals(Outcome.Result.CREATED, first.result());
        assertEquals(cloud.calls().writes("iam"), cloud.calls().total("iam"), cloud.calls().snapshot().toString());
        assertEquals(cloud.calls().writes("eks"), cloud.calls().total("eks"), cloud.calls().snapshot().toString());
        cloud.calls().reset();

        Outcome again = associations.ensure(CLUSTER, create("shop", "trusted", "assoc-trusted"), Preflight.TRUST_PLAN);

        assertEquals(Outcome.Result.UNCHANGED, again.result());
        assertEquals(1, cloud.calls().count("iam", "CreateRole"), "refused with EntityAlreadyExists, then adopted");
        assertEquals(1, cloud.calls().count("eks", "CreatePodIdentityAssociation"), "refused with ResourceInUse, then adopted");
        assertEquals(0, cloud.calls().count("iam", "AttachRolePolicy") + cloud.calls().count("iam", "PutRolePolicy"));
        assertThrows(NotOwnedException.class, () -> associations.ensure(CLUSTER,
                create("shop", "trusted-unowned", "Unowned-Role1"), Preflight.TRUST_PLAN));
        assertFalse(exists("shop", "trusted-unowned"));
    }

    @Test
    @DisplayName("Service account already associated with another role: ConflictException naming both roles; nothing written")
    void ensure_whenAssociationHasOtherRole_throwsConflictNamingBothRoles() {
        clients.eks().createPodIdentityAssociation(r -> r.clusterName(CLUSTER).namespace("shop").serviceAccount("taken")
                .roleArn(UNOWNED));
        cloud.calls().reset();

        ConflictException e = assertThrows(ConflictException.class,
                () -> associations.ensure(CLUSTER, useRole("shop", "taken", PAYMENTS)));

        assertTrue(e.getMessage().contains(UNOWNED) && e.getMessage().contains(PAYMENTS), e.getMessage());
        assertEquals(0, cloud.calls().writes("eks"));
        assertEquals(UNOWNED, live("shop", "taken").roleArn());
    }

    @Test
    @DisplayName("Existing association with the same role is adopted (UNCHANGED); a differing session setting is updated")
    void ensure_whenAssociationHasSameRole_adoptsAndConvergesFields() {
        clients.eks().createPodIdentityAssociation(r -> r.clusterName(CLUSTER).namespace("shop").serviceAccount("adopt")
                .roleArn(PAYMENTS));
        assertEquals(Outcome.Result.UNCHANGED, associations.ensure(CLUSTER, useRole("shop", "adopt", PAYMENTS)).result());

        Step.EnsureRoleAndAssociation withPolicy = new Step.EnsureRoleAndAssociation("shop", "adopt",
                DesiredRole.existing(PAYMENTS), null, true, LocalAws.SQS_POLICY, Map.of(), false, null);
        assertEquals(Outcome.Result.UPDATED, associations.ensure(CLUSTER, withPolicy).result());
        assertTrue(live("shop", "adopt").disableSessionTags());
        cloud.calls().reset();
        assertEquals(Outcome.Result.UNCHANGED, associations.ensure(CLUSTER, withPolicy).result());
        assertEquals(0, cloud.calls().writes("eks"));
    }

    @Test
    @DisplayName("Role name taken by a role we do not own: NotOwnedException before any write, no association")
    void ensure_whenRoleNotOwned_refusesBeforeAnyWrite() {
        assertThrows(NotOwnedException.class, () -> associations.ensure(CLUSTER, create("shop", "notours", "Unowned-Role1")));
        assertEquals(0, cloud.calls().writes("iam") + cloud.calls().writes("eks"));
        assertFalse(exists("shop", "notours"));
    }

    @Test
    @DisplayName("Throttling on IAM CreateRole and EKS CreatePodIdentityAssociation: retried, converged")
    void ensure_whenIamAndEksThrottle_retriesAndConverges() {
        cloud.faults().add(FaultRule.throttleFirst("iam", "CreateRole", 2));
        cloud.faults().add(FaultRule.throttleFirst("eks", "CreatePodIdentityAssociation", 2));

        Outcome outcome = associations.ensure(CLUSTER, create("shop", "throttled", "assoc-throttled"));

        assertEquals(Outcome.Result.CREATED, outcome.result());
        assertEquals(3, cloud.calls().count("eks", "CreatePodIdentityAssociation"));
        assertEquals(LocalAws.roleArn("/pod-identity-autopilot/", "assoc-throttled"), live("shop", "throttled").roleArn());
    }

    @Test
    @DisplayName("5xx from EKS (ServerException) twice: retried by the SDK, converged")
    void ensure_whenEksFailsWith5xx_retriesAndConverges() {
        cloud.faults().add(FaultRule.serverErrorFirst("eks", "CreatePodIdentityAssociation", 2));
        assertEquals(Outcome.Result.CREATED, associations.ensure(CLUSTER, useRole("shop", "flaky", PAYMENTS)).result());
    }

    @Test
    @DisplayName("New role invisible to EKS for 2 checks (IAM propagation): retried with backoff, CREATED")
    void ensure_whenRoleNotYetVisibleToEks_retriesUntilVisible() {
        cloud.eksEmulator().setRolePropagationChecks(2);

        Outcome outcome = associations.ensure(CLUSTER, create("shop", "propagating", "assoc-propagating"));

        assertEquals(Outcome.Result.CREATED, outcome.result());
        assertEquals(3, cloud.calls().count("eks", "CreatePodIdentityAssociation"));
    }

    @Test
    @DisplayName("Role invisible beyond the bound: RetryableException; once visible, the rerun converges (role not re-created)")
    void ensure_whenRoleInvisibleBeyondBound_throwsRetryableThenRerunConverges() {
        cloud.eksEmulator().setRolePropagationChecks(100);

        RetryableException e = assertThrows(RetryableException.class,
                () -> associations.ensure(CLUSTER, create("shop", "slow", "assoc-slow")));

        assertTrue(e.getMessage().contains("IAM propagation"), e.getMessage());
        assertEquals(4, cloud.calls().count("eks", "CreatePodIdentityAssociation"), "bounded: 4 attempts");
        cloud.eksEmulator().setRolePropagationChecks(0);
        cloud.calls().reset();
        assertEquals(Outcome.Result.CREATED, associations.ensure(CLUSTER, create("shop", "slow", "assoc-slow")).result());
        assertEquals(0, cloud.calls().count("iam", "CreateRole"));
    }

    @Test
    @DisplayName("roleARN names a role IAM does not have: NotFoundException after one refusal, not minutes of propagation retries")
    void ensure_whenRoleArnNamesNoRole_failsAtOnceWithNotFound() {
        String missing = LocalAws.roleArn("/", "no-such-role");

        NotFoundException e = assertThrows(NotFoundException.class,
                () -> associations.ensure(CLUSTER, useRole("shop", "orphan", missing)));

        assertTrue(e.getMessage().contains("role " + missing + " does not exist in IAM"), e.getMessage());
        assertEquals(1, cloud.calls().count("eks", "CreatePodIdentityAssociation"), "no propagation retries");
        assertEquals(1, cloud.calls().count("iam", "GetRole"));
        assertFalse(exists("shop", "orphan"));
    }

    @Test
    @DisplayName("An existing role EKS does not see yet (IAM has it): still waited for, CREATED")
    void ensure_whenNamedRoleExistsButNotYetVisibleToEks_retriesUntilVisible() {
        cloud.eksEmulator().setRolePropagationChecks(2);

        Outcome outcome = associations.ensure(CLUSTER, useRole("shop", "named-propagating", PAYMENTS));

        assertEquals(Outcome.Result.CREATED, outcome.result());
        assertEquals(3, cloud.calls().count("eks", "CreatePodIdentityAssociation"));
    }

    @Test
    @DisplayName("Session policy, disableSessionTags and targetRoleArn are sent on create; rerun compares them and writes nothing")
    void ensure_whenSessionSettings_sendsThemAndRerunIsUnchanged() {
        Step.EnsureRoleAndAssociation step = new Step.EnsureRoleAndAssociation("shop", "session",
                DesiredRole.existing(PAYMENTS), UNOWNED, true, LocalAws.SQS_POLICY, Map.of("team", "shop"), false, null);
        associations.ensure(CLUSTER, step);
        PodIdentityAssociation a = live("shop", "session");
        assertEquals(UNOWNED, a.targetRoleArn());
        assertTrue(a.disableSessionTags());
        assertEquals(Map.of("team", "shop"), a.tags());
        cloud.calls().reset();

        assertEquals(Outcome.Result.UNCHANGED, associations.ensure(CLUSTER, step).result());
        assertEquals(0, cloud.calls().writes("eks"));
    }

    @Test
    @DisplayName("createServiceAccount: a missing one is created labelled ours; an existing one keeps every field; "
            + "deleting the association deletes only the one we created")
    void ensure_whenCreateServiceAccount_createsOnlyMissingAccounts_andDeleteRemovesOnlyOurs() {
        KubernetesClient k = cloud.kubernetes().client(CLUSTER);
        ServiceAccount helm = k.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder()
                .withNewMetadata().withName("helm-sa").withNamespace("default")
                .addToLabels("app.kubernetes.io/managed-by", "Helm").addToAnnotations("note", "keep").endMetadata()
                .addNewImagePullSecret("regcred").withAutomountServiceAccountToken(false).build()).create();

        Outcome created = associations.ensure(CLUSTER, new Step.EnsureRoleAndAssociation("shop", "withsa",
                DesiredRole.existing(PAYMENTS), null, null, null, Map.of(), true, null));
        Outcome existing = associations.ensure(CLUSTER, new Step.EnsureRoleAndAssociation("default", "helm-sa",
                DesiredRole.existing(PAYMENTS), null, null, null, Map.of(), true, null));

        assertEquals(Outcome.Result.CREATED, created.result());
        assertTrue(created.reason().contains("created service account \"shop/withsa\" and its namespace"),
                created.reason());
        assertEquals("pod-identity-autopilot", k.serviceAccounts().inNamespace("shop").withName("withsa").get()
                .getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
        assertTrue(existing.reason().contains("service account \"default/helm-sa\" already exists; left as it is"),
                existing.reason());
        assertEquals(helm, k.serviceAccounts().inNamespace("default").withName("helm-sa").get());

        Outcome deleteOurs = associations.delete(CLUSTER, new Step.DeleteAssociation(
                live("shop", "withsa").associationId(), "shop", "withsa", PAYMENTS, null, "test"));
        Outcome deleteTheirs = associations.delete(CLUSTER, new Step.DeleteAssociation(
                live("default", "helm-sa").associationId(), "default", "helm-sa", PAYMENTS, null, "test"));

        assertTrue(deleteOurs.reason().contains("deleted service account \"shop/withsa\""), deleteOurs.reason());
        assertNull(k.serviceAccounts().inNamespace("shop").withName("withsa").get());
        assertTrue(deleteTheirs.reason().contains("was not created by pod-identity-autopilot; not deleted"),
                deleteTheirs.reason());
        assertEquals(helm, k.serviceAccounts().inNamespace("default").withName("helm-sa").get());
        k.serviceAccounts().inNamespace("default").withName("helm-sa").delete();
    }

    @Test
    @DisplayName("UpdateAssociation sends only what differs (null = not sent); rerun UNCHANGED without writes")
    void update_whenFieldsDiffer_updatesThemAndRerunWritesNothing() {
        clients.eks().createPodIdentityAssociation(r -> r.clusterName(CLUSTER).namespace("shop").serviceAccount("upd")
                .roleArn(PAYMENTS).disableSessionTags(true));
        String id = live("shop", "upd").associationId();
        Step.UpdateAssociation step = new Step.UpdateAssociation(id, "shop", "upd", UNOWNED, null, null, null,
                List.of("roleArn"));

        assertEquals(Outcome.Result.UPDATED, associations.update(CLUSTER, step).result());
        PodIdentityAssociation a = live("shop", "upd");
        assertEquals(UNOWNED, a.roleArn());
        assertTrue(a.disableSessionTags(), "not sent, so kept");
        cloud.calls().reset();
        assertEquals(Outcome.Result.UNCHANGED, associations.update(CLUSTER, step).result());
        assertEquals(0, cloud.calls().writes("eks"));
    }

    @Test
    @DisplayName("An addon-owned association is changed only through its addon: ConflictException on update and delete")
    void updateAndDelete_whenAddonOwned_refuse() {
        clients.eks().createAddon(r -> r.clusterName(CLUSTER).addonName("aws-efs-csi-driver")
                .podIdentityAssociations(p -> p.serviceAccount("efs-csi-controller-sa").roleArn(PAYMENTS)));
        String id = live("kube-system", "efs-csi-controller-sa").associationId();
        cloud.calls().reset();

        assertThrows(ConflictException.class, () -> associations.update(CLUSTER,
                new Step.UpdateAssociation(id, "kube-system", "efs-csi-controller-sa", UNOWNED, null, null, null, List.of())));
        assertThrows(ConflictException.class, () -> associations.delete(CLUSTER,
                new Step.DeleteAssociation(id, "kube-system", "efs-csi-controller-sa", PAYMENTS, null, "test")));
        assertEquals(0, cloud.calls().writes("eks"));
        clients.eks().deleteAddon(r -> r.clusterName(CLUSTER).addonName("aws-efs-csi-driver"));
    }

    @Test
    @DisplayName("Migrate: association with the IRSA role; rerun UNCHANGED; another role already there is a conflict")
    void migrate_whenRunTwiceOrTaken_createsThenUnchangedOrConflict() {
        Step.MigrateServiceAccount step = new Step.MigrateServiceAccount("default", "sa2", UNOWNED, Map.of());
        assertEquals(Outcome.Result.CREATED, associations.migrate(CLUSTER, step).result());
        assertEquals(UNOWNED, live("default", "sa2").roleArn());
        cloud.calls().reset();
        assertEquals(Outcome.Result.UNCHANGED, associations.migrate(CLUSTER, step).result());
        assertEquals(0, cloud.calls().writes("eks"));

        assertThrows(ConflictException.class, () -> associations.migrate(CLUSTER,
                new Step.MigrateServiceAccount("default", "sa2", PAYMENTS, Map.of())));
    }

    @Test
    @DisplayName("Delete with our role: association gone, role's policies detached/deleted, role gone; rerun writes nothing")
    void delete_whenRoleOwned_deletesAssociationAndRoleThenRerunIsUnchanged() {
        associations.ensure(CLUSTER, create("shop", "gone", "assoc-gone"));
        PodIdentityAssociation a = live("shop", "gone");
        Step.DeleteAssociation step = new Step.DeleteAssociation(a.associationId(), "shop", "gone", a.roleArn(),
                a.roleArn(), "removed from the config");

        Outcome outcome = associations.delete(CLUSTER, step);

        assertEquals(Outcome.Result.DELETED, outcome.result());
        assertFalse(exists("shop", "gone"));
        assertTrue(iam.getRole("assoc-gone").isEmpty());
        cloud.calls().reset();
        assertEquals(Outcome.Result.UNCHANGED, associations.delete(CLUSTER, step).result());
        assertEquals(0, cloud.calls().writes("iam") + cloud.calls().writes("eks"));
    }

    @Test
    @DisplayName("Delete naming a role we do not own: NotOwnedException before anything is deleted")
    void delete_whenRoleNotOwned_refusesAndDeletesNothing() {
        clients.eks().createPodIdentityAssociation(r -> r.clusterName(CLUSTER).namespace("shop").serviceAccount("keep")
                .roleArn(UNOWNED));
        String id = live("shop", "keep").associationId();
        cloud.calls().reset();

        assertThrows(NotOwnedException.class, () -> associations.delete(CLUSTER,
                new Step.DeleteAssociation(id, "shop", "keep", UNOWNED, UNOWNED, "test")));

        assertTrue(exists("shop", "keep"));
        assertTrue(iam.getRole("Unowned-Role1").isPresent());
        assertEquals(0, cloud.calls().writes("iam") + cloud.calls().writes("eks"));
    }

    @Test
    @DisplayName("Delete without a role to delete keeps the role; a leftover role of ours (association already gone) is deleted")
    void delete_whenNoRoleOrOnlyLeftoverRole_deletesWhatTheStepSays() {
        clients.eks().createPodIdentityAssociation(r -> r.clusterName(CLUSTER).namespace("shop").serviceAccount("plain")
                .roleArn(PAYMENTS));
        String id = live("shop", "plain").associationId();
        assertEquals(Outcome.Result.DELETED, associations.delete(CLUSTER,
                new Step.DeleteAssociation(id, "shop", "plain", PAYMENTS, null, "test")).result());
        assertTrue(iam.getRole("payments-api-role").isPresent());

        executors.roles().ensure(CLUSTER, create("shop", "leftover", "assoc-leftover").role());
        String leftover = LocalAws.roleArn("/pod-identity-autopilot/", "assoc-leftover");
        Outcome outcome = associations.delete(CLUSTER, new Step.DeleteAssociation(null, "shop", "leftover", leftover,
                leftover, "association already deleted"));
        assertEquals(Outcome.Result.DELETED, outcome.result());
        assertTrue(iam.getRole("assoc-leftover").isEmpty());
    }

    @Test
    @DisplayName("get: every page (25 associations, pages of 10), eksctl's fields incl. RoleARN, filtered by namespace")
    void get_whenMoreThanOnePage_readsAllPagesWithRoles() {
        for (int i = 0; i < 25; i++) {
            String sa = "bulk-" + i;
            clients.eks().createPodIdentityAssociation(r -> r.clusterName(CLUSTER).namespace("bulk").serviceAccount(sa)
                    .roleArn(PAYMENTS));
        }
        cloud.calls().reset();

        AssociationReader reader = new AssociationReader(new AwsEksApi(clients.eks(), 10));
        List<Step.AssociationSummary> found = reader.get(CLUSTER, "bulk", null);

        assertEquals(25, found.size());
        assertEquals(3, cloud.calls().count("eks", "ListPodIdentityAssociations"));
        Step.AssociationSummary first = found.getFirst();
        assertEquals("bulk", first.namespace());
        assertEquals(PAYMENTS, first.roleArn());
        assertNull(first.ownerArn());
        assertTrue(first.associationArn().startsWith("arn:aws:eks:us-west-2:111122223333:podidentityassociation/dev-cluster/a-"));
        assertEquals(1, reader.get(CLUSTER, "bulk", "bulk-7").size());
    }
}
