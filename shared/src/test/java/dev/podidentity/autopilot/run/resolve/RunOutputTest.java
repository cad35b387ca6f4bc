package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.port.MemoryConfigStore;
import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.run.RunArtifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Resolve output: the plan by reference, steps cut into batches, everything in the state bounded. */
public class RunOutputTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void descriptors_coverEveryStepOnce_inConsecutiveRangesOfAtMostTheBatchSize() {
        ArrayNode batches = RunOutput.descriptors("associate", 120, 50);
        assertEquals(3, batches.size());
        assertEquals(F.objectNode().put("phase", "associate").put("batch", 0).put("from", 0).put("to", 50),
                batches.get(0));
        assertEquals(F.objectNode().put("phase", "associate").put("batch", 2).put("from", 100).put("to", 120),
                batches.get(2));
        assertEquals(0, RunOutput.descriptors("prune", 0, 50).size(), "no steps, no batch (the Map runs nothing)");
        assertEquals(1, RunOutput.descriptors("trust", 1, 50).size());
        assertEquals(2, RunOutput.descriptors("trust", 51, 50).size());
    }

    @Test
    void batchSize_isTheConfiguredOne_untilTheRunWouldHaveTooManyBatches() {
        Map<String, Integer> eks = new LinkedHashMap<>(Map.of("associate", 5_000, "prune", 5_000));
        assertEquals(50, RunOutput.batchSize(Map.of("associate", 5_000), 50));
        int size = RunOutput.batchSize(eks, 10);
        assertTrue(RunOutput.batches(eks, size) <= RunOutput.MAX_BATCHES, "size " + size);
        assertTrue(RunOutput.batches(eks, size - 1) > RunOutput.MAX_BATCHES, "the smallest size that fits");
    }

    @Test
    void batchSize_spreadsAPhaseOverTheMapConcurrency_withinTheBoundedSize() {
        assertEquals(20, RunOutput.batchSize(100, 50, 5), "100 steps: 5 batches of 20, not 2 of 50");
        assertEquals(50, RunOutput.batchSize(5_000, 50, 5), "a large phase keeps the configured size");
        assertEquals(2, RunOutput.batchSize(10, 50, 5));
        assertEquals(1, RunOutput.batchSize(3, 50, 5), "fewer steps than batches at once: one step each");
        assertEquals(1, RunOutput.batchSize(0, 50, 5));
        assertEquals(50, RunOutput.batchSize(100, 50, 1), "a concurrency of 1: the configured size, as before");
    }

    @Test
    void publish_withMapConcurrency_startsEveryBatchAtOnce_andStillBatchesLargePhases() {
        RunArtifacts artifacts = new RunArtifacts(new MemoryConfigStore());
        ObjectNode small = RunOutput.publish(fullRun("c", 100, "a\n"), "e1", artifacts, "b", 50, 5);
        assertEquals(5, small.path("associate").size());
        assertEquals(20, small.path("associate").get(4).path("to").asInt() - small.path("associate").get(4)
                .path("from").asInt());
        assertEquals(20, small.path("batchSize").asInt());
        ObjectNode large = RunOutput.publish(fullRun("c", 5_000, "a\n"), "e2", artifacts, "b", 50, 5);
        assertEquals(100, large.path("associate").size());
        assertEquals(50, large.path("batchSize").asInt());
    }

    @Test
    void publish_writesThePlan_andReturnsBatchesNotSteps_forTheEksQuotaOfAssociations() {
        MemoryConfigStore store = new MemoryConfigStore();
        RunArtifacts artifacts = new RunArtifacts(store);
        ObjectNode full = fullRun("dev-cluster", 5_000, "line of the plan\n".repeat(5_000));

        ObjectNode run = RunOutput.publish(full, "apply-dev-cluster-1", artifacts, "bucket", 50);

        String key = "runs/dev-cluster/apply-dev-cluster-1/plan.json";
        assertEquals(key, run.path("planKey").asText());
        assertEquals(100, run.path("associate").size());
        assertEquals(0, run.path("trust").size());
        assertFalse(run.path("associate").get(0).has("step"), "descriptors name steps by index only");
        int bytes = run.toString().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes < 32 * 1024, bytes + " bytes");
        String text = run.path("planText").asText();
        assertTrue(text.getBytes(StandardCharsets.UTF_8).length <= RunOutput.MAX_PLAN_TEXT_BYTES);
        assertTrue(text.endsWith("more lines: the full plan is in s3://bucket/" + key + "\n"), text.substring(
                text.length() - 120));
        JsonNode stored = artifacts.plan(key);
        assertEquals(5_000, stored.path("phases").path("associate").size());
        assertEquals(full.path("planText").asText(), stored.path("planText").asText(), "the full text is kept");
        assertEquals("dev-cluster", stored.path("context").path("cluster").asText());
        assertEquals(1, store.writes.size(), "one object: the plan");
    }

    @Test
    void publish_again_overwritesTheSameKey() {
        MemoryConfigStore store = new MemoryConfigStore();
        RunArtifacts artifacts = new RunArtifacts(store);
        RunOutput.publish(fullRun("c", 3, "a\n"), "e", artifacts, "b", 50);
        ObjectNode again = RunOutput.publish(fullRun("c", 3, "a\n"), "e", artifacts, "b", 50);
        assertEquals(List.of("runs/c/e/plan.json", "runs/c/e/plan.json"), store.writes);
        assertEquals("a\n", again.path("planText").asText(), "a short plan text is kept whole");
    }

    @Test
    void summary_keepsFiftyWarnings_andMovesALargeAssociationListToThePlan() {
        ObjectNode full = fullRun("c", 0, "x\n");
        ArrayNode warnings = ((ObjectNode) full.path("summary")).putArray("warnings");
        for (int i = 0; i < 70; i++) {
            warnings.add("warning " + i);
        }
        ArrayNode associations = ((ObjectNode) full.path("summary")).putArray("associations");
        for (int i = 0; i < 5_000; i++) {
            associations.addObject().put("namespace", "ns").put("serviceAccountName", "sa-" + i)
                    .put("roleARN", "arn:aws:iam::111122223333:role/some-role-" + i);
        }
        RunArtifacts artifacts = new RunArtifacts(new MemoryConfigStore());

        ObjectNode run = RunOutput.publish(full, "get-c-1", artifacts, "b", 50);

        JsonNode summary = run.path("summary");
        assertEquals(50, summary.path("warnings").size());
        assertEquals(20, summary.path("warningsOmitted").asInt());
        assertFalse(summary.has("associations"));
        assertEquals(5_000, summary.path("associationCount").asInt());
        assertEquals("runs/c/get-c-1/plan.json (summary.associations)", summary.path("associationsIn").asText());
        assertEquals(5_000, artifacts.plan("runs/c/get-c-1/plan.json").path("summary").path("associations").size());
    }

    @Test
    void fits_passesASmallRunThrough_andRefusesAnAbsurdOne_namingTheCluster() {
        ObjectNode run = F.objectNode().put("cluster", "c");
        assertSame(run, RunOutput.fits(run, RunOutput.MAX_BATCHES));
        ObjectNode huge = F.objectNode().put("cluster", "big");
        huge.putObject("summary").put("restartNote", "x".repeat(RunOutput.MAX_STATE_BYTES));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> RunOutput.fits(huge, 3));
        assertTrue(e.getMessage().startsWith("the run for cluster \"big\" would carry 20"), e.getMessage());
        assertTrue(e.getMessage().contains("Step Functions allows 256 KB"), e.getMessage());
    }

    @Test
    void planKey_refusesNamesThatWouldLeaveTheirPrefix() {
        assertThrows(InvalidInputException.class, () -> RunArtifacts.planKey("a/b", "e"));
        assertThrows(InvalidInputException.class, () -> RunArtifacts.planKey("c", ".."));
        assertThrows(InvalidInputException.class, () -> RunArtifacts.outcomesKey("reports/x.json", "trust", 0));
        assertEquals("runs/c/e/outcomes/prune-3.json", RunArtifacts.outcomesKey("runs/c/e/plan.json", "prune", 3));
    }

    /** What Resolver builds before publishing: the run fields, the context, every step per phase. */
    public static ObjectNode fullRun(String cluster, int associations, String planText) {
        ObjectNode full = F.objectNode().put("action", "apply").put("cluster", cluster).put("planOnly", false)
                .put("waitForCluster", false).put("installAgent", false).put("waitForAgent", false);
        full.putObject("context").put("cluster", cluster).put("account", "111122223333");
        ObjectNode phases = full.putObject("phases");
        List<String> names = List.of("trust", "associate", "addons", "prune");
        names.forEach(phases::putArray);
        for (int i = 0; i < associations; i++) {
            ((ArrayNode) phases.get("associate")).addObject().put("id", "associate/ns/sa-" + i)
                    .put("type", "Scripted");
        }
        full.put("planText", planText);
        full.putObject("summary").put("changes", associations).put("unchanged", 0).putArray("warnings");
        return full;
    }
}
