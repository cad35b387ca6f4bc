package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.port.MemoryConfigStore;
import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.run.RunArtifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.run.contract.PlanSummary;
import dev.podidentity.autopilot.run.contract.ResolveOutput;
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
        ArrayNode batches = tree(RunOutput.descriptors("associate", 120, 50));
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
        ObjectNode small = tree(RunOutput.publish(fullRun("c", 100, "a\n"), "e1", artifacts, "b", 50, 5, null));
        assertEquals(5, small.path("associate").size());
        assertEquals(20, small.path("associate").get(4).path("to").asInt() - small.path("associate").get(4)
                .path("from").asInt());
        assertEquals(20, small.path("batchSize").asInt());
        ObjectNode large = tree(RunOutput.publish(fullRun("c", 5_000, "a\n"), "e2", artifacts, "b", 50, 5, null));
        assertEquals(100, large.path("associate").size());
        assertEquals(50, large.path("batchSize").asInt());
    }

    @Test
    void publish_writesThePlan_andReturnsBatchesNotSteps_forTheEksQuotaOfAssociations() {
        MemoryConfigStore store = new MemoryConfigStore();
        RunArtifacts artifacts = new RunArtifacts(store);
        ResolvedRun full = fullRun("dev-cluster", 5_000, "line of the plan\n".repeat(5_000));

        ObjectNode run = tree(RunOutput.publish(full, "apply-dev-cluster-1", artifacts, "bucket", 50));

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
        assertEquals(full.planText(), stored.path("planText").asText(), "the full text is kept");
        assertEquals("dev-cluster", stored.path("context").path("cluster").asText());
        assertEquals(1, store.writes.size(), "one object: the plan");
    }

    @Test
    void publish_again_overwritesTheSameKey() {
        MemoryConfigStore store = new MemoryConfigStore();
        RunArtifacts artifacts = new RunArtifacts(store);
        RunOutput.publish(fullRun("c", 3, "a\n"), "e", artifacts, "b", 50);
        ObjectNode again = tree(RunOutput.publish(fullRun("c", 3, "a\n"), "e", artifacts, "b", 50));
        assertEquals(List.of("runs/c/e/plan.json", "runs/c/e/plan.json"), store.writes);
        assertEquals("a\n", again.path("planText").asText(), "a short plan text is kept whole");
    }

    @Test
    void summary_keepsFiftyWarnings_andMovesALargeAssociationListToThePlan() {
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            warnings.add("warning " + i);
        }
        List<Step.AssociationSummary> associations = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            associations.add(new Step.AssociationSummary(null, "ns", "sa-" + i,
                    "arn:aws:iam::111122223333:role/some-role-" + i, null));
        }
        ResolvedRun full = fullRun("c", 0, "x\n")
                .withSummary(PlanSummary.of(0, 0, warnings).withAssociations(associations));
        RunArtifacts artifacts = new RunArtifacts(new MemoryConfigStore());

        ObjectNode run = tree(RunOutput.publish(full, "get-c-1", artifacts, "b", 50));

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
        ResolveOutput run = output("c", PlanSummary.of(0, 0, List.of()));
        assertSame(run, RunOutput.fits(run, RunOutput.MAX_BATCHES));
        ResolveOutput huge = output("big", PlanSummary.of(0, 0, List.of())
                .withRestarts(Map.of(), "x".repeat(RunOutput.MAX_STATE_BYTES)));
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
    public static ResolvedRun fullRun(String cluster, int associations, String planText) {
        List<Step> associate = new ArrayList<>();
        for (int i = 0; i < associations; i++) {
            associate.add(new Step.UpdateAssociation("a-" + i, "ns", "sa-" + i,
                    "arn:aws:iam::111122223333:role/r-" + i, null, null, null, List.of("roleArn")));
        }
        return new ResolvedRun("apply", cluster, false, false, false, false, false,
                new ResolvedRun.Context(cluster, "111122223333", null, null),
                new ResolvedRun.Phases(List.of(), List.of(), associate, List.of(), List.of()), planText,
                PlanSummary.of(associations, 0, List.of()));
    }

    private static ResolveOutput output(String cluster, PlanSummary summary) {
        return new ResolveOutput("apply", cluster, false, false, false, false, false, "runs/" + cluster + "/e/plan.json",
                "2026-12-07T10:00:00Z", List.of(), List.of(), List.of(), List.of(), 50, "", summary, null);
    }

    /** A record as the state carries it, for assertions on its JSON. */
    static <T extends JsonNode> T tree(Object value) {
        return JsonHandler.MAPPER.valueToTree(value);
    }
}
