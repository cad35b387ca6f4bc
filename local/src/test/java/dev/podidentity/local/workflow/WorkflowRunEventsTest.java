package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.ACCOUNT;
import static dev.podidentity.local.workflow.WorkflowWorld.REGION;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static dev.podidentity.local.workflow.WorkflowWorld.executionName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.gateway.FaultRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every run end puts exactly one run-finished event on the default bus, read back here as a team's own rule receives
 * it (a rule on moto's EventBridge with an SQS target), with the detail a person routing it needs; and the
 * human-readable report lands beside the JSON one. The sweep puts one event per finding that needs a person.
 */
@WorkflowTest
class WorkflowRunEventsTest {
    static WorkflowWorld world; // set by @WorkflowTest

    static final String KEY = "clusters/dev-cluster.yaml";
    static final String REPORTS = "s3://pod-identity-autopilot-config-" + ACCOUNT + "/reports/dev-cluster/";

    @Test
    void succeededRun_putsOneRunSucceededEvent_andAMarkdownReportOfWhatWasDone() throws Exception {
        world.events();
        LocalApp.Run run = world.run(event("console-apply.json"));

        JsonNode e = onlyEvent("Run Succeeded");
        JsonNode d = e.path("detail");
        assertEquals("pod-identity-autopilot", e.path("source").asText());
        assertEquals("SUCCEEDED", d.path("outcome").asText());
        assertEquals("dev-cluster", d.path("cluster").asText());
        assertEquals("apply", d.path("action").asText());
        assertEquals("console", d.path("trigger").path("type").asText());
        assertEquals("apply-dev-cluster-20261129-1", d.path("trigger").path("id").asText());
        assertEquals(executionName(run), d.path("execution").asText());
        assertEquals(3, d.path("counts").path("CREATED").asInt(), d::toPrettyString);
        assertEquals(0, d.path("failures").path("count").asInt());
        assertTrue(d.path("durationSeconds").asDouble() > 0, d::toPrettyString);
        assertEquals(REPORTS + executionName(run) + ".json", d.path("report").path("json").asText());
        assertEquals(REPORTS + executionName(run) + ".md", d.path("report").path("markdown").asText());
        // the execution's output links the Markdown report too
        assertEquals("reports/dev-cluster/" + executionName(run) + ".md",
                run.outputJson().path("reportMarkdownKey").asText(), run::output);

        String md = world.markdown(run, "dev-cluster");
        assertTrue(md.startsWith("# apply on cluster dev-cluster: succeeded\n"), md);
        assertTrue(md.contains("## What was asked"), md);
        assertTrue(md.contains("### Created (3)"), md);
        assertTrue(md.contains("`associate/backend/orders-api`"), md);
        assertTrue(md.contains("## What to do next"), md);
    }

    /** cart and orders use the assignable role as it is; only ghost's role is created, so only its step calls CreateRole. */
    static final String GHOST_FAILS = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: dev-cluster
            iam:
              podIdentityAssociations:
                - namespace: shop
                  serviceAccountName: cart
                  roleARN: arn:aws:iam::111122223333:role/payments-api-role
                - namespace: shop
                  serviceAccountName: orders
                  roleARN: arn:aws:iam::111122223333:role/payments-api-role
                - namespace: shop
                  serviceAccountName: ghost
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            """;

    /**
     * One step fails while the others converge. Issue 15 refuses a missing role in Resolve, before any write, so a
     * step no longer fails that way (that run is RUN_FAILED now): here ghost's Associate invocation crashes after its
     * CreateRole on every attempt, which fails its step alone (three steps, three batches).
     */
    @Test
    void runWithFailedSteps_putsOneRunStepsFailedEvent_namingTheFailure() throws Exception {
        world.upload(KEY, GHOST_FAILS);
        world.events();
        world.cloud().faults().add(FaultRule.crashAfter("iam", "CreateRole", 100));
        LocalApp.Run run;
        try {
            run = world.run(WorkflowWorld.configUploaded(KEY));
        } finally {
            world.cloud().faults().clear();
        }
        assertEquals("PodIdentityAutopilot.StepsFailed", run.error(), run::cause);

        JsonNode d = onlyEvent("Run Steps Failed").path("detail");
        assertEquals("STEPS_FAILED", d.path("outcome").asText());
        assertEquals("s3", d.path("trigger").path("type").asText());
        assertEquals(KEY, d.path("trigger").path("configKey").asText());
        assertEquals(1, d.path("failures").path("count").asInt(), d::toPrettyString);
        assertEquals("associate/shop/ghost", d.path("failures").path("first").path(0).path("stepId").asText());
        assertFalse(d.path("failures").path("first").path(0).path("message").asText().isEmpty(), d::toPrettyString);
        assertTrue(d.path("cause").asText().startsWith("1 of "), d::toPrettyString);

        String md = world.markdown(run, "dev-cluster");
        assertTrue(md.contains("### Failed (1)"), md);
        assertTrue(md.contains("`associate/shop/ghost`"), md);
        assertTrue(md.contains("start the run again with the same input"), md);
    }

    @Test
    void runThatCannotStart_putsOneRunFailedEvent() throws Exception {
        world.upload(KEY, "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: dev-cluster\n"
                + "iam:\n  podIdentityAssociations:\n    - serviceAccountName: nons\n");
        world.events();
        LocalApp.Run run = world.run(WorkflowWorld.configUploaded(KEY));
        assertEquals("PodIdentityAutopilot.RunFailed", run.error());

        JsonNode d = onlyEvent("Run Failed").path("detail");
        assertEquals("RUN_FAILED", d.path("outcome").asText());
        assertTrue(d.path("cause").asText().contains("namespace"), d::toPrettyString);
        assertTrue(world.markdown(run, "dev-cluster").contains("the run failed"));
    }

    @Test
    void supersededRun_putsOneRunSupersededEvent() throws Exception {
        String old = world.cloud().s3().headObject(b -> b.bucket(world.app().bucket()).key(KEY)).versionId();
        world.upload(KEY, WorkflowRecoveryTest.THREE_ASSOCIATIONS);
        world.events();
        // what the dispatcher starts for the upload of the older version, delivered late
        ObjectNode input = event("console-apply.json");
        input.put("configVersion", old);
        input.putObject("trigger").put("type", "s3").put("id", "late-upload-event");
        LocalApp.Run run = start("superseded-run", input);

        assertTrue(run.succeeded(), run::toString);
        JsonNode d = onlyEvent("Run Superseded").path("detail");
        assertEquals("SUPERSEDED", d.path("outcome").asText());
        assertTrue(d.path("counts").isEmpty(), d::toPrettyString);
    }

    @Test
    void lockedOutRun_putsOneRunLockedOutEvent() throws Exception {
        world.deploy(Map.of(), Map.of("LOCK_WAIT_CHECKS", "2"));
        world.events();
        // A holder that is still running. Only the application's own executions ever hold a lease, and the lock
        // function may describe only those (issue 14 enforces its grant), so the holder is one: a run whose first
        // config read is held up for a minute, so it stays RUNNING while the run under test waits and gives up.
        FaultRule slowRead = new FaultRule("s3", "GetObject", FaultRule.Kind.LATENCY, 60_000, 0, 1, null, 0);
        world.cloud().faults().add(slowRead);
        String holder = world.cloud().sfn().startExecution(b -> b.stateMachineArn(world.app().stateMachineArn())
                .name("holder").input(event("console-dry-run.json").toString())).executionArn();
        try {
            world.awaitFired(slowRead, Duration.ofSeconds(10), "the holder is in its slow read");
            long now = Instant.now().getEpochSecond();
            world.cloud().dynamoDb().putItem(b -> b.tableName(world.app().lockTable()).item(Map.of(
                    "lockId", AttributeValue.fromS(ACCOUNT + "/" + REGION + "/dev-cluster"),
                    "owner", AttributeValue.fromS("holder"), "ownerArn", AttributeValue.fromS(holder),
                    "acquiredAt", AttributeValue.fromN(Long.toString(now)),
                    "expiresAt", AttributeValue.fromN(Long.toString(now + 3600)))));

            LocalApp.Run run = world.run(event("console-apply.json"));

            assertEquals("PodIdentityAutopilot.RunFailed", run.error());
            JsonNode d = onlyEvent("Run Locked Out").path("detail");
            assertEquals("LOCKED_OUT", d.path("outcome").asText());
            assertTrue(d.path("cause").asText().contains("still locked by execution holder"), d::toPrettyString);
            assertTrue(world.markdown(run, "dev-cluster").contains("locked out"));
        } finally {
            world.cloud().faults().clear();
            world.cloud().sfn().stopExecution(b -> b.executionArn(holder));
        }
    }

    @Test
    void dryRun_putsOneRunPlannedEvent_andAMarkdownReportButNoJsonReport() throws Exception {
        world.events();
        LocalApp.Run run = world.run(event("console-dry-run.json"));

        JsonNode d = onlyEvent("Run Planned").path("detail");
        assertEquals("PLANNED", d.path("outcome").asText());
        assertTrue(d.path("dryRun").asBoolean());
        assertEquals(4, d.path("changes").asInt(), d::toPrettyString);
        assertFalse(d.path("report").has("json"), d::toPrettyString);
        assertFalse(world.hasReport(run, "dev-cluster"), "a dry run is no evidence of onboarding: no JSON report");
        assertEquals("reports/dev-cluster/" + executionName(run) + ".md",
                run.outputJson().path("reportMarkdownKey").asText(), run::output);
        String md = world.markdown(run, "dev-cluster");
        assertTrue(md.contains("planned (dry run)"), md);
        assertTrue(md.contains("(plan) would create pod identity association \"default/sa1\""), md);
        assertTrue(md.contains("\"dryRun\": false"), md);
    }

    @Test
    void sweep_putsOneEventPerFindingThatNeedsAPerson() throws Exception {
        world.deploy(Map.of("SweepEnabled", "true"));
        world.events();
        LocalApp.Delivery d = world.deliver(event("scheduled-sweep.json"));
        JsonNode report = d.answers().get("SweepFunction");

        List<String> expected = new ArrayList<>();
        for (JsonNode f : report.path("clusters")) {
            if (List.of("NOT_ONBOARDED", "DRIFT", "INVALID_CONFIG").contains(f.path("verdict").asText())) {
                expected.add(f.path("verdict").asText() + " " + f.path("cluster").asText());
            }
        }
        assertFalse(expected.isEmpty(), report::toPrettyString);
        List<String> got = new ArrayList<>();
        for (JsonNode e : world.events()) {
            got.add(e.path("detail").path("verdict").asText() + " " + e.path("detail").path("cluster").asText());
            assertEquals(Map.of("NOT_ONBOARDED", "Cluster Not Onboarded", "DRIFT", "Cluster Drift Detected",
                    "INVALID_CONFIG", "Cluster Config Invalid").get(e.path("detail").path("verdict").asText()),
                    e.path("detail-type").asText());
            assertTrue(e.path("detail").path("sweepReport").asText().startsWith("s3://"), e::toPrettyString);
        }
        assertEquals(expected, got);
    }

    private static JsonNode onlyEvent(String detailType) {
        List<JsonNode> events = world.events();
        assertEquals(1, events.size(), () -> "exactly one event per run: " + events);
        assertEquals(detailType, events.get(0).path("detail-type").asText(), events.get(0)::toPrettyString);
        return events.get(0);
    }

    private static LocalApp.Run start(String name, JsonNode input) throws InterruptedException {
        String arn = world.cloud().sfn().startExecution(b -> b.stateMachineArn(world.app().stateMachineArn())
                .name(name).input(input.toString())).executionArn();
        return world.app().follow(arn, world.progress::add, WorkflowWorld.TIMEOUT);
    }
}
