package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.run.RunArtifacts;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.plan.PlanJson;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.run.contract.BatchDescriptor;
import dev.podidentity.autopilot.run.contract.PlanSummary;
import dev.podidentity.autopilot.run.contract.ResolveOutput;
import dev.podidentity.autopilot.run.contract.RunPhases;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a full run (every step, the whole plan text) into what Step Functions carries: the plan goes to the config
 * bucket ({@link RunArtifacts}), the state keeps the booleans the Choice states read, a bounded summary and plan
 * text, and per phase a list of batch descriptors {@code {"phase", "batch", "from", "to"}} that name steps of the
 * stored plan by index. The state then grows with the number of batches, not of steps.
 */
public final class RunOutput {
    public static final List<String> PHASES = RunPhases.LABELS;
    /** What the plan text in the state may weigh; the full text is in the plan artifact and in the report. */
    static final int MAX_PLAN_TEXT_BYTES = 16 * 1024;
    /** Warnings listed in the state; the rest are counted, and all are in the plan artifact and the report. */
    static final int MAX_WARNINGS = 50;
    /** A {@code get}'s association list stays inline up to this size; beyond, only the plan artifact has it. */
    static final int MAX_INLINE_ASSOCIATIONS_BYTES = 64 * 1024;
    /**
     * At most this many batches in one run. Each costs the state its descriptor and later its Map result (a summary,
     * or a failure record of a few hundred bytes): 300 of them stay far below 256 KB. More steps make bigger
     * batches instead (see {@link #batchSize}).
     */
    static final int MAX_BATCHES = 300;
    /** Budget per batch for its descriptor and its Map result, for the bound check. */
    static final int BYTES_PER_BATCH = 512;
    /** The Resolve output plus what its batches will add may not pass this (Step Functions' limit is 256 KB). */
    static final int MAX_STATE_BYTES = 200 * 1024;

    private RunOutput() {
    }

    /**
     * The batch size for these phase sizes: the configured one, or larger when the configured one would make more
     * than {@link #MAX_BATCHES} batches.
     */
    static int batchSize(Map<String, Integer> stepsPerPhase, int configured) {
        int size = Math.max(1, configured);
        while (batches(stepsPerPhase, size) > MAX_BATCHES) {
            size++;
        }
        return size;
    }

    static int batches(Map<String, Integer> stepsPerPhase, int size) {
        int total = 0;
        for (int steps : stepsPerPhase.values()) {
            total += (steps + size - 1) / size;
        }
        return total;
    }

    /**
     * The batch size of one phase: small enough that the phase makes at least {@code mapConcurrency} batches when it
     * has that many steps (so the Map keeps MapMaxConcurrency x StepParallelism calls in flight from the start, for
     * 100 steps as for 5,000), never larger than {@code bounded} (the configured size, grown to stay within
     * {@link #MAX_BATCHES}): with a concurrency of 5, a phase of 100 steps makes 5 batches of 20, not 2 of 50; one
     * of 5,000 still makes 100 of 50, so the transitions per step stay where the configured size puts them.
     */
    static int batchSize(int steps, int bounded, int mapConcurrency) {
        int spread = (steps + Math.max(1, mapConcurrency) - 1) / Math.max(1, mapConcurrency);
        return Math.max(1, Math.min(bounded, spread));
    }

    /** {@code steps} steps cut into consecutive [from, to) ranges of at most {@code size}. */
    static List<BatchDescriptor> descriptors(String phase, int steps, int size) {
        List<BatchDescriptor> out = new ArrayList<>();
        for (int from = 0, batch = 0; from < steps; from += size, batch++) {
            out.add(new BatchDescriptor(phase, batch, from, Math.min(steps, from + size)));
        }
        return out;
    }

    /**
     * The plan object, {@code runs/<cluster>/<execution>/plan.json}: the whole plan text and summary, every step
     * per phase, and the batch sizes that say which batch holds a step. Written with the plan's own mapper, so the
     * steps are the same bytes for the same plan.
     */
    @JsonPropertyOrder({"action", "cluster", "execution", "context", "planText", "summary", "phases", "batchSize",
            "batchSizes"})
    record PlanObject(String action, String cluster, String execution, ResolvedRun.Context context, String planText,
                      PlanSummary summary, ResolvedRun.Phases phases, int batchSize, Map<String, Integer> batchSizes) {
    }

    /** Writes the plan artifact and returns the state's run (no plan time: callers that never take the lock). */
    public static ResolveOutput publish(ResolvedRun full, String execution, RunArtifacts artifacts, String bucket,
                                        int configuredBatchSize) {
        return publish(full, execution, artifacts, bucket, configuredBatchSize, 1, null);
    }

