package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.ROLE_PREFIX;
import static dev.podidentity.local.workflow.WorkflowWorld.assertContains;
import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static dev.podidentity.local.workflow.WorkflowWorld.ownershipTags;
import static dev.podidentity.local.workflow.WorkflowWorld.podIdentityTrust;
import static dev.podidentity.local.workflow.WorkflowWorld.requireAssociation;
import static dev.podidentity.local.workflow.WorkflowWorld.requireRole;
import static dev.podidentity.local.workflow.WorkflowWorld.role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.gateway.FaultRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The cases of "never break what works" (issue 15), each from the world that reproduces it, on the local cloud:
 * a move that fails keeps the role it moves away from, a role another cluster uses is not deleted, offboarding
 * deletes only when the cluster is gone, what AWS would refuse is refused before any write, roles of ours that
 * nothing uses are reclaimed, and a run with an oversized value still ends with a report and releases its lock.
 * After each: the workloads' associations are intact and every role we own is either used or gone.
 */
@WorkflowTest
class WorkflowDataSafetyTest {
    static final String CLUSTER = "dev-cluster";
    static final String KEY = "clusters/" + CLUSTER + ".yaml";
    static final String ORDERS_ROLE = "dev-cluster+backend+orders-api";
    static final String ORDERS_ARN = ROLE_PREFIX + "pod-identity-autopilot/" + ORDERS_ROLE;
    static final String DEFAULT_CONFIG = ProjectFiles.read(ProjectFiles.root().resolve("local/worlds/default/dev-cluster.yaml"));
    static final String LOCK_ID = WorkflowWorld.ACCOUNT + "/" + WorkflowWorld.REGION + "/" + CLUSTER;

    /** The default config without orders-api: sa1 only. */
    static final String SA1_ONLY = WorkflowFaultsTest.AGENT_AND_SA1;

    static WorkflowWorld world; // set by @WorkflowTest

    /** The default config applied: orders-api on a role we created, sa1 on its role of ours. */
    private static void applied() throws Exception {
        assertSucceeded(world.run(event("config-uploaded.json")));
        requireAssociation(world.state(), CLUSTER, "backend", "orders-api");
    }

    // ------------------------------------------------------------------ a failed move keeps the old role

    @Test
    void apply_movingToARoleArnThatDoesNotExist_isRefusedWithItsLineBeforeAnyWrite() throws Exception {
        // Issue 13: by default the guardrails refuse a roleARN nobody granted (a missing role included) before the
        // existence check; with eksctl's behaviour restored (a deployment parameter) the mistyped ARN reaches
        // Resolve's existence check of issue 15, which this test is about (as in WorkflowRecoveryTest).
        world.deploy(Map.of("AllowUnmarkedRoles", "true"));
        applied();
        ObjectNode before = world.stateWithoutReports();
        String mistyped = DEFAULT_CONFIG.replace("      permissionPolicyARNs:\n        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n",
                "      roleARN: arn:aws:iam::111122223333:role/orders-api-rol\n");
        assertTrue(mistyped.contains("orders-api-rol"), mistyped);
        world.upload(KEY, mistyped);
        world.cloud().calls().reset();

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertEquals("FAILED", run.status());
        assertContains(run.cause(), "clusters/dev-cluster.yaml:");
        assertContains(run.cause(), "orders-api-rol");
        assertContains(run.cause(), "does not exist");
        assertEquals(0, world.cloud().calls().writes("iam") + world.cloud().calls().writes("eks"),
                () -> world.cloud().calls().snapshot().toString());
        assertTrue(world.hasReport(run, CLUSTER), "the run ends with a report");
        assertEquals(WorkflowWorld.withoutKeys(before, "clusters/"), WorkflowWorld.withoutKeys(world.stateWithoutReports(), "clusters/"));
        assertEquals(ORDERS_ARN, requireAssociation(world.state(), CLUSTER, "backend", "orders-api").path("roleArn").asText());
        assertEveryOwnedRoleUsedOrGone(world.state());
    }

