package dev.podidentity.local.eks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.local.LocalCloud;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.AccessDeniedException;
import software.amazon.awssdk.services.eks.model.Addon;
import software.amazon.awssdk.services.eks.model.AddonPodIdentityAssociations;
import software.amazon.awssdk.services.eks.model.AddonPodIdentityConfiguration;
import software.amazon.awssdk.services.eks.model.AddonStatus;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.InvalidRequestException;
import software.amazon.awssdk.services.eks.model.PodIdentityAssociation;
import software.amazon.awssdk.services.eks.model.PodIdentityAssociationSummary;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceLimitExceededException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eks.model.Update;
import software.amazon.awssdk.services.eks.model.UpdateParamType;

/** The EKS emulator through the real EksClient over HTTP (gateway → emulator), each test naming the AWS fact it encodes. */
class EksEmulatorTest {
    private static final String ACCOUNT = "111122223333";
    private static final String REGION = "us-west-2";
    private static final String CLUSTER = "demo";
    private static LocalCloud cloud;
    private static EksClient eks;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.start(LocalCloud.Options.of(ACCOUNT, REGION));
        // No retries: a test that expects an error must see the first answer.
        eks = cloud.client(EksClient.builder().overrideConfiguration(ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.doNotRetry()).build()));
        seed();
    }

    @AfterAll
    static void stop() {
        if (eks != null) {
            eks.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    private static void seed() {
        cloud.eks().createCluster(r -> r.name(CLUSTER).version("1.33").roleArn(role("cluster-role"))
                .resourcesVpcConfig(v -> v.subnetIds("subnet-1", "subnet-2")));
        for (String name : List.of("app-role", "other-role", "cni-role", "adot-metrics", "adot-otlp", "adot-logs")) {
            cloud.iam().createRole(r -> r.roleName(name).assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},"
                            + "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}"));
        }
    }

    /** The cluster and roles in moto stay; a reset of the emulator alone is enough isolation and keeps the class fast. */
    @BeforeEach
    void freshEks() {
        cloud.eksEmulator().reset();
    }

    // ---------------------------------------------------------------- associations

    @Test
    @DisplayName("Association id is 'a-' + 17 lowercase alphanumerics; ARN is arn:aws:eks:<region>:<acct>:podidentityassociation/<cluster>/<id>")
    void createPodIdentityAssociation_whenValid_returnsIdArnAndEchoesFields() {
        PodIdentityAssociation created = create("apps", "web", role("app-role"));
        assertTrue(created.associationId().matches("a-[a-z0-9]{17}"), created.associationId());
        assertEquals("arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/" + created.associationId(), created.associationArn());
        assertEquals(CLUSTER, created.clusterName());
        assertEquals(role("app-role"), created.roleArn());
        assertNull(created.ownerArn());
        assertFalse(created.disableSessionTags());
        assertNotNull(created.createdAt());

        PodIdentityAssociation described = eks.describePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .associationId(created.associationId())).association();
        assertEquals(created, described);
    }

    @Test
    @DisplayName("One association per namespace/service account: second create → ResourceInUseException naming the existing id")
    void createPodIdentityAssociation_whenServiceAccountTaken_throwsResourceInUseNamingExistingId() {
        PodIdentityAssociation first = create("apps", "web", role("app-role"));
        ResourceInUseException e = assertThrows(ResourceInUseException.class, () -> create("apps", "web", role("other-role")));
        assertEquals(409, e.statusCode());
        assertEquals("Association already exists: " + first.associationId(), e.awsErrorDetails().errorMessage());
    }

    @Test
    @DisplayName("Role must exist in IAM: InvalidParameterException 'Role provided in the request does not exist'")
    void createPodIdentityAssociation_whenRoleMissing_throwsInvalidParameter() {
        InvalidParameterException e = assertThrows(InvalidParameterException.class, () -> create("apps", "web", role("no-such-role")));
        assertEquals("Role provided in the request does not exist", e.awsErrorDetails().errorMessage());

        // the ARN must name the role exactly, path included
        cloud.iam().createRole(r -> r.roleName("pathed-role").path("/pia/").assumeRolePolicyDocument("{}"));
        assertThrows(InvalidParameterException.class, () -> create("apps", "web", role("pathed-role")));
        assertEquals(role("pia/pathed-role"), create("apps", "web", role("pia/pathed-role")).roleArn());
        cloud.iam().deleteRole(r -> r.roleName("pathed-role"));
    }

    @Test
    @DisplayName("roleArn must be in the cluster's account: another account's role is refused (use targetRoleArn for that)")
    void createPodIdentityAssociation_whenRoleInOtherAccount_isRefused() {
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> create("apps", "web", "arn:aws:iam::444455556666:role/app-role"));
        assertEquals("Cross-account pass role is not allowed.", e.awsErrorDetails().errorMessage());
    }

    @Test
    @DisplayName("targetRoleArn (any account) gets a generated externalId; policy requires disableSessionTags=true")
    void createPodIdentityAssociation_whenTargetRoleAndSessionPolicy_followsCrossAccountRules() {
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
        assertThrows(InvalidParameterException.class, () -> eks.createPodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .namespace("apps").serviceAccount("web").roleArn(role("app-role")).policy(policy)));

        PodIdentityAssociation a = eks.createPodIdentityAssociation(r -> r.clusterName(CLUSTER).namespace("apps").serviceAccount("web")
                .roleArn(role("app-role")).targetRoleArn("arn:aws:iam::444455556666:role/target").disableSessionTags(true)
                .policy(policy).tags(Map.of("team", "web"))).association();
        assertEquals("arn:aws:iam::444455556666:role/target", a.targetRoleArn());
        assertNotNull(a.externalId());
        assertTrue(a.disableSessionTags());
        assertEquals(policy, a.policy());
        assertEquals(Map.of("team", "web"), a.tags());
    }

    @Test
    @DisplayName("Unknown cluster → ResourceNotFoundException (cluster existence comes from moto's EKS)")
    void podIdentityCalls_whenClusterUnknown_throwResourceNotFound() {
        assertThrows(ResourceNotFoundException.class, () -> eks.listPodIdentityAssociations(r -> r.clusterName("nope")));
        assertThrows(ResourceNotFoundException.class, () -> eks.createPodIdentityAssociation(r -> r.clusterName("nope")
                .namespace("a").serviceAccount("b").roleArn(role("app-role"))));
    }

    @Test
    @DisplayName("associationId must be 19 characters (InvalidParameterException); a well-formed unknown id → ResourceNotFoundException")
    void describePodIdentityAssociation_whenIdMalformedOrUnknown_throwsMatchingErrors() {
        InvalidParameterException bad = assertThrows(InvalidParameterException.class,
                () -> eks.describePodIdentityAssociation(r -> r.clusterName(CLUSTER).associationId("a-short")));
        assertTrue(bad.awsErrorDetails().errorMessage().contains("19 characters"));
        assertThrows(ResourceNotFoundException.class,
                () -> eks.describePodIdentityAssociation(r -> r.clusterName(CLUSTER).associationId("a-0000000000000000x")));
    }

    @Test
    @DisplayName("ListPodIdentityAssociations: namespace/serviceAccount filters, maxResults 1..100 with nextToken, summaries without roleArn")
    void listPodIdentityAssociations_whenPagedAndFiltered_returnsAllMatchesAcrossPages() {
        for (int i = 0; i < 5; i++) {
            create("team-a", "sa-" + i, role("app-role"));
        }
        create("team-b", "sa-0", role("app-role"));

        var firstPage = eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER).maxResults(2));
        assertEquals(2, firstPage.associations().size());
        assertNotNull(firstPage.nextToken());
        List<PodIdentityAssociationSummary> all = eks.listPodIdentityAssociationsPaginator(r -> r.clusterName(CLUSTER).maxResults(2))
                .associations().stream().toList();
        assertEquals(6, all.size());
        assertEquals(6, Set.copyOf(all.stream().map(PodIdentityAssociationSummary::associationId).toList()).size());

        assertEquals(5, eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER).namespace("team-a")).associations().size());
        var bySa = eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER).serviceAccount("sa-0")).associations();
        assertEquals(Set.of("team-a", "team-b"), Set.copyOf(bySa.stream().map(PodIdentityAssociationSummary::namespace).toList()));

        assertThrows(InvalidParameterException.class, () -> eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER).maxResults(101)));
    }

    @Test
    @DisplayName("UpdatePodIdentityAssociation changes roleArn and modifiedAt; Delete returns the association, then Describe → ResourceNotFound")
    void updateAndDeletePodIdentityAssociation_whenStandalone_changeAndRemoveIt() throws Exception {
        PodIdentityAssociation created = create("apps", "web", role("app-role"));
        Thread.sleep(5);
        PodIdentityAssociation updated = eks.updatePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .associationId(created.associationId()).roleArn(role("other-role"))).association();
        assertEquals(role("other-role"), updated.roleArn());
        assertTrue(updated.modifiedAt().isAfter(created.modifiedAt()));
        assertThrows(InvalidParameterException.class, () -> eks.updatePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .associationId(created.associationId()).roleArn(role("missing"))));

        PodIdentityAssociation deleted = eks.deletePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .associationId(created.associationId())).association();
        assertEquals(created.associationId(), deleted.associationId());
        assertThrows(ResourceNotFoundException.class, () -> eks.describePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .associationId(created.associationId())));
    }

    @Test
    @DisplayName("Eventual consistency (opt-in): a just-created role is 'does not exist' for N checks; a deleted association blocks re-create for N creates")
    void eventualConsistency_whenEnabled_behavesLikeAwsPropagationDelays() {
        cloud.eksEmulator().setRolePropagationChecks(2);
        assertThrows(InvalidParameterException.class, () -> create("ec", "web", role("other-role")));
        assertThrows(InvalidParameterException.class, () -> create("ec", "web", role("other-role")));
        PodIdentityAssociation created = create("ec", "web", role("other-role"));

        cloud.eksEmulator().setDeletePropagationCreates(1);
        eks.deletePodIdentityAssociation(r -> r.clusterName(CLUSTER).associationId(created.associationId()));
        ResourceInUseException ghost = assertThrows(ResourceInUseException.class, () -> create("ec", "web", role("other-role")));
        assertEquals("Association already exists: " + created.associationId(), ghost.awsErrorDetails().errorMessage());
        assertNotNull(create("ec", "web", role("other-role")));
    }

    @Test
    @DisplayName("Propagation in time (opt-in): a role IAM created less than the delay ago is InvalidParameterException 'Role provided in the request does not exist'; older roles are not")
    void rolePropagationDelay_whenRoleIsYoungerThanTheDelay_refusesItUntilTheDelayHasPassed() throws Exception {
        cloud.eksEmulator().setRolePropagationDelay(java.time.Duration.ofSeconds(2));
        assertNotNull(create("pd", "old", role("app-role")), "a role created before the delay was switched on is visible");
        cloud.iam().createRole(r -> r.roleName("young-role").assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},"
                        + "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}"));
        try {
            InvalidParameterException refused = assertThrows(InvalidParameterException.class,
                    () -> create("pd", "young", role("young-role")));
            assertEquals("Role provided in the request does not exist", refused.awsErrorDetails().errorMessage());
            PodIdentityAssociation old = eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER).namespace("pd"))
                    .associations().stream().findFirst().map(a -> eks.describePodIdentityAssociation(r -> r
                            .clusterName(CLUSTER).associationId(a.associationId())).association()).orElseThrow();
            assertThrows(InvalidParameterException.class, () -> eks.updatePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                    .associationId(old.associationId()).roleArn(role("young-role"))));
            assertEquals(2, cloud.eksEmulator().rolePropagationRefusals());
            Thread.sleep(2_100);
            assertNotNull(create("pd", "young", role("young-role")), "visible once the delay has passed");
        } finally {
            cloud.iam().deleteRole(r -> r.roleName("young-role"));
        }
    }

    @Test
    @DisplayName("Per-cluster association quota → ResourceLimitExceededException")
    void createPodIdentityAssociation_whenQuotaReached_throwsResourceLimitExceeded() {
        cloud.eksEmulator().setAssociationQuota(2);
        create("q", "a", role("app-role"));
        create("q", "b", role("app-role"));
        assertThrows(ResourceLimitExceededException.class, () -> create("q", "c", role("app-role")));
    }

    @Test
    @DisplayName("Map-state concurrency: 20 parallel creates for distinct SAs all succeed; 8 parallel creates for one SA → exactly one wins")
    void createPodIdentityAssociation_whenConcurrent_staysConsistent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> distinct = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String sa = "worker-" + i;
                distinct.add(() -> create("par", sa, role("app-role")).associationId());
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> f : pool.invokeAll(distinct)) {
                ids.add(f.get());
            }
            assertEquals(20, ids.size());

            List<Callable<Boolean>> same = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                same.add(() -> {
                    try {
                        create("par", "shared", role("app-role"));
                        return true;
                    } catch (ResourceInUseException e) {
                        return false;
                    }
                });
            }
            int winners = 0;
            for (Future<Boolean> f : pool.invokeAll(same)) {
                winners += f.get() ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- add-ons

    @Test
    @DisplayName("CreateAddon returns CREATING; DescribeAddon says CREATING however often it is called until the transition time (default 1 s) has passed, then ACTIVE")
    void createAddon_whenDescribed_movesFromCreatingToActiveAfterItsTime() throws InterruptedException {
        long before = System.nanoTime();
        Addon created = eks.createAddon(r -> r.clusterName(CLUSTER).addonName("eks-pod-identity-agent")).addon();
        assertEquals(AddonStatus.CREATING, created.status());
        assertEquals("v1.3.10-eksbuild.3", created.addonVersion());
        assertTrue(created.addonArn().startsWith("arn:aws:eks:us-west-2:111122223333:addon/demo/eks-pod-identity-agent/"));
        int describes = 0;
        while (describes < 3 || System.nanoTime() - before < Duration.ofMillis(700).toNanos()) {
            Addon seen = describeAddon("eks-pod-identity-agent");
            if (System.nanoTime() - before < Duration.ofMillis(900).toNanos()) {
                assertEquals(AddonStatus.CREATING, seen.status(), "describe " + describes + " within the transition");
            }
            describes++;
            Thread.sleep(20);
        }
        Addon active = awaitAddon("eks-pod-identity-agent", AddonStatus.ACTIVE);
        assertTrue(System.nanoTime() - before >= Duration.ofSeconds(1).toNanos());
        assertEquals(Duration.ofSeconds(1).toMillis(), Duration.between(created.createdAt(), active.modifiedAt()).toMillis(), 5,
                "settled one transition after the create");

        cloud.eksEmulator().setAddonTransition(Duration.ZERO);
        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("kube-proxy"));
        assertEquals(AddonStatus.ACTIVE, describeAddon("kube-proxy").status());
        assertEquals(List.of("eks-pod-identity-agent", "kube-proxy"), eks.listAddons(r -> r.clusterName(CLUSTER)).addons());
    }

    @Test
    @DisplayName("World control: an add-on can settle as CREATE_FAILED or be forced DEGRADED with health issues")
    void addonOutcome_whenFailureInjected_reportsStatusAndHealthIssues() {
        cloud.eksEmulator().setAddonTransition(Duration.ZERO);
        cloud.eksEmulator().setAddonOutcome(REGION, CLUSTER, "eks-pod-identity-agent", "CREATE_FAILED",
                List.of(new EksEmulator.AddonIssue("InsufficientNumberOfReplicas", "no nodes to schedule on", List.of("kube-system/eks-pod-identity-agent"))));
        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("eks-pod-identity-agent"));
        Addon failed = describeAddon("eks-pod-identity-agent");
        assertEquals(AddonStatus.CREATE_FAILED, failed.status());
        assertEquals("InsufficientNumberOfReplicas", failed.health().issues().getFirst().codeAsString());

        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("coredns"));
        assertEquals(AddonStatus.ACTIVE, describeAddon("coredns").status());
        cloud.eksEmulator().forceAddonStatus(REGION, CLUSTER, "coredns", "DEGRADED",
                List.of(new EksEmulator.AddonIssue("InsufficientNumberOfReplicas", "1 of 2 replicas", List.of())));
        assertEquals(AddonStatus.DEGRADED, describeAddon("coredns").status());
    }

    @Test
    @DisplayName("Add-on errors: duplicate → ResourceInUseException; unknown add-on on the cluster → ResourceNotFoundException")
    void addonCalls_whenDuplicateOrMissing_throwTypedErrors() {
        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni"));
        assertThrows(ResourceInUseException.class, () -> eks.createAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni")));
        ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class, () -> describeAddon("eks-pod-identity-agent"));
        assertEquals("No addon: eks-pod-identity-agent found in cluster: demo", missing.awsErrorDetails().errorMessage());
        assertThrows(ResourceNotFoundException.class, () -> eks.listAddons(r -> r.clusterName("nope")));
    }

    @Test
    @DisplayName("CreateAddon with podIdentityAssociations: associations in the add-on namespace, ownerArn = add-on ARN, listed on the add-on")
    void createAddon_whenPodIdentityAssociationsGiven_createsOwnedAssociations() {
        Addon addon = eks.createAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni")
                .podIdentityAssociations(pia("aws-node", role("cni-role")))).addon();
        assertEquals(1, addon.podIdentityAssociations().size());
        PodIdentityAssociationSummary summary = eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER)).associations().getFirst();
        assertEquals("kube-system", summary.namespace());
        assertEquals("aws-node", summary.serviceAccount());
        assertEquals(addon.addonArn(), summary.ownerArn());
        assertEquals(addon.podIdentityAssociations().getFirst(), summary.associationArn());
        assertEquals(role("cni-role"), eks.describePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .associationId(summary.associationId())).association().roleArn());
    }

    @Test
    @DisplayName("Add-on-owned associations cannot be updated or deleted directly → InvalidRequestException")
    void ownedAssociation_whenUpdatedOrDeletedDirectly_throwsInvalidRequest() {
        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni")
                .podIdentityAssociations(pia("aws-node", role("cni-role"))));
        String id = eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER)).associations().getFirst().associationId();
        assertThrows(InvalidRequestException.class, () -> eks.updatePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .associationId(id).roleArn(role("app-role"))));
        assertThrows(InvalidRequestException.class, () -> eks.deletePodIdentityAssociation(r -> r.clusterName(CLUSTER).associationId(id)));
    }

    @Test
    @DisplayName("Pod identity on an add-on: unsupported version/add-on and unknown service account → InvalidParameterException with AWS's wording")
    void createAddon_whenPodIdentityUnsupported_throwsInvalidParameter() {
        InvalidParameterException agent = assertThrows(InvalidParameterException.class, () -> eks.createAddon(r -> r.clusterName(CLUSTER)
                .addonName("eks-pod-identity-agent").podIdentityAssociations(pia("x", role("app-role")))));
        assertTrue(agent.awsErrorDetails().errorMessage().startsWith("Pod Identity feature is not supported for addon version: "));
        InvalidParameterException sa = assertThrows(InvalidParameterException.class, () -> eks.createAddon(r -> r.clusterName(CLUSTER)
                .addonName("amazon-cloudwatch-observability")
                .podIdentityAssociations(pia("amazon-cloudwatch", role("app-role")))));
        assertEquals("Service account amazon-cloudwatch in pod identity configuration is not supported for addon amazon-cloudwatch-observability",
                sa.awsErrorDetails().errorMessage());
    }

    @Test
    @DisplayName("UpdateAddon podIdentityAssociations: a list creates/updates/deletes by serviceAccount; an empty list deletes the owned ones; returns an AddonUpdate")
    void updateAddon_whenPodIdentityAssociationsChange_reconcilesOwnedAssociations() {
        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("adot").podIdentityAssociations(
                pia("adot-col-prom-metrics", role("adot-metrics")),
                pia("adot-col-otlp-ingest", role("adot-otlp"))));
        String metricsId = eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER).serviceAccount("adot-col-prom-metrics"))
                .associations().getFirst().associationId();

        Update update = eks.updateAddon(r -> r.clusterName(CLUSTER).addonName("adot").podIdentityAssociations(
                pia("adot-col-prom-metrics", role("app-role")),
                pia("adot-col-container-logs", role("adot-logs")))).update();
        assertEquals("AddonUpdate", update.typeAsString());
        assertEquals("InProgress", update.statusAsString());
        assertTrue(update.params().stream().anyMatch(p -> p.type() == UpdateParamType.POD_IDENTITY_ASSOCIATIONS));
        assertEquals(AddonStatus.UPDATING, describeAddon("adot").status());

        var owned = eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER).namespace("opentelemetry-operator-system")).associations();
        assertEquals(Set.of("adot-col-prom-metrics", "adot-col-container-logs"),
                Set.copyOf(owned.stream().map(PodIdentityAssociationSummary::serviceAccount).toList()));
        PodIdentityAssociation metrics = eks.describePodIdentityAssociation(r -> r.clusterName(CLUSTER).associationId(metricsId)).association();
        assertEquals(role("app-role"), metrics.roleArn(), "same service account keeps its association, with the new role");

        eks.updateAddon(r -> r.clusterName(CLUSTER).addonName("adot").podIdentityAssociations(List.of()));
        assertTrue(eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER)).associations().isEmpty());
        assertTrue(describeAddon("adot").podIdentityAssociations().isEmpty());
    }

    @Test
    @DisplayName("UpdateAddon without podIdentityAssociations leaves them alone (omitted ≠ empty)")
    void updateAddon_whenFieldOmitted_keepsAssociations() {
        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni").addonVersion("v1.20.4-eksbuild.2")
                .podIdentityAssociations(pia("aws-node", role("cni-role"))));
        eks.updateAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni").addonVersion("v1.21.1-eksbuild.3"));
        assertEquals(1, eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER)).associations().size());
        assertEquals("v1.21.1-eksbuild.3", describeAddon("vpc-cni").addonVersion());
    }

    @Test
    @DisplayName("DeleteAddon deletes its associations; with preserve=true they stay (and no longer have an owner)")
    void deleteAddon_whenPreserveOrNot_handlesOwnedAssociations() {
        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni")
                .podIdentityAssociations(pia("aws-node", role("cni-role"))));
        eks.deleteAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni").preserve(true));
        assertThrows(ResourceNotFoundException.class, () -> describeAddon("vpc-cni"));
        PodIdentityAssociationSummary kept = eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER)).associations().getFirst();
        assertNull(kept.ownerArn());
        eks.deletePodIdentityAssociation(r -> r.clusterName(CLUSTER).associationId(kept.associationId()));

        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni")
                .podIdentityAssociations(pia("aws-node", role("cni-role"))));
        Addon deleting = eks.deleteAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni")).addon();
        assertEquals(AddonStatus.DELETING, deleting.status());
        assertTrue(eks.listPodIdentityAssociations(r -> r.clusterName(CLUSTER)).associations().isEmpty());
    }

    @Test
    @DisplayName("DescribeAddonConfiguration: podIdentityConfiguration = [{serviceAccount, recommendedManagedPolicies}] for add-ons that support it")
    void describeAddonConfiguration_whenAddonSupportsPodIdentity_returnsServiceAccountsAndPolicies() {
        assertEquals(List.of(AddonPodIdentityConfiguration.builder().serviceAccount("aws-node")
                        .recommendedManagedPolicies("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy").build()),
                eks.describeAddonConfiguration(r -> r.addonName("vpc-cni").addonVersion("v1.21.1-eksbuild.3")).podIdentityConfiguration());
        assertEquals(List.of(AddonPodIdentityConfiguration.builder().serviceAccount("ebs-csi-controller-sa")
                        .recommendedManagedPolicies("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy").build()),
                eks.describeAddonConfiguration(r -> r.addonName("aws-ebs-csi-driver").addonVersion("v1.57.1-eksbuild.1")).podIdentityConfiguration());
        assertEquals(3, eks.describeAddonConfiguration(r -> r.addonName("adot").addonVersion("v0.131.0-eksbuild.1"))
                .podIdentityConfiguration().size());
        for (String none : List.of("eks-pod-identity-agent", "kube-proxy", "coredns")) {
            String version = eks.describeAddonVersions(r -> r.addonName(none)).addons().getFirst().addonVersions().getFirst().addonVersion();
            assertTrue(eks.describeAddonConfiguration(r -> r.addonName(none).addonVersion(version)).podIdentityConfiguration().isEmpty(), none);
        }
        // before the minimum pod identity version (VPC CNI v1.15.5) there is no pod identity configuration
        assertTrue(eks.describeAddonConfiguration(r -> r.addonName("vpc-cni").addonVersion("v1.15.1-eksbuild.1"))
                .podIdentityConfiguration().isEmpty());
        assertThrows(InvalidParameterException.class, () -> eks.describeAddonConfiguration(r -> r.addonName("vpc-cni").addonVersion("latest")));
    }

    @Test
    @DisplayName("DescribeAddonVersions: requiresIamPermissions per version, addonName filter, pagination")
    void describeAddonVersions_whenFilteredAndPaged_reportsIamRequirement() {
        var cni = eks.describeAddonVersions(r -> r.addonName("vpc-cni")).addons();
        assertEquals(1, cni.size());
        assertTrue(cni.getFirst().addonVersions().getFirst().requiresIamPermissions());
        assertFalse(eks.describeAddonVersions(r -> r.addonName("eks-pod-identity-agent")).addons().getFirst()
                .addonVersions().getFirst().requiresIamPermissions());
        long total = eks.describeAddonVersionsPaginator(r -> r.maxResults(2)).addons().stream().count();
        assertEquals(9, total);
    }

    @Test
    @DisplayName("DescribeUpdate for an add-on update: InProgress while UPDATING, Successful once the add-on is ACTIVE; ListUpdates lists it")
    void describeUpdate_whenAddonSettles_turnsSuccessful() throws InterruptedException {
        cloud.eksEmulator().setAddonTransition(Duration.ofMillis(500));
        eks.createAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni"));
        awaitAddon("vpc-cni", AddonStatus.ACTIVE);
        String updateId = eks.updateAddon(r -> r.clusterName(CLUSTER).addonName("vpc-cni").addonVersion("v1.20.4-eksbuild.2")).update().id();
        assertEquals("InProgress", eks.describeUpdate(r -> r.name(CLUSTER).updateId(updateId).addonName("vpc-cni")).update().statusAsString());
        assertEquals("InProgress", eks.describeUpdate(r -> r.name(CLUSTER).updateId(updateId).addonName("vpc-cni")).update().statusAsString(),
                "a second look does not settle it either");
        assertEquals(AddonStatus.ACTIVE, awaitAddon("vpc-cni", AddonStatus.ACTIVE).status());
        assertEquals("Successful", eks.describeUpdate(r -> r.name(CLUSTER).updateId(updateId).addonName("vpc-cni")).update().statusAsString());
        assertEquals(List.of(updateId), eks.listUpdates(r -> r.name(CLUSTER).addonName("vpc-cni")).updateIds());
        assertThrows(ResourceNotFoundException.class,
                () -> eks.describeUpdate(r -> r.name(CLUSTER).updateId("00000000-0000-0000-0000-000000000000").addonName("vpc-cni")));
    }

    @Test
    @DisplayName("TagResource/UntagResource/ListTagsForResource on association ARNs; tags show in DescribePodIdentityAssociation")
    void tagResource_whenAssociationArn_tagsTheAssociation() {
        PodIdentityAssociation a = create("apps", "web", role("app-role"));
        eks.tagResource(r -> r.resourceArn(a.associationArn()).tags(Map.of("owner", "autopilot", "team", "web")));
        eks.untagResource(r -> r.resourceArn(a.associationArn()).tagKeys("team"));
        assertEquals(Map.of("owner", "autopilot"), eks.listTagsForResource(r -> r.resourceArn(a.associationArn())).tags());
        assertEquals(Map.of("owner", "autopilot"), eks.describePodIdentityAssociation(r -> r.clusterName(CLUSTER)
                .associationId(a.associationId())).association().tags());
        assertThrows(software.amazon.awssdk.services.eks.model.NotFoundException.class, () -> eks.listTagsForResource(r -> r.resourceArn(
                "arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-0000000000000000x")));
    }

    // ---------------------------------------------------------------- clusters

    @Test
    @DisplayName("Cluster CREATING (overlay on moto) until its time: describing it again and again does not make it ACTIVE sooner;"
            + " writes → InvalidRequestException; after its time it is ACTIVE with no describe in between")
    void clusterOverlay_whenCreating_turnsActiveByTimeNotByDescribes() throws InterruptedException {
        Duration activeAfter = Duration.ofMillis(1500);
        long set = System.nanoTime(); // before the call: the cluster cannot turn ACTIVE before set + activeAfter
        cloud.eksEmulator().setClusterStatus(REGION, CLUSTER, "CREATING", activeAfter);
        assertThrows(InvalidRequestException.class, () -> create("apps", "web", role("app-role")));
        int describes = 0;
        while (System.nanoTime() - set < activeAfter.minusMillis(300).toNanos()) {
            String status = eks.describeCluster(r -> r.name(CLUSTER)).cluster().statusAsString();
            if (System.nanoTime() - set < activeAfter.toNanos()) { // answered before its time
                assertEquals("CREATING", status, "describe " + (describes + 1));
                describes++;
            }
        }
        assertTrue(describes >= 5, "many describes in a row before its time, not " + describes);

        Thread.sleep(Math.max(0, Duration.ofNanos(set + activeAfter.plusMillis(100).toNanos() - System.nanoTime()).toMillis()));
        assertNotNull(create("apps", "web", role("app-role")), "ACTIVE once its time has passed, with no describe since");
        assertEquals("ACTIVE", eks.describeCluster(r -> r.name(CLUSTER)).cluster().statusAsString());
    }

    @Test
    @DisplayName("A cluster being created has no API server yet: DescribeCluster has no endpoint and no CA until ACTIVE")
    void clusterOverlay_whenCreating_hasNoEndpointUntilActive() {
        cloud.eksEmulator().setKubernetesEndpoint(REGION, CLUSTER, "http://127.0.0.1:1");
        cloud.eksEmulator().setClusterStatus(REGION, CLUSTER, "CREATING"); // stays CREATING until set again
        var creating = eks.describeCluster(r -> r.name(CLUSTER)).cluster();
        assertEquals("CREATING", creating.statusAsString());
        assertNull(creating.endpoint());
        assertNull(creating.certificateAuthority());
        cloud.eksEmulator().setClusterStatus(REGION, CLUSTER, "ACTIVE");
        var active = eks.describeCluster(r -> r.name(CLUSTER)).cluster();
        assertEquals("ACTIVE", active.statusAsString());
        assertEquals("http://127.0.0.1:1", active.endpoint());
    }

    // ---------------------------------------------------------------- access entries

    @Test
    @DisplayName("Access entries: create/describe/list/associate policy; duplicate principal → ResourceInUseException; delete → gone")
    void accessEntries_whenManaged_followEksSemantics() {
        String principal = role("app-role");
        var entry = eks.createAccessEntry(r -> r.clusterName(CLUSTER).principalArn(principal).kubernetesGroups("viewers")).accessEntry();
        assertEquals("STANDARD", entry.type());
        assertEquals(List.of("viewers"), entry.kubernetesGroups());
        assertThrows(ResourceInUseException.class, () -> eks.createAccessEntry(r -> r.clusterName(CLUSTER).principalArn(principal)));
        assertEquals(principal, eks.describeAccessEntry(r -> r.clusterName(CLUSTER).principalArn(principal)).accessEntry().principalArn());

        String policy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
        var associated = eks.associateAccessPolicy(r -> r.clusterName(CLUSTER).principalArn(principal).policyArn(policy)
                .accessScope(s -> s.type("namespace").namespaces("apps"))).associatedAccessPolicy();
        assertEquals(policy, associated.policyArn());
        assertEquals(List.of(principal), eks.listAccessEntries(r -> r.clusterName(CLUSTER).associatedPolicyArn(policy)).accessEntries());
        assertEquals(1, eks.listAssociatedAccessPolicies(r -> r.clusterName(CLUSTER).principalArn(principal)).associatedAccessPolicies().size());

        eks.deleteAccessEntry(r -> r.clusterName(CLUSTER).principalArn(principal));
        assertThrows(ResourceNotFoundException.class, () -> eks.describeAccessEntry(r -> r.clusterName(CLUSTER).principalArn(principal)));
    }

    // ---------------------------------------------------------------- helpers

    private static PodIdentityAssociation create(String namespace, String serviceAccount, String roleArn) {
        return eks.createPodIdentityAssociation(r -> r.clusterName(CLUSTER).namespace(namespace).serviceAccount(serviceAccount)
                .roleArn(roleArn)).association();
    }

    private static AddonPodIdentityAssociations pia(String serviceAccount, String roleArn) {
        return AddonPodIdentityAssociations.builder().serviceAccount(serviceAccount).roleArn(roleArn).build();
    }

    /** Polls DescribeAddon as a caller on AWS would, until the add-on has {@code status} (at most 10 s). */
    private static Addon awaitAddon(String name, AddonStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Addon addon = describeAddon(name);
        while (addon.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
            addon = describeAddon(name);
        }
        assertEquals(status, addon.status(), addon::toString);
        return addon;
    }

    private static Addon describeAddon(String name) {
        return eks.describeAddon(r -> r.clusterName(CLUSTER).addonName(name)).addon();
    }

    private static String role(String name) {
        return "arn:aws:iam::" + ACCOUNT + ":role/" + name;
    }
}
