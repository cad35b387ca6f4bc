package dev.podidentity.autopilot.run.phase;

import dev.podidentity.autopilot.run.RunArtifacts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.execute.WritePacing;
import dev.podidentity.autopilot.error.AutopilotException;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.error.WrongPhaseException;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.execute.Preflight;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.lambda.Log;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.plan.PlanJson;
import dev.podidentity.autopilot.run.contract.AgentTask;
import dev.podidentity.autopilot.run.contract.BatchDescriptor;
import dev.podidentity.autopilot.run.contract.BatchResult;
import dev.podidentity.autopilot.run.contract.BatchTask;
import dev.podidentity.autopilot.plan.Step;

import dev.podidentity.autopilot.concurrent.BackgroundRead;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * Runs plan steps for the Map states. A Map item is a batch ({@code {batch: {phase, batch, from, to}, planKey,
 * execution}}): the steps [from, to) of that phase in the stored plan, run a few at a time, their outcomes written
 * to the batch's outcomes object, a small summary returned.
 *
 * <p>A step that fails for good becomes a FAILED outcome, as a failed Map item did before batching. A step that may
 * succeed later ({@link RetryableException}: throttling, IAM propagation), and the steps not started because the
 * Lambda is about to time out, make the batch throw {@code RetryableException} after the finished outcomes are
 * written: the state machine's Retry runs the batch again, and the rerun skips every step that already has an
 * outcome, so nothing is redone or relabelled.
 */
public final class StepRunner {
    /** No step is started with less Lambda time left than this: a step with its own retries takes seconds. */
    static final long MIN_REMAINING_MILLIS = 20_000;

    /** One step's execution; {@link StepExecutors#execute(String, Step, Preflight)} in the functions. */
    @FunctionalInterface
    interface Execution {
        Outcome execute(String cluster, Step step, Preflight preflight);
    }

    private final StepExecutors executors;
    private final Execution execution;
    private final RunArtifacts artifacts;
    private final int parallelism;
    private final WritePacing.Memory pacing;

    public StepRunner(StepExecutors executors, RunArtifacts artifacts, int parallelism) {
        this(executors, artifacts, parallelism, WritePacing.Memory.uncapped());
    }

    /** With {@code pacing}: each batch paces its writes to the account's rate, within the stack's caps. */
    public StepRunner(StepExecutors executors, RunArtifacts artifacts, int parallelism, WritePacing.Memory pacing) {
        this(executors, executors::execute, artifacts, parallelism, pacing);
    }

    StepRunner(StepExecutors executors, Execution execution, RunArtifacts artifacts, int parallelism) {
        this(executors, execution, artifacts, parallelism, WritePacing.Memory.uncapped());
    }

    StepRunner(StepExecutors executors, Execution execution, RunArtifacts artifacts, int parallelism,
               WritePacing.Memory pacing) {
        this.executors = executors;
        this.execution = execution;
        this.artifacts = artifacts;
        this.parallelism = parallelism;
        this.pacing = pacing;
    }

    /**
     * One step, {@code {context, step, execution}}: what a batch runs for each of its steps, also usable alone
     * (tests, tools). Errors escape typed.
     */
    public Outcome run(JsonNode item) {
        String cluster = item.path("context").path("cluster").asText(null);
        if (cluster == null || !item.hasNonNull("step")) {
            throw new InvalidInputException("a step item needs context.cluster and step");
        }
        return run(cluster, item.path("execution").asText(null), item.get("step"), Preflight.TRUST_PLAN);
    }

    private Outcome run(String cluster, String executionName, JsonNode stepJson, Preflight preflight) {
        Step step;
        try {
            step = PlanJson.mapper().treeToValue(stepJson, Step.class);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("not a plan step: " + e.getOriginalMessage());
        }
        Log log = Log.forRun(executionName, cluster).with("step", step.id());
        log.info("executing " + step.getClass().getSimpleName());
        Outcome outcome = execution.execute(cluster, step, preflight);
        log.info(outcome.reason(), "result", outcome.result().name(), "resource", outcome.resource());
        return outcome;
    }

    /** The handler of one phase function: runs that phase's batches, refuses the others'. */
    public BiFunction<BatchTask, LongSupplier, BatchResult> phase(Phase phase) {
        return (task, remaining) -> runBatch(phase, task, remaining);
    }