    @Test
    void apply_whenEksAnswers5xxToTheMove_theOldRoleIsKeptAndARerunFinishesTheMove() throws Exception {
        applied();
        String renamed = DEFAULT_CONFIG.replace("      permissionPolicyARNs:", "      roleName: orders-api-v2\n      permissionPolicyARNs:");
        world.upload(KEY, renamed);
        FaultRule down = FaultRule.serverErrorFirst("eks", "UpdatePodIdentityAssociation", 10_000);
        world.cloud().faults().add(down);

        LocalApp.Run failed = world.run(event("config-uploaded.json"));

        assertEquals("FAILED", failed.status());
        assertTrue(world.cloud().faults().fired(down) >= 1);
        JsonNode half = world.state();
        assertEquals(ORDERS_ARN, requireAssociation(half, CLUSTER, "backend", "orders-api").path("roleArn").asText(),
                "the association stays on its role");
        requireRole(half, ORDERS_ROLE);
        assertEveryAssociationHasItsRole(half);
        JsonNode report = world.report(failed, CLUSTER);
        assertContains(report.path("planText").asText(), "kept until the move has succeeded");
        JsonNode prune = WorkflowWorld.outcome(report, "prune/backend/orders-api");
        assertEquals("SKIPPED", prune.path("result").asText(), prune::toString);
        assertContains(prune.path("reason").asText(), "associate/backend/orders-api");

        world.cloud().faults().clear();
        world.upload(KEY, renamed);
        LocalApp.Run rerun = world.run(event("config-uploaded.json"));

        assertSucceeded(rerun);
        JsonNode after = world.state();
        assertEquals(ROLE_PREFIX + "pod-identity-autopilot/orders-api-v2",
                requireAssociation(after, CLUSTER, "backend", "orders-api").path("roleArn").asText());
        assertTrue(role(after, ORDERS_ROLE).isEmpty(), "the role left behind is pruned once the move succeeded");
        assertEveryOwnedRoleUsedOrGone(after);
    }

    // ------------------------------------------------------------------ in use anywhere in the account and region

    @Test
    void apply_droppingAnAssociation_keepsItsRoleWhileAnotherClusterUsesIt() throws Exception {
        applied();
        world.cloud().eks().createPodIdentityAssociation(r -> r.clusterName("auto-cluster").namespace("orders")
                .serviceAccount("orders-api").roleArn(ORDERS_ARN));
        world.upload(KEY, SA1_ONLY);

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertTrue(WorkflowWorld.association(state, CLUSTER, "backend", "orders-api").isEmpty(), "pruned from dev-cluster");
        requireRole(state, ORDERS_ROLE);
        requireAssociation(state, "auto-cluster", "orders", "orders-api");
        JsonNode prune = WorkflowWorld.outcome(world.report(run, CLUSTER), "prune/backend/orders-api");
        assertContains(prune.path("reason").asText(), "kept");
        assertContains(prune.path("reason").asText(), "auto-cluster");
        assertEveryOwnedRoleUsedOrGone(state);
    }

    // ------------------------------------------------------------------ offboard only what is gone

    @Test
    void offboard_ofAnActiveCluster_isRefusedNamingItsStatusAndChangesNothing() throws Exception {
        applied();
        JsonNode before = world.stateWithoutReports();
        ObjectNode input = ProjectFiles.JSON.createObjectNode().put("action", "offboard").put("cluster", CLUSTER);
        input.putObject("trigger").put("type", "console").put("id", "offboard-dev-cluster-1");

        LocalApp.Run run = world.run(input);

        assertEquals("FAILED", run.status());
        assertContains(run.cause(), "ACTIVE");
        assertEquals(before, world.stateWithoutReports(), "nothing changed");
        assertTrue(world.hasReport(run, CLUSTER));
        assertEveryOwnedRoleUsedOrGone(world.state());
    }

    @Test
    void clusterDeleted_lateEventForAClusterThatExistsAgain_isRefusedAndChangesNothing() throws Exception {
        applied();
        JsonNode before = world.stateWithoutReports();

        LocalApp.Run run = world.run(WorkflowWorld.clusterDeleted(CLUSTER, "late-delete-event-1"));

        assertEquals("FAILED", run.status());
        assertContains(run.cause(), "ACTIVE");
        assertEquals(before, world.stateWithoutReports(), "nothing changed");
        assertEveryOwnedRoleUsedOrGone(world.state());
    }

