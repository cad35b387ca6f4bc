package dev.podidentity.autopilot.operate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How a run ended, from its full report; the event's detail and the Markdown report of each ending. */
class RunFinishedTest {
    static final Instant NOW = Instant.parse("2026-11-29T10:00:12.5Z");

    @Test
    void outcome_ofEachEnding() {
        assertEquals(RunFinished.Outcome.SUCCEEDED, RunFinished.outcome(report("SUCCEEDED")));
        ObjectNode steps = report("FAILED");
        steps.withObject("summary").withArray("failed").addObject().put("stepId", "associate/a/b");
        assertEquals(RunFinished.Outcome.STEPS_FAILED, RunFinished.outcome(steps));
        ObjectNode failed = report("FAILED");
        failed.putObject("error").put("Error", "PodIdentityAutopilot.RunFailed");
        assertEquals(RunFinished.Outcome.RUN_FAILED, RunFinished.outcome(failed));
        ObjectNode locked = report("FAILED");
        locked.putObject("error").put("Error", "PodIdentityAutopilot.ClusterLocked");
        assertEquals(RunFinished.Outcome.LOCKED_OUT, RunFinished.outcome(locked));
        ObjectNode superseded = report("SUCCEEDED");
        superseded.withObject("summary").putObject("plan").putObject("superseded").put("version", "v1");
        assertEquals(RunFinished.Outcome.SUPERSEDED, RunFinished.outcome(superseded));
        assertTrue(RunFinished.Outcome.LOCKED_OUT.needsAttention());
        assertFalse(RunFinished.Outcome.SUPERSEDED.needsAttention());
    }

    @Test
    void detail_namesTheFirstFailuresReadably_andCountsThemAll() {
        ObjectNode r = report("FAILED");
        for (int i = 0; i < 7; i++) {
            r.withArray("outcomes").addObject().put("stepId", "associate/ns/sa" + i).put("result", "FAILED")
                    .put("cause", "{\"errorMessage\":\"role " + i + " does not exist\",\"errorType\":\"x\"}");
        }
        r.withArray("outcomes").addObject().put("stepId", "associate/ns/ok").put("result", "CREATED");
        r.put("cause", "7 of 8 steps failed");
        ObjectNode d = RunFinished.detail(RunFinished.Outcome.STEPS_FAILED, r,
                JsonNodeFactory.instance.objectNode().put("markdown", "s3://b/k.md"), NOW);
        assertEquals(7, d.path("failures").path("count").asInt());
        assertEquals(RunFinished.FAILURES_IN_EVENT, d.path("failures").path("first").size());
        assertEquals("role 0 does not exist", d.path("failures").path("first").path(0).path("message").asText());
        assertEquals(12.5, d.path("durationSeconds").asDouble());
        assertEquals("s3://b/k.md", d.path("report").path("markdown").asText());
        assertEquals("7 of 8 steps failed", d.path("cause").asText());
    }

    @Test
    void markdown_listsFailuresFirst_withTheirErrors_andWhatToDoNext() {
        ObjectNode r = report("FAILED");
        r.withArray("outcomes").addObject().put("phase", "associate").put("stepId", "associate/ns/ok")
                .put("result", "CREATED").put("reason", "association created");
        r.withArray("outcomes").addObject().put("phase", "associate").put("stepId", "associate/ns/bad")
                .put("result", "FAILED").put("error", "NotFoundException")
                .put("cause", "{\"errorMessage\":\"role missing\"}");
        r.withArray("outcomes").addObject().put("phase", "prune").put("stepId", "prune/x")
                .put("result", "SKIPPED").put("reason", "not ours");
        r.withObject("summary").put("restartNote", "running pods keep IRSA").putObject("restartWorkloads")
                .putArray("default/sa1").add("Deployment/orders-api");
        String md = MarkdownReport.render(RunFinished.Outcome.STEPS_FAILED, r, NOW);
        assertTrue(md.startsWith("# apply on cluster dev-cluster: some steps failed\n"), md);
        assertTrue(md.indexOf("### Failed (1)") < md.indexOf("### Created (1)"), md);
        assertTrue(md.contains("- associate: `associate/ns/bad`: NotFoundException: role missing"), md);
        assertTrue(md.contains("- prune: `prune/x`: not ours"), md);
        assertTrue(md.contains("restart these workloads (running pods keep IRSA):\n  - `default/sa1`: "
                + "Deployment/orders-api"), md);
        assertTrue(md.contains("start the run again with the same input"), md);
    }

    private static ObjectNode report(String status) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("status", status);
        r.putObject("input").put("action", "apply").put("cluster", "dev-cluster").putObject("trigger")
                .put("type", "console").put("id", "t1");
        r.putObject("execution").put("name", "e1").put("id", "arn:e1").put("startTime", "2026-11-29T10:00:00Z");
        ObjectNode summary = r.putObject("summary").put("action", "apply").put("cluster", "dev-cluster");
        summary.putObject("counts");
        summary.putArray("failed");
        r.putArray("outcomes");
        return r;
    }
}