    /**
     * One Map item of {@code phase}: a batch of steps. {@code remainingMillis} is the Lambda's time left (no limit
     * outside Lambda). A batch or step of another phase is refused before anything runs ({@link WrongPhaseException}):
     * each phase function does its own phase's writes only, as its IAM policy says.
     */
    public BatchResult runBatch(Phase phase, BatchTask input, LongSupplier remainingMillis) {
        BatchDescriptor batch = input == null ? null : input.batch();
        if (batch == null || !batch.complete() || input.planKey() == null) {
            throw new InvalidInputException("a batch item is {\"batch\": {\"phase\", \"batch\", \"from\", \"to\"}, "
                    + "\"planKey\", \"execution\"}, not " + JsonHandler.MAPPER.valueToTree(input));
        }
        refuseOtherPhases(phase, batch, input.planKey());
        String phaseLabel = batch.phase();
        int number = batch.batch();
        int from = batch.from();
        int to = batch.to();
        String planKey = input.planKey();
        String outcomesKey = RunArtifacts.outcomesKey(planKey, phaseLabel, number);
        // the plan and this batch's outcomes so far are independent reads: both at once
        BackgroundRead<Optional<ArrayNode>> previousRead =
                BackgroundRead.start("read-outcomes", () -> artifacts.outcomes(outcomesKey));
        ObjectNode plan = artifacts.plan(planKey);
        JsonNode steps = plan.path("phases").path(phaseLabel);
        if (from < 0 || to > steps.size() || from > to) {
            throw new InvalidInputException("batch " + phaseLabel + "-" + number + " [" + from + ", " + to + ") is "
                    + "outside the plan's " + steps.size() + " " + phaseLabel + " steps (" + planKey + ")");
        }
        refuseOtherPhases(phase, batch, steps);
        String cluster = plan.path("context").path("cluster").asText(plan.path("cluster").asText());
        String executionName = input.execution() != null ? input.execution() : plan.path("execution").asText(null);

        // A rerun of this batch: the outcomes already written are final, and what is left is read before written.
        Optional<ArrayNode> previous = previousRead.await("batch " + phaseLabel + "-" + number + " was interrupted");
        Map<String, JsonNode> finished = new HashMap<>();
        previous.ifPresent(list -> list.forEach(o -> finished.put(o.path("stepId").asText(), o)));
        Preflight preflight = previous.isPresent() ? Preflight.READ_FIRST : Preflight.TRUST_PLAN;

        int n = to - from;
        JsonNode[] results = new JsonNode[n];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            JsonNode done = finished.get(steps.get(from + i).path("id").asText());
            if (done != null) {
                results[i] = done;
            } else {
                pending.add(i);
            }
        }
        RuntimeException[] retry = new RuntimeException[n];
        StepDependencies dependencies = new StepDependencies(artifacts, plan, planKey);
        int workers = Math.max(1, Math.min(parallelism, pending.size()));
        // the batch's steps share one pacing: their writes back off together when the account throttles
        WritePacing paced = pacing.start();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<?>> running = new ArrayList<>();
            for (int i : pending) {
                JsonNode stepJson = steps.get(from + i);
                running.add(pool.submit(() -> {
                    if (remainingMillis.getAsLong() < MIN_REMAINING_MILLIS) {
                        return; // not started: the rerun does it
                    }
                    try {
                        Outcome held = dependencies.heldBack(stepJson).orElse(null);
                        results[i] = JsonHandler.MAPPER.valueToTree(held != null ? held
                                : paced.within(() -> run(cluster, executionName, stepJson, preflight)));
                    } catch (RetryableException e) {
                        retry[i] = e;
                    } catch (RuntimeException e) {
                        results[i] = failed(stepJson.path("id").asText(), e);
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("batch " + phaseLabel + "-" + number + " was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch " + phaseLabel + "-" + number + " lost a step", e.getCause());
        } finally {
            paced.finish();
        }

        ArrayNode outcomes = JsonNodeFactory.instance.arrayNode();
        int unfinished = 0;
        RuntimeException firstRetry = null;
        for (int i = 0; i < n; i++) {
            if (results[i] != null) {
                outcomes.add(results[i]);
            } else {
                unfinished++;
                firstRetry = firstRetry == null ? retry[i] : firstRetry;
            }
        }
        if (previous.isEmpty() || outcomes.size() > finished.size()) {
            artifacts.writeOutcomes(outcomesKey, phaseLabel, number, outcomes);
        }
        Log log = Log.forRun(executionName, cluster).with("batch", phaseLabel + "-" + number);
        if (unfinished > 0) {
            // bounded: after its retries this message is the failed batch's record in the run's state
            String why = firstRetry != null ? "first: " + AutopilotException.bounded(firstRetry.getMessage(), 120)
                    : "the Lambda was about to time out";
            log.info("batch unfinished, to be retried", "finished", outcomes.size(), "unfinished", unfinished);
            throw new RetryableException("batch " + phaseLabel + "-" + number + ": " + unfinished + " of " + n
                    + " steps to retry (" + why + "); " + outcomes.size() + " outcomes kept");
        }
        return summary(phaseLabel, number, outcomes, log);
    }

    /** A function handed another phase's batch runs none of it: its IAM policy is for its own phase's writes. */
    private static void refuseOtherPhases(Phase phase, BatchDescriptor batch, String planKey) {
        if (!phase.label().equals(batch.phase())) {
            throw new WrongPhaseException("the " + phase.label() + " function runs " + phase.label()
                    + " batches only, not batch " + batch + " of " + planKey + "; nothing was run");
        }
    }

    /** Nor a batch that holds a step of another phase (a plan written by something else than the planner). */
    private static void refuseOtherPhases(Phase phase, BatchDescriptor batch, JsonNode steps) {
        int from = batch.from();
        int to = batch.to();
        for (int i = from; i < to; i++) {
            Step step;
            try {
                step = PlanJson.mapper().convertValue(steps.get(i), Step.class);
            } catch (IllegalArgumentException notAStep) {
                continue; // not a step: it becomes that step's FAILED outcome when the batch runs, as before
            }
            if (step.phase() != phase) {
                throw new WrongPhaseException("the " + phase.label() + " function runs " + phase.label()
                        + " steps only; step " + step.id() + " of batch " + batch + " is a "
                        + step.phase().label() + " step; nothing was run");
            }
        }
    }

    private static BatchResult summary(String phase, int number, ArrayNode outcomes, Log log) {
        Map<String, Integer> counts = new TreeMap<>();
        int failed = 0;
        for (JsonNode o : outcomes) {
            String result = o.path("result").asText("UNKNOWN");
            counts.merge(result, 1, Integer::sum);
            failed += "FAILED".equals(result) ? 1 : 0;
        }
        log.info("batch done", "counts", counts);
        return BatchResult.finished(phase, number, counts, failed);
    }

    /** A failed step's message is cut to this: the Report lists failures in its result, which the state carries. */
    static final int MAX_CAUSE_CHARS = 500;

    /** A step that failed for good, in the shape the Map's failure state gave a failed item before batching. */
    static ObjectNode failed(String stepId, RuntimeException e) {
        ObjectNode cause = JsonNodeFactory.instance.objectNode();
        cause.put("errorMessage", AutopilotException.bounded(String.valueOf(e.getMessage()), MAX_CAUSE_CHARS));
        cause.put("errorType", e.getClass().getName());
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("stepId", stepId);
        o.put("result", "FAILED");
        o.put("error", e.getClass().getName());
        o.put("cause", cause.toString());
        return o;
    }

    /**
     * The plan's InstallAgent step (the config's agent entry), as Resolve passed it on in the task's input. The
     * function cannot read the plan (its role has no S3 grant), so a run's task without the step is refused; only a
     * direct invocation with neither step nor execution installs with EKS's defaults.
     */
    private static Step plannedAgent(String cluster, String execution, JsonNode passedOn) {
        if (passedOn == null || passedOn.isNull()) {
            if (execution != null) {
                throw new InvalidInputException("install-agent for run " + execution + " has no step: the state "
                        + "machine passes the plan's InstallAgent step ($.run.agent) as step, and this function does "
                        + "not read the plan; redeploy the stack so the state machine and the functions match");
            }
            return new Step.InstallAgent(cluster);
        }
        Step step;
        try {
            step = PlanJson.mapper().treeToValue(passedOn, Step.class);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("install-agent's step is not a plan step: " + e.getOriginalMessage());
        }
        if (!(step instanceof Step.InstallAgent agent) || !cluster.equals(agent.cluster())) {
            throw new InvalidInputException("install-agent's step must be the InstallAgent step of cluster \""
                    + cluster + "\", not " + passedOn);
        }
        return step;
    }

    /** The InstallAgent task: the plan's agent step (version, configuration, tags of the config's entry). */
    public Outcome installAgent(AgentTask input) {
        String cluster = input == null ? null : input.cluster();
        if (cluster == null) {
            throw new InvalidInputException("install-agent needs cluster");
        }
        Outcome outcome = executors.execute(cluster, plannedAgent(cluster, input.execution(), input.step()));
        Log.forRun(input.execution(), cluster).info(outcome.reason(), "result", outcome.result().name());
        return outcome;
    }
}
