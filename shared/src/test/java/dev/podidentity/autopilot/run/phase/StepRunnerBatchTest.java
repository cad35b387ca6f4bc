package dev.podidentity.autopilot.run.phase;

import dev.podidentity.autopilot.error.WrongPhaseException;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.run.contract.BatchTask;

import dev.podidentity.autopilot.port.MemoryConfigStore;
import dev.podidentity.autopilot.run.RunArtifacts;
import dev.podidentity.autopilot.run.report.Reporter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.execute.Preflight;
import dev.podidentity.autopilot.plan.PlanJson;
import dev.podidentity.autopilot.plan.Step;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Map item is a batch of the stored plan's steps: run a few at once, keep what finished, retry the rest. */
class StepRunnerBatchTest {
    private static final String PLAN = "runs/dev-cluster/apply-1/plan.json";
    private static final LongSupplier UNLIMITED = () -> Long.MAX_VALUE;

    private final MemoryConfigStore store = new MemoryConfigStore();
    private final RunArtifacts artifacts = new RunArtifacts(store);
    /** Step id -> what each call saw, in call order. */
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Preflight> preflights = new ConcurrentHashMap<>();

    @Test
    void aBatchRunsItsRangeOfThePlan_writesItsOutcomes_andReturnsOnlyASummary() {
        storePlan(120);
        StepRunner runner = runner(step -> deleted(step), 8);

        ObjectNode summary = batch(runner, item(1, 50, 100), UNLIMITED);

        assertEquals(JsonNodeFactory.instance.objectNode().put("phase", "prune").put("batch", 1)
                .set("counts", JsonNodeFactory.instance.objectNode().put("DELETED", 50)), summary.deepCopy()
                .without("failed"));
        assertEquals(0, summary.path("failed").asInt());
        assertEquals(50, calls.size());
        ArrayNode outcomes = artifacts.outcomes(RunArtifacts.outcomesKey(PLAN, "prune", 1)).orElseThrow();
        assertEquals(50, outcomes.size());
        assertEquals(id(50), outcomes.get(0).path("stepId").asText(), "outcomes in step order");
        assertEquals(id(99), outcomes.get(49).path("stepId").asText());
        assertTrue(preflights.values().stream().allMatch(p -> p == Preflight.TRUST_PLAN),
                "a first attempt trusts the plan Resolve just made");
    }

    @Test
    void stepsRunInParallel_butNeverMoreThanTheConfiguredNumber() {
        storePlan(40);
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        StepRunner runner = runner(step -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            sleep(20);
            now.decrementAndGet();
            return deleted(step);
        }, 4);

        batch(runner, item(0, 0, 40), UNLIMITED);