    /**
     * As {@link #publish(ResolvedRun, String, RunArtifacts, String, int)}, with each phase cut into at least
     * {@code mapConcurrency} batches where it has the steps ({@link #batchSize(int, int, int)}), and the moment
     * planning began ({@code plannedAt}, which the lock compares with its last change of hands).
     */
    static ResolveOutput publish(ResolvedRun full, String execution, RunArtifacts artifacts, String bucket,
                                 int configuredBatchSize, int mapConcurrency, Instant plannedAt) {
        String cluster = full.cluster();
        String planKey = RunArtifacts.planKey(cluster, execution);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        PHASES.forEach(p -> sizes.put(p, full.phases().of(p).size()));
        int bounded = batchSize(sizes, configuredBatchSize);
        Map<String, Integer> phaseSizes = new LinkedHashMap<>();
        sizes.forEach((phase, steps) -> phaseSizes.put(phase, batchSize(steps, bounded, mapConcurrency)));
        int largest = sizes.entrySet().stream().filter(e -> e.getValue() > 0)
                .mapToInt(e -> phaseSizes.get(e.getKey())).max().orElse(bounded);
        // which batch holds a step: a step that depends on another finds its outcome by its phase's batch size
        PlanObject plan = new PlanObject(full.action(), cluster, execution, full.context(), full.planText(),
                full.summary(), full.phases(), largest, phaseSizes);
        artifacts.writePlan(planKey, PlanJson.mapper().valueToTree(plan));

        Map<String, List<BatchDescriptor>> batches = new LinkedHashMap<>();
        int batchCount = 0;
        for (Map.Entry<String, Integer> phase : sizes.entrySet()) {
            int size = phaseSizes.get(phase.getKey());
            batches.put(phase.getKey(), descriptors(phase.getKey(), phase.getValue(), size));
            batchCount += (phase.getValue() + size - 1) / size;
        }
        String where = bucket == null ? planKey : "s3://" + bucket + "/" + planKey;
        ResolveOutput run = new ResolveOutput(full.action(), cluster, full.planOnly(), full.waitForCluster(),
                full.installAgent(), full.waitForAgent(), full.superseded(), planKey,
                plannedAt == null ? null : plannedAt.toString(), batches.get("trust"),
                batches.get("associate"), batches.get("addons"), batches.get("prune"), largest,
                boundedText(full.planText(), where), boundedSummary(full.summary(), planKey),
                // the step InstallAgent runs, as the plan stores it: that function then needs no plan read
                full.installAgent() && !full.phases().agent().isEmpty()
                        ? PlanJson.mapper().valueToTree(full.phases().agent().get(0)) : null);
        return fits(run, batchCount);
    }

    /** The text up to a line end within the budget, and a last line saying where the rest is. */
    static String boundedText(String text, String where) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= MAX_PLAN_TEXT_BYTES) {
            return text;
        }
        int cut = Math.min(text.length(), MAX_PLAN_TEXT_BYTES / 4 * 3);
        while (cut > 0 && text.substring(0, cut).getBytes(StandardCharsets.UTF_8).length > MAX_PLAN_TEXT_BYTES - 512) {
            cut = cut * 3 / 4;
        }
        int lineEnd = text.lastIndexOf('\n', cut);
        cut = lineEnd > 0 ? lineEnd + 1 : cut;
        long omitted = text.substring(cut).lines().count();
        return text.substring(0, cut) + "... " + omitted + " more lines: the full plan is in " + where + "\n";
    }

    private static PlanSummary boundedSummary(PlanSummary summary, String planKey) {
        PlanSummary out = summary.withWarningsCut(MAX_WARNINGS);
        List<Step.AssociationSummary> associations = out.associations();
        if (associations != null && bytes(PlanJson.mapper(), associations) > MAX_INLINE_ASSOCIATIONS_BYTES) {
            out = out.withAssociationsIn(associations.size(), planKey + " (summary.associations)");
        }
        return out;
    }

    private static int bytes(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The real bound: what this run puts in the state now, plus a budget for each batch's Map result. With the
     * bounded text, the bounded summary and at most {@link #MAX_BATCHES} batches, only something absurd (an
     * enormous cluster name, thousands of workloads to restart) gets here; it is refused before anything changes.
     */
    static ResolveOutput fits(ResolveOutput run, int batches) {
        int bytes = bytes(JsonHandler.MAPPER, run);
        long projected = bytes + (long) batches * BYTES_PER_BATCH;
        if (projected > MAX_STATE_BYTES) {
            throw new InvalidInputException(String.format("the run for cluster \"%s\" would carry %,d bytes of "
                    + "state (%,d for the plan's summary and %d batches); Step Functions allows 256 KB: apply the "
                    + "config in parts", run.cluster(), projected, bytes, batches));
        }
        return run;
    }
}