    // ------------------------------------------------------------------ refuse early what AWS will refuse

    @Test
    void apply_withAManagedPolicyArnThatDoesNotExist_isRefusedWithItsLineBeforeAnyWrite() throws Exception {
        refusedBeforeAnyWrite(DEFAULT_CONFIG.replace("AmazonS3ReadOnlyAccess", "AmazonS3ReadOnlyAcess"),
                "AmazonS3ReadOnlyAcess");
        assertTrue(role(world.state(), ORDERS_ROLE).isEmpty(), "no role created");
    }

    @Test
    void apply_withAnInlinePolicyIamRefuses_isRefusedWithItsLineBeforeAnyWrite() throws Exception {
        refusedBeforeAnyWrite(DEFAULT_CONFIG.replace("      permissionPolicyARNs:\n        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n", """
                      permissionPolicy:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: "s3 GetObject"
                            Resource: "*"
                """), "s3 GetObject");
    }

    /** The config is refused by Resolve, naming its line and {@code mention}, with no IAM or EKS write. */
    private static void refusedBeforeAnyWrite(String config, String mention) throws Exception {
        world.upload(KEY, config);
        world.cloud().calls().reset();

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertEquals("FAILED", run.status());
        assertContains(run.cause(), "clusters/dev-cluster.yaml:");
        assertContains(run.cause(), mention);
        assertEquals(0, world.cloud().calls().writes("iam") + world.cloud().calls().writes("eks"),
                () -> world.cloud().calls().snapshot().toString());
        assertTrue(world.hasReport(run, CLUSTER), "the run ends with a report");
    }

    // ------------------------------------------------------------------ reclaim what we own

    @Test
    void apply_afterARunThatCreatedARoleAndFailed_reclaimsItOnceTheConfigNoLongerNamesIt() throws Exception {
        world.deploy(Map.of("OrphanRoleGraceMinutes", "0"));
        FaultRule crash = FaultRule.crashAfter("iam", "CreateRole", 100);
        world.cloud().faults().add(crash);
        LocalApp.Run failed = world.run(event("config-uploaded.json"));
        assertEquals("FAILED", failed.status());
        requireRole(world.state(), ORDERS_ROLE);
        assertTrue(WorkflowWorld.association(world.state(), CLUSTER, "backend", "orders-api").isEmpty());
        world.cloud().faults().clear();
        world.upload(KEY, SA1_ONLY);

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertTrue(role(state, ORDERS_ROLE).isEmpty(), "the orphan is reclaimed");
        requireAssociation(state, CLUSTER, "default", "sa1");
        assertContains(world.report(run, CLUSTER).path("planText").asText(), ORDERS_ROLE);
        assertEveryOwnedRoleUsedOrGone(state);
    }

    @Test
    void apply_reclaimsOurUnusedRolesOfItsClusterOnlyAfterTheGracePeriod() throws Exception {
        applied();
        createOwnedRole("dev-cluster+backend+old-job", CLUSTER, "backend", "old-job");
        createOwnedRole("auto-cluster+shop+cart", "auto-cluster", "shop", "cart");

        // default grace: a role this young may belong to a run in flight
        world.upload(KEY, DEFAULT_CONFIG);
        LocalApp.Run young = world.run(event("config-uploaded.json"));
        assertSucceeded(young);
        requireRole(world.state(), "dev-cluster+backend+old-job");
        assertContains(world.report(young, CLUSTER).path("planText").asText(), "dev-cluster+backend+old-job");

        world.deploy(Map.of("OrphanRoleGraceMinutes", "0"));
        world.upload(KEY, DEFAULT_CONFIG);
        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertTrue(role(state, "dev-cluster+backend+old-job").isEmpty(), "ours for this cluster, unused: reclaimed");
        requireRole(state, "auto-cluster+shop+cart");
        requireRole(state, ORDERS_ROLE);
        requireAssociation(state, CLUSTER, "backend", "orders-api");
        requireAssociation(state, CLUSTER, "default", "sa1");
    }

