package dev.podidentity.autopilot.run.report;

import dev.podidentity.autopilot.port.MemoryConfigStore;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.run.RunArtifacts;
import dev.podidentity.autopilot.operate.RunNotices;
import dev.podidentity.autopilot.port.RunEvents;
import dev.podidentity.autopilot.run.contract.ExecutionInfo;
import dev.podidentity.autopilot.run.contract.PlanSummary;
import dev.podidentity.autopilot.run.contract.ReportResult;
import dev.podidentity.autopilot.run.contract.ReportTask;
import dev.podidentity.autopilot.run.contract.ResolveOutput;
import dev.podidentity.autopilot.run.resolve.RunOutput;
import dev.podidentity.autopilot.run.resolve.RunOutputTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Report reads the batches' outcomes from the config bucket, writes them all, returns a small summary. */
class ReporterTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String EXECUTION = "apply-dev-cluster-1";

    private final MemoryConfigStore store = new MemoryConfigStore();
    private final RunArtifacts artifacts = new RunArtifacts(store);
    private final Reporter reporter = new Reporter(store, artifacts);

    @Test
    void everyBatchsOutcomes_areReadFromTheBucket_intoTheReport() throws Exception {
        ObjectNode run = publish(120);
        writeOutcomes(run, 0, 0, 50, "CREATED");
        writeOutcomes(run, 1, 50, 100, "CREATED");
        writeOutcomes(run, 2, 100, 120, "UNCHANGED");

        ObjectNode out = report(input(run, mapResults(run, 3), null));

        assertEquals("SUCCEEDED", out.path("status").asText());
        assertEquals(F.objectNode().put("CREATED", 100).put("UNCHANGED", 20), out.path("summary").path("counts"));
        String key = "reports/dev-cluster/" + EXECUTION + ".json";
        assertEquals(key, out.path("reportKey").asText());
        JsonNode report = new ObjectMapper().readTree(store.objects.get(key));
        assertEquals(120, report.path("outcomes").size());
        assertEquals("associate/ns/sa-119", report.path("outcomes").get(119).path("stepId").asText());
        assertEquals("associate", report.path("outcomes").get(0).path("phase").asText());
        assertTrue(report.path("planText").asText().endsWith("line 119\n"), "the full plan text, from the plan");
        assertEquals(run.path("planKey").asText(), report.path("planKey").asText());
        assertFalse(out.has("outcomes"), "the state gets the summary only");
    }

    @Test
    void manyFailures_listTwentyInTheOutput_andAllInTheReport() throws Exception {
        ObjectNode run = publish(100);
        writeOutcomes(run, 0, 0, 50, "FAILED");
        writeOutcomes(run, 1, 50, 100, "CREATED");

        ObjectNode out = report(input(run, mapResults(run, 2), null));

        assertEquals("FAILED", out.path("status").asText());
        assertEquals(20, out.path("summary").path("failed").size());
        assertEquals(30, out.path("summary").path("failedNotListed").asInt());
        assertEquals("and 30 more failed steps: see the report", out.path("summary").path("failedNote").asText());
        assertTrue(out.path("cause").asText().startsWith("50 of 100 steps failed; first: associate/ns/sa-0: boom"),
                out.path("cause").asText());
        JsonNode report = new ObjectMapper().readTree(store.objects.get(out.path("reportKey").asText()));
        assertEquals(50, report.path("summary").path("failed").size());
        assertTrue(out.toString().length() < 8_000, out.toString().length() + " bytes");
    }

    @Test
    void aBatchWhoseItemFailed_reportsItsStepsWithoutOutcome_asFailedWithTheBatchError() throws Exception {
        ObjectNode run = publish(60);
        writeOutcomes(run, 0, 0, 50, "CREATED");
        ArrayNode partial = F.arrayNode();
        for (int i = 50; i < 55; i++) {
            partial.addObject().put("stepId", "associate/ns/sa-" + i).put("result", "CREATED");
        }
        artifacts.writeOutcomes(RunArtifacts.outcomesKey(run.path("planKey").asText(), "associate", 1), "associate",
                1, partial);
        ArrayNode results = mapResults(run, 1);
        results.addObject().put("phase", "associate").put("batch", 1).put("result", "FAILED")
                .put("error", "dev.podidentity.autopilot.error.RetryableException")
                .put("cause", "{\"errorMessage\":\"batch associate-1: 5 of 10 steps to retry\"}");

        ObjectNode out = report(input(run, results, null));

        assertEquals("FAILED", out.path("status").asText());
        assertEquals(F.objectNode().put("CREATED", 55).put("FAILED", 5), out.path("summary").path("counts"));
        JsonNode first = out.path("summary").path("failed").get(0);
        assertEquals("associate/ns/sa-55", first.path("stepId").asText());
        assertEquals("batch associate-1: 5 of 10 steps to retry", first.path("message").asText());
    }

    @Test
    void aRunStoppedBeforeAPhase_reportsWhatRan_andNothingForBatchesThatNeverStarted() throws Exception {
        ObjectNode run = publish(100);
        writeOutcomes(run, 0, 0, 50, "CREATED");
        ObjectNode error = F.objectNode().put("Error", "States.Timeout").put("Cause", "stopped");

        ObjectNode out = report(input(run, F.arrayNode(), error));

        assertEquals("FAILED", out.path("status").asText());
        assertEquals("States.Timeout: stopped", out.path("cause").asText());
        assertEquals(F.objectNode().put("CREATED", 50), out.path("summary").path("counts"),
                "a batch's outcomes count even when its Map state was stopped");
    }

    @Test
    void aRunWithoutPlan_stillReports() {
        ObjectNode in = F.objectNode();
        in.putObject("input").put("action", "apply").put("cluster", "dev-cluster");
        in.putObject("execution").put("name", EXECUTION);
        in.putNull("run");
        in.putObject("outcomes").putNull("agent");
        in.putObject("error").put("Error", "InvalidInput").put("Cause", "bad");

        ObjectNode out = report(in);

        assertEquals("FAILED", out.path("status").asText());
        assertEquals(F.objectNode(), out.path("summary").path("counts"));
    }

    @Test
    void aMigration_liftsItsRestartsBesideThePlanSummary_inTheResultAndTheReport() throws Exception {
        Map<String, List<String>> restart = new LinkedHashMap<>();
        restart.put("orders/api", List.of("deployment/api"));
        restart.put("billing/worker", List.of("deployment/worker", "cronjob/nightly"));
        ResolveOutput published = RunOutput.publish(RunOutputTest.fullRun("dev-cluster", 0, "plan\n").withSummary(
                PlanSummary.of(2, 0, List.of()).withRestarts(restart, "restart them")), EXECUTION, artifacts,
                "bucket", 50);
        ObjectNode run = JsonHandler.MAPPER.valueToTree(published);

        ObjectNode out = report(input(run, F.arrayNode(), null));

        JsonNode report = new ObjectMapper().readTree(store.objects.get(out.path("reportKey").asText()));
        for (JsonNode summary : List.of(out.path("summary"), report.path("summary"))) {
            assertEquals(List.of("orders/api", "billing/worker"), fieldNames(summary.path("restartWorkloads")),
                    "in plan order");
            assertEquals("restart them", summary.path("restartNote").asText());
            assertFalse(summary.path("plan").has("restartWorkloads"), summary.toString());
            assertEquals(2, summary.path("plan").path("changes").asInt());
        }
    }

    @Test
    void aPlanOnlyRun_getsAMarkdownReportWithThePlansCounts_andNoJsonReport() {
        ResolveOutput run = RunOutput.publish(RunOutputTest.fullRun("dev-cluster", 3, "(plan) would ...\n"),
                "dryrun-1", artifacts, "bucket", 50);
        RunNotices notices = new RunNotices(store, "bucket", RunEvents.NONE, java.time.Clock.systemUTC());

        ReportResult out = notices.planned(new ReportTask("plan", F.objectNode().put("dryRun", true),
                new ExecutionInfo("dryrun-1", "arn:aws:states:us-east-1:111122223333:execution:sm:dryrun-1", null),
                run, null, null));

        assertEquals("reports/dev-cluster/dryrun-1.md", out.reportMarkdownKey());
        assertEquals("PLANNED", out.outcome());
        assertFalse(store.objects.containsKey("reports/dev-cluster/dryrun-1.json"));
        String md = new String(store.objects.get(out.reportMarkdownKey()), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(md.contains("3 changes planned, 0 unchanged"), md);
        assertTrue(md.contains("`apply` on cluster `dev-cluster`"), md);
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The Report as its handler runs it: the input bound to its record, the result as the state gets it. */
    private ObjectNode report(ObjectNode in) {
        return JsonHandler.MAPPER.valueToTree(reporter.report(JsonHandler.MAPPER.convertValue(in, ReportTask.class)));
    }

    private ObjectNode publish(int associations) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            text.append("line ").append(i < 1_999 ? i : 119).append('\n');
        }
        return JsonHandler.MAPPER.valueToTree(RunOutput.publish(RunOutputTest.fullRun("dev-cluster", associations,
                text.toString()), EXECUTION, artifacts, "bucket", 50));
    }

    private void writeOutcomes(ObjectNode run, int batch, int from, int to, String result) {
        ArrayNode list = F.arrayNode();
        for (int i = from; i < to; i++) {
            ObjectNode o = list.addObject().put("stepId", "associate/ns/sa-" + i).put("result", result);
            if (result.equals("FAILED")) {
                o.put("error", "dev.podidentity.autopilot.error.ConflictException")
                        .put("cause", "{\"errorMessage\":\"boom\"}");
            }
        }
        artifacts.writeOutcomes(RunArtifacts.outcomesKey(run.path("planKey").asText(), "associate", batch),
                "associate", batch, list);
    }

    private static ArrayNode mapResults(ObjectNode run, int batches) {
        ArrayNode results = F.arrayNode();
        for (int b = 0; b < batches; b++) {
            results.addObject().put("phase", "associate").put("batch", b).put("failed", 0);
        }
        return results;
    }

    private static ObjectNode input(ObjectNode run, ArrayNode associate, ObjectNode error) {
        ObjectNode in = F.objectNode();
        in.putObject("input").put("action", "apply").put("cluster", "dev-cluster");
        in.putObject("execution").put("name", EXECUTION);
        in.set("run", run);
        ObjectNode outcomes = in.putObject("outcomes");
        outcomes.putNull("agent");
        List<String> phases = new ArrayList<>(RunOutput.PHASES);
        phases.forEach(outcomes::putArray);
        outcomes.set("associate", associate);
        in.set("error", error == null ? F.nullNode() : error);
        return in;
    }
}
