package dev.podidentity.autopilot.run.phase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.run.RunArtifacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A step that may run only after others succeeded ({@code dependsOn}: the role a move leaves is deleted only once
 * the move is done). The outcomes of the steps it depends on are read from the run's outcome objects, found by the
 * step's index and the plan's {@code batchSize}; a dependency that failed, or has no outcome at all (its batch
 * failed as a whole, or its Map state was stopped), holds the step back: it is SKIPPED and says which and why.
 * One instance serves one batch, so each outcomes object is read at most once per batch.
 */
final class StepDependencies {
    private static final int MAX_CAUSE = 200;

    private final RunArtifacts artifacts;
    private final ObjectNode plan;
    private final String planKey;
    private final Map<String, Optional<ArrayNode>> read = new ConcurrentHashMap<>();

    StepDependencies(RunArtifacts artifacts, ObjectNode plan, String planKey) {
        this.artifacts = artifacts;
        this.plan = plan;
        this.planKey = planKey;
    }

    /** SKIPPED when a step this one depends on has not succeeded; empty when it may run. */
    Optional<Outcome> heldBack(JsonNode step) {
        JsonNode dependsOn = step.path("dependsOn");
        if (!dependsOn.isArray() || dependsOn.isEmpty()) {
            return Optional.empty();
        }
        List<String> unmet = new ArrayList<>();
        dependsOn.forEach(d -> unmet(d.asText()).ifPresent(unmet::add));
        if (unmet.isEmpty()) {
            return Optional.empty();
        }
        String role = step.path("deleteRoleArn").asText(step.path("roleArn").asText(""));
        return Optional.of(Outcome.of(step.path("id").asText(), Outcome.Result.SKIPPED,
                "role " + role + " kept: " + String.join("; ", unmet), role.isEmpty() ? null : role));
    }

    /** Why the step {@code id} does not count as done; empty when it succeeded. */
    private Optional<String> unmet(String id) {
        for (var phases = plan.path("phases").fields(); phases.hasNext(); ) {
            var phase = phases.next();
            JsonNode steps = phase.getValue();
            // each phase has its own batch size (Resolve spreads small phases over the Map's concurrency)
            int batchSize = plan.path("batchSizes").path(phase.getKey()).asInt(plan.path("batchSize").asInt(0));
            for (int i = 0; i < steps.size(); i++) {
                if (!id.equals(steps.get(i).path("id").asText())) {
                    continue;
                }
                if (batchSize <= 0) {
                    return Optional.of(id + " has no known outcome");
                }
                String key = RunArtifacts.outcomesKey(planKey, phase.getKey(), i / batchSize);
                Optional<ArrayNode> outcomes = read.computeIfAbsent(key, artifacts::outcomes);
                for (JsonNode o : outcomes.orElse(null) == null ? List.<JsonNode>of() : outcomes.get()) {
                    if (id.equals(o.path("stepId").asText())) {
                        String result = o.path("result").asText();
                        return "FAILED".equals(result) ? Optional.of(id + " failed (" + brief(o) + ")")
                                : Optional.empty();
                    }
                }
                return Optional.of(id + " did not finish (its batch failed or was stopped)");
            }
        }
        // not in this plan: nothing to wait for
        return Optional.empty();
    }

    private static String brief(JsonNode failed) {
        String error = failed.path("error").asText("error");
        String name = error.substring(error.lastIndexOf('.') + 1);
        return name.length() > MAX_CAUSE ? name.substring(0, MAX_CAUSE) : name;
    }
}