        assertEquals(4, most.get());
    }

    @Test
    void aStepThatFailsForGood_isAFailedOutcome_andTheOthersGoOn() {
        storePlan(3);
        StepRunner runner = runner(step -> {
            if (step.id().equals(id(1))) {
                throw new ConflictException("prune/ns/sa-1 belongs to someone else");
            }
            return deleted(step);
        }, 2);

        ObjectNode summary = batch(runner, item(0, 0, 3), UNLIMITED);

        assertEquals(1, summary.path("failed").asInt());
        JsonNode failed = artifacts.outcomes(RunArtifacts.outcomesKey(PLAN, "prune", 0)).orElseThrow().get(1);
        assertEquals("FAILED", failed.path("result").asText());
        assertEquals(ConflictException.class.getName(), failed.path("error").asText());
        assertEquals("prune/ns/sa-1 belongs to someone else",
                Reporter.readableCause(failed.path("cause").asText()));
    }

    @Test
    void aThrottledStep_makesTheBatchRetry_andTheRetrySkipsWhatFinished() {
        storePlan(5);
        AtomicInteger throttles = new AtomicInteger();
        StepRunner runner = runner(step -> {
            if (step.id().equals(id(3)) && throttles.getAndIncrement() == 0) {
                throw new RetryableException("Throttling: Rate exceeded");
            }
            if (step.id().equals(id(4))) {
                throw new ConflictException("not ours");
            }
            return deleted(step);
        }, 2);

        RetryableException retry = assertThrows(RetryableException.class, () -> batch(runner, item(0, 0, 5),
                UNLIMITED));
        assertTrue(retry.getMessage().contains("1 of 5 steps to retry (first: Throttling: Rate exceeded)"),
                retry.getMessage());
        ArrayNode kept = artifacts.outcomes(RunArtifacts.outcomesKey(PLAN, "prune", 0)).orElseThrow();
        assertEquals(4, kept.size(), "finished outcomes are written before the batch asks for a retry");
        calls.clear();
        preflights.clear();

        ObjectNode summary = batch(runner, item(0, 0, 5), UNLIMITED);

        assertEquals(List.of(id(3)), calls, "only the throttled step runs again; the FAILED one is final");
        assertEquals(Preflight.READ_FIRST, preflights.get(id(3)), "a retried step reads before it writes");
        assertEquals(1, summary.path("failed").asInt());
        assertEquals(4, summary.path("counts").path("DELETED").asInt());
        ArrayNode all = artifacts.outcomes(RunArtifacts.outcomesKey(PLAN, "prune", 0)).orElseThrow();
        assertEquals(List.of(id(0), id(1), id(2), id(3), id(4)), ids(all), "step order, each once");
        assertEquals("FAILED", all.get(4).path("result").asText(), "a finished step is not relabelled");
    }

    @Test
    void withLittleLambdaTimeLeft_noStepIsStarted_andTheBatchIsRetriedFromWhereItStopped() {
        storePlan(10);
        AtomicLong remaining = new AtomicLong(120_000);
        StepRunner runner = runner(step -> {
            if (calls.size() == 4) {
                remaining.set(StepRunner.MIN_REMAINING_MILLIS - 1);
            }
            return deleted(step);
        }, 1);

        RetryableException stopped = assertThrows(RetryableException.class,
                () -> batch(runner, item(0, 0, 10), remaining::get));

        assertEquals(4, calls.size(), "no step started after the cutoff");
        assertTrue(stopped.getMessage().contains("6 of 10 steps to retry (the Lambda was about to time out)"),
                stopped.getMessage());
        calls.clear();

        batch(runner, item(0, 0, 10), UNLIMITED);

        assertEquals(List.of(id(4), id(5), id(6), id(7), id(8), id(9)), calls);
        assertEquals(10, artifacts.outcomes(RunArtifacts.outcomesKey(PLAN, "prune", 0)).orElseThrow().size());
    }

    @Test
    void theRunsPlan_isReadOncePerContainer() {
        storePlan(4);
        StepRunner container = new StepRunner(null, (cluster, step, preflight) -> deleted(step),
                new RunArtifacts(store), 2);

        batch(container, item(0, 0, 2), UNLIMITED);
        batch(container, item(1, 2, 4), UNLIMITED);

        assertEquals(1, store.reads.stream().filter(PLAN::equals).count());
    }

    @Test
    void aBatchOutsideThePlan_isRefused() {
        storePlan(3);
        StepRunner runner = runner(this::deleted, 2);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> batch(runner, item(0, 2, 9), UNLIMITED));
        assertTrue(e.getMessage().contains("outside the plan's 3 prune steps"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> batch(runner, JsonNodeFactory.instance.objectNode(),
                UNLIMITED));
    }

    // ------------------------------------------------------------------ helpers

    private StepRunner runner(java.util.function.Function<Step, Outcome> behaviour, int parallelism) {
        return new StepRunner(null, (cluster, step, preflight) -> {
            assertEquals("dev-cluster", cluster);
            calls.add(step.id());
            preflights.put(step.id(), preflight);
            return behaviour.apply(step);
        }, artifacts, parallelism);
    }

    private Outcome deleted(Step step) {
        return Outcome.of(step.id(), Outcome.Result.DELETED, "deleted", null);
    }

    private void storePlan(int steps) {
        ObjectNode plan = JsonNodeFactory.instance.objectNode().put("cluster", "dev-cluster").put("execution",
                "apply-1");
        plan.putObject("context").put("cluster", "dev-cluster");
        ArrayNode prune = plan.putObject("phases").putArray("prune");
        for (int i = 0; i < steps; i++) {
            prune.add(PlanJson.mapper().<JsonNode>valueToTree(new Step.DeleteAssociation(null, "ns", "sa-" + i,
                    "arn:aws:iam::111122223333:role/r" + i, "arn:aws:iam::111122223333:role/r" + i, "test")));
        }
        artifacts.writePlan(PLAN, plan);
        assertEquals(id(0), prune.get(0).path("id").asText());
    }

    @Test
    void aPhaseFunction_refusesABatchOfAnotherPhase_andRunsNothing() {
        storePlan(3);
        StepRunner runner = runner(step -> deleted(step), 2);
        BatchTask prune = JsonHandler.MAPPER.convertValue(item(0, 0, 3), BatchTask.class);
        WrongPhaseException e = assertThrows(WrongPhaseException.class,
                () -> runner.runBatch(Phase.TRUST, prune, UNLIMITED));
        assertTrue(e.getMessage().contains("the trust function runs trust batches only, not batch prune-0 [0, 3)"),
                e.getMessage());
        assertEquals(List.of(), calls);
        assertEquals(List.of(PLAN), store.writes, "no outcomes were written");
    }

    @Test
    void aPhaseFunction_refusesAStepOfAnotherPhase_evenInABatchLabelledItsOwn() {
        ObjectNode plan = JsonNodeFactory.instance.objectNode().put("cluster", "dev-cluster");
        plan.putObject("context").put("cluster", "dev-cluster");
        plan.putObject("phases").putArray("associate").add(PlanJson.mapper().<JsonNode>valueToTree(
                new Step.DeleteAssociation(null, "ns", "sa-0", "arn:aws:iam::111122223333:role/r0",
                        "arn:aws:iam::111122223333:role/r0", "test")));
        artifacts.writePlan(PLAN, plan);
        StepRunner runner = runner(step -> deleted(step), 2);
        ObjectNode item = item(0, 0, 1);
        ((ObjectNode) item.get("batch")).put("phase", "associate");
        WrongPhaseException e = assertThrows(WrongPhaseException.class, () -> runner.runBatch(Phase.ASSOCIATE,
                JsonHandler.MAPPER.convertValue(item, BatchTask.class), UNLIMITED));
        assertTrue(e.getMessage().contains("step " + id(0) + " of batch associate-0 [0, 1) is a prune step"),
                e.getMessage());
        assertEquals(List.of(), calls);
    }

    /** As the prune function gets a Map item: bound to the contract's record; its result back as JSON. */
    private static ObjectNode batch(StepRunner runner, ObjectNode item, LongSupplier remaining) {
        BatchTask task = JsonHandler.MAPPER.convertValue(item, BatchTask.class);
        return JsonHandler.MAPPER.valueToTree(runner.runBatch(Phase.PRUNE, task, remaining));
    }

    private static ObjectNode item(int batch, int from, int to) {
        ObjectNode item = JsonNodeFactory.instance.objectNode();
        item.putObject("batch").put("phase", "prune").put("batch", batch).put("from", from).put("to", to);
        item.put("planKey", PLAN).put("execution", "apply-1");
        return item;
    }

    private static String id(int i) {
        return new Step.DeleteAssociation(null, "ns", "sa-" + i, "arn:aws:iam::111122223333:role/r" + i,
                "arn:aws:iam::111122223333:role/r" + i, "test").id();
    }

    private static List<String> ids(ArrayNode outcomes) {
        List<String> out = new ArrayList<>();
        outcomes.forEach(o -> out.add(o.path("stepId").asText()));
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
