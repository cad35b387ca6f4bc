package dev.podidentity.autopilot.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.execute.Preflight;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.lambda.Log;
import dev.podidentity.autopilot.plan.PlanJson;
import dev.podidentity.autopilot.plan.Step;

/**
 * Runs one plan step handed over by a Map state ({@code {context, step, execution}}) and returns its outcome.
 * Errors escape typed: the state machine retries {@code RetryableException} and records the rest as FAILED.
 */
public final class StepRunner {
    private final StepExecutors executors;

    public StepRunner(StepExecutors executors) {
        this.executors = executors;
    }

    public Outcome run(JsonNode item) {
        String cluster = item.path("context").path("cluster").asText(null);
        if (cluster == null || !item.hasNonNull("step")) {
            throw new InvalidInputException("a step item needs context.cluster and step");
        }
        Step step;
        try {
            step = PlanJson.mapper().treeToValue(item.get("step"), Step.class);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("not a plan step: " + e.getOriginalMessage());
        }
        Log log = Log.forRun(item.path("execution").asText(null), cluster).with("step", step.id());
        log.info("executing " + step.getClass().getSimpleName());
        // Resolve has just read what this step acts on and planned from it: the executor may write first and
        // read only if AWS answers "already exists" (a retry of a step that got half way, or a race).
        Outcome outcome = executors.execute(cluster, step, Preflight.TRUST_PLAN);
        log.info(outcome.reason(), "result", outcome.result().name(), "resource", outcome.resource());
        return outcome;
    }

    /** The InstallAgent task: {@code {cluster, execution}}. */
    public Outcome installAgent(JsonNode input) {
        String cluster = input.path("cluster").asText(null);
        if (cluster == null) {
            throw new InvalidInputException("install-agent needs cluster");
        }
        Outcome outcome = executors.execute(cluster, new Step.InstallAgent(cluster));
        Log.forRun(input.path("execution").asText(null), cluster).info(outcome.reason(), "result",
                outcome.result().name());
        return outcome;
    }
}
