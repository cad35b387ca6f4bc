package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.ROLE_PREFIX;
import static dev.podidentity.local.workflow.WorkflowWorld.assertContains;
import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.association;
import static dev.podidentity.local.workflow.WorkflowWorld.clusterCreated;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static dev.podidentity.local.workflow.WorkflowWorld.outcome;
import static dev.podidentity.local.workflow.WorkflowWorld.requireAssociation;
import static dev.podidentity.local.workflow.WorkflowWorld.requireRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.gateway.FaultRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * What happens when things go wrong, run end to end: one association that cannot be made (the others still are, the
 * run fails and says which and why, a rerun after the fix converges, a plain rerun writes nothing), throttling that
 * outlasts the SDK's retries (the state machine's Retry takes over), and the same event delivered more than once.
 */
@WorkflowTest
class WorkflowRecoveryTest {
    static final String KEY = "clusters/dev-cluster.yaml";
    static final String MISSING_ROLE = "shop-ghost-role";

    static WorkflowWorld world; // set by @WorkflowTest

    static final String THREE_ASSOCIATIONS = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: dev-cluster
            iam:
              podIdentityAssociations:
                - namespace: shop
                  serviceAccountName: cart
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
                - namespace: shop
                  serviceAccountName: orders
                  roleARN: arn:aws:iam::111122223333:role/payments-api-role
                - namespace: shop
                  serviceAccountName: ghost
                  roleARN: arn:aws:iam::111122223333:role/shop-ghost-role
            """;

    /**
     * A role named by ARN that IAM does not have is what EKS would refuse half-way through the run: Resolve refuses
     * the config before any write, naming its line (issue 15; until then the other associations were made and this
     * step failed). Once the role exists, the same config converges.
     */
    @Test
    void apply_whenOneAssociationNamesMissingRole_isRefusedBeforeAnyWriteAndRerunConverges() throws Exception {
        // Issue 13: by default the guardrails refuse a roleARN nobody granted (a missing role included); with eksctl's
        // behaviour restored, the missing role reaches Resolve's existence check, which this test is about.
        world.deploy(java.util.Map.of("AllowUnmarkedRoles", "true"));
        world.upload(KEY, THREE_ASSOCIATIONS);
        JsonNode before = world.stateWithoutReports();
        world.cloud().calls().reset();

        LocalApp.Run failed = world.run(event("config-uploaded.json"));

        assertEquals("FAILED", failed.status());
        assertEquals("PodIdentityAutopilot.RunFailed", failed.error());
        assertContains(failed.cause(), KEY + ":15:");
        assertContains(failed.cause(), ROLE_PREFIX + MISSING_ROLE + "\" does not exist");
        assertEquals(0, world.cloud().calls().writes("iam") + world.cloud().calls().writes("eks"),
                () -> world.cloud().calls().snapshot().toString());
        assertEquals(before, world.stateWithoutReports(), "nothing changed");
        JsonNode report = world.report(failed, "dev-cluster");
        assertEquals("FAILED", report.path("status").asText());
        assertEquals(0, report.path("outcomes").size(), () -> report.path("outcomes").toPrettyString());

        // the fix: the role exists now; the same config uploaded again converges
        world.cloud().iam().createRole(b -> b.roleName(MISSING_ROLE)
                .assumeRolePolicyDocument(WorkflowWorld.podIdentityTrust().toString()));
        world.upload(KEY, THREE_ASSOCIATIONS);
        LocalApp.Run fixed = world.run(event("config-uploaded.json"));

        assertSucceeded(fixed);
        JsonNode after = world.state();
        assertEquals(ROLE_PREFIX + MISSING_ROLE,
                requireAssociation(after, "dev-cluster", "shop", "ghost").path("roleArn").asText());
        assertEquals(ROLE_PREFIX + "pod-identity-autopilot/dev-cluster+shop+cart",
                requireAssociation(after, "dev-cluster", "shop", "cart").path("roleArn").asText());
        assertEquals(ROLE_PREFIX + "payments-api-role",
                requireAssociation(after, "dev-cluster", "shop", "orders").path("roleArn").asText());
        JsonNode fixedReport = world.report(fixed, "dev-cluster");
        assertEquals("CREATED", outcome(fixedReport, "associate/shop/ghost").path("result").asText());
    }

    @Test
    void apply_whenRerunAfterSuccess_reportsNoChangesAndMakesNoWriteCalls() throws Exception {
        assertSucceeded(world.run(event("config-uploaded.json")));
        JsonNode before = world.stateWithoutTimestamps();
        world.upload(KEY, ProjectFiles.read(ProjectFiles.root().resolve("local/worlds/default/dev-cluster.yaml")));
        world.cloud().calls().reset();

        LocalApp.Run rerun = world.run(event("config-uploaded.json"));

        assertSucceeded(rerun);
        assertEquals(0, world.cloud().calls().writes("iam"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(0, world.cloud().calls().writes("eks"), () -> world.cloud().calls().snapshot().toString());
        JsonNode output = rerun.outputJson();
        assertEquals(WorkflowWorld.json("{}"), output.path("summary").path("counts"));
        assertEquals(0, output.path("summary").path("plan").path("changes").asInt());
        assertEquals(0, world.report(rerun, "dev-cluster").path("outcomes").size());
        JsonNode after = world.stateWithoutTimestamps();
        assertEquals(before.path("iam"), after.path("iam"));
        assertEquals(before.path("clusters"), after.path("clusters"));
    }

    @Test
    void apply_whenThrottlingOutlastsSdkRetries_stateMachineRetriesAndSucceeds() throws Exception {
        // more throttled answers in a row than the SDK makes attempts: the handler throws RetryableException
        world.cloud().faults().add(FaultRule.throttleFirst("iam", "CreateRole", 4));
        world.cloud().faults().add(FaultRule.throttleFirst("eks", "CreatePodIdentityAssociation", 4));

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        assertTrue(world.cloud().calls().count("iam", "CreateRole") >= 5,
                () -> world.cloud().calls().snapshot().toString());
        assertTrue(world.cloud().calls().count("eks", "CreatePodIdentityAssociation") >= 6,
                () -> world.cloud().calls().snapshot().toString());
        List<HistoryEvent> history = world.history(run);
        List<String> retried = history.stream().map(WorkflowRecoveryTest::failure)
                .filter(f -> f != null && f.contains("dev.podidentity.autopilot.error.RetryableException")).toList();
        assertFalse(retried.isEmpty(), () -> "no retried task in the history:\n" + describe(history));
        assertTrue(retried.stream().anyMatch(f -> f.contains("Throttling") || f.contains("throttl")),
                () -> retried.toString());
        JsonNode state = world.state();
        requireRole(state, "dev-cluster+backend+orders-api");
        requireAssociation(state, "dev-cluster", "backend", "orders-api");
        requireAssociation(state, "dev-cluster", "default", "sa1");
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("CREATED", outcome(report, "associate/backend/orders-api").path("result").asText());
        assertEquals("CREATED", outcome(report, "associate/default/sa1").path("result").asText());
    }

    @Test
    void dispatcher_whenConfigUploadedEventDeliveredThreeTimes_startsOneExecution() throws Exception {
        JsonNode uploaded = event("config-uploaded.json");
        LocalApp.Run first = world.run(uploaded);
        assertSucceeded(first);

        for (int delivery = 2; delivery <= 3; delivery++) {
            world.progress.clear();
            LocalApp.Delivery again = world.deliver(uploaded);
            assertEquals(List.of("ConfigUploadedRule"), again.matchedRules());
            assertTrue(again.runs().isEmpty(), "delivery " + delivery + " started an execution");
            JsonNode answer = dispatcherAnswer();
            assertFalse(answer.path("started").asBoolean(true), answer::toString);
            assertEquals(WorkflowWorld.executionName(first), answer.path("executionName").asText());
            assertContains(answer.path("reason").asText(), "already exists: this event was delivered before");
        }
        assertEquals(1, executions());
    }

    @Test
    void dispatcher_whenClusterCreatedEventDeliveredThreeTimes_startsOneExecution() throws Exception {
        JsonNode created = event("cluster-created.json");
        LocalApp.Run first = world.run(created);
        assertSucceeded(first);

        for (int delivery = 2; delivery <= 3; delivery++) {
            world.progress.clear();
            LocalApp.Delivery again = world.deliver(created);
            assertEquals(List.of("ClusterCreatedRule"), again.matchedRules());
            assertTrue(again.runs().isEmpty(), "delivery " + delivery + " started an execution");
            JsonNode answer = dispatcherAnswer();
            assertFalse(answer.path("started").asBoolean(true), answer::toString);
            assertEquals(WorkflowWorld.executionName(first), answer.path("executionName").asText());
            assertContains(answer.path("reason").asText(), "already exists: this event was delivered before");
        }
        assertEquals(1, executions());
        // another CreateCluster event (another event id) is another execution
        assertSucceeded(world.run(clusterCreated("new-cluster", "a4b7e2d1-0000-4e8a-9b60-7d1e2f3a4b5c")));
        assertEquals(2, executions());
    }

    private static JsonNode dispatcherAnswer() throws Exception {
        String line = world.progress.stream().filter(l -> l.startsWith("DispatcherFunction: ")).findFirst()
                .orElseThrow(() -> new AssertionError("the dispatcher did not answer: " + world.progress));
        return ProjectFiles.JSON.readTree(line.substring("DispatcherFunction: ".length()));
    }

    private static int executions() {
        return world.cloud().sfn().listExecutions(b -> b.stateMachineArn(world.app().stateMachineArn()))
                .executions().size();
    }

    private static String failure(HistoryEvent e) {
        if (e.taskFailedEventDetails() != null) {
            return e.taskFailedEventDetails().error() + ": " + e.taskFailedEventDetails().cause();
        }
        if (e.lambdaFunctionFailedEventDetails() != null) {
            return e.lambdaFunctionFailedEventDetails().error() + ": " + e.lambdaFunctionFailedEventDetails().cause();
        }
        return null;
    }

    private static String describe(List<HistoryEvent> history) {
        StringBuilder b = new StringBuilder();
        history.forEach(e -> b.append(e.typeAsString()).append(' ').append(e.stateEnteredEventDetails() != null
                ? e.stateEnteredEventDetails().name() : "").append(' ').append(failure(e) == null ? "" : failure(e))
                .append('\n'));
        return b.toString();
    }
}