    // ------------------------------------------------------------------ every run ends with a report and its lock

    @Test
    void apply_withATwoMegabyteTag_isRefusedWithItsLineAndEndsWithAReportAndNoLock() throws Exception {
        String big = "x".repeat(2 * 1024 * 1024);
        refusedWithAReportAndNoLock(DEFAULT_CONFIG.replace("        team: orders", "        team: " + big));
    }

    /** A session policy IAM's grammar accepts, with a 2 MB resource: what EKS gets only after the lock is taken. */
    @Test
    void apply_withATwoMegabyteSessionPolicy_isRefusedWithItsLineAndEndsWithAReportAndNoLock() throws Exception {
        String policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": "
                + "\"s3:GetObject\", \"Resource\": \"arn:aws:s3:::" + "x".repeat(2 * 1024 * 1024) + "\"}]}";
        refusedWithAReportAndNoLock(DEFAULT_CONFIG.replace("      tags:\n        team: orders",
                "      policy: '" + policy + "'"));
    }

    private void refusedWithAReportAndNoLock(String config) throws Exception {
        world.upload(KEY, config);

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertEquals("FAILED", run.status());
        assertContains(run.cause(), "clusters/dev-cluster.yaml:");
        assertTrue(run.cause().length() < 4096, () -> "the cause echoes " + run.cause().length() + " characters");
        assertTrue(world.hasReport(run, CLUSTER), "the run ends with a report");
        assertTrue(world.report(run, CLUSTER).toString().length() < 64 * 1024, "the report does not carry the value");
        Map<String, AttributeValue> lease = world.cloud().dynamoDb().getItem(b -> b.tableName(world.app().lockTable())
                .consistentRead(true).key(Map.of("lockId", AttributeValue.fromS(LOCK_ID)))).item();
        assertTrue(lease == null || !lease.containsKey("owner"), () -> "no run holds the lock: " + lease);
    }

    // ------------------------------------------------------------------ helpers

    private static void createOwnedRole(String name, String cluster, String namespace, String sa) {
        world.cloud().iam().createRole(b -> b.roleName(name).path("/pod-identity-autopilot/")
                .assumeRolePolicyDocument(podIdentityTrust().toString())
                .tags(ownershipTags(cluster, namespace, sa).entrySet().stream()
                        .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList()));
    }

    /** Every association on every cluster points at a role that exists. */
    static void assertEveryAssociationHasItsRole(JsonNode state) {
        Set<String> roles = new HashSet<>();
        state.path("iam").path("roles").forEach(r -> roles.add(r.path("arn").asText()));
        List<String> problems = new ArrayList<>();
        for (JsonNode c : state.path("clusters")) {
            for (JsonNode a : c.path("podIdentityAssociations")) {
                if (!roles.contains(a.path("roleArn").asText())) {
                    problems.add(c.path("name").asText() + ":" + a.path("namespace").asText() + "/"
                            + a.path("serviceAccount").asText() + " points at a missing role " + a.path("roleArn").asText());
                }
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /** Associations intact, and every role we own (for any cluster) is used by an association somewhere. */
    static void assertEveryOwnedRoleUsedOrGone(JsonNode state) {
        assertEveryAssociationHasItsRole(state);
        Set<String> used = new HashSet<>();
        state.path("clusters").forEach(c -> c.path("podIdentityAssociations").forEach(a -> used.add(a.path("roleArn").asText())));
        List<String> unused = new ArrayList<>();
        for (JsonNode r : state.path("iam").path("roles")) {
            boolean ours = WorldInvariants.MANAGED_BY_VALUE.equals(r.path("tags").path(WorldInvariants.MANAGED_BY).asText());
            if (ours && !used.contains(r.path("arn").asText())) {
                unused.add(r.path("name").asText());
            }
        }
        assertFalse(!unused.isEmpty(), () -> "roles of ours that nothing uses: " + unused);
    }
}
