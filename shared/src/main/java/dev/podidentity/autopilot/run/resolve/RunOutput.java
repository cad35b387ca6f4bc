package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.run.RunArtifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.InvalidInputException;

import java.nio.charset.StandardCharsets;
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
    public static final List<String> PHASES = List.of("trust", "associate", "addons", "prune");
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
    static ArrayNode descriptors(String phase, int steps, int size) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (int from = 0, batch = 0; from < steps; from += size, batch++) {
            out.addObject().put("phase", phase).put("batch", batch).put("from", from)
                    .put("to", Math.min(steps, from + size));
        }
        return out;
    }

    /**
     * Writes the plan artifact and returns the state's run. {@code full} has the Resolve fields plus
     * {@code context} and {@code phases} (every step, per phase).
     */
    public static ObjectNode publish(ObjectNode full, String execution, RunArtifacts artifacts, String bucket,
                              int configuredBatchSize) {
        return publish(full, execution, artifacts, bucket, configuredBatchSize, 1);
    }

    /**
     * As {@link #publish(ObjectNode, String, RunArtifacts, String, int)}, with each phase cut into at least
     * {@code mapConcurrency} batches where it has the steps ({@link #batchSize(int, int, int)}).
     */
    static ObjectNode publish(ObjectNode full, String execution, RunArtifacts artifacts, String bucket,
                              int configuredBatchSize, int mapConcurrency) {
        String cluster = full.path("cluster").asText();
        String planKey = RunArtifacts.planKey(cluster, execution);
        ObjectNode artifact = JsonNodeFactory.instance.objectNode();
        artifact.put("action", full.path("action").asText());
        artifact.put("cluster", cluster);
        artifact.put("execution", execution);
        artifact.set("context", full.path("context"));
        artifact.put("planText", full.path("planText").asText());
        artifact.set("summary", full.path("summary"));
        artifact.set("phases", full.path("phases"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        PHASES.forEach(p -> sizes.put(p, full.path("phases").path(p).size()));
        int bounded = batchSize(sizes, configuredBatchSize);
        Map<String, Integer> phaseSizes = new LinkedHashMap<>();
        sizes.forEach((phase, steps) -> phaseSizes.put(phase, batchSize(steps, bounded, mapConcurrency)));
        int largest = sizes.entrySet().stream().filter(e -> e.getValue() > 0)
                .mapToInt(e -> phaseSizes.get(e.getKey())).max().orElse(bounded);
        // which batch holds a step: a step that depends on another finds its outcome by its phase's batch size
        artifact.put("batchSize", largest);
        ObjectNode perPhase = artifact.putObject("batchSizes");
        phaseSizes.forEach(perPhase::put);
        artifacts.writePlan(planKey, artifact);

        ObjectNode run = JsonNodeFactory.instance.objectNode();
        for (String field : List.of("action", "cluster", "planOnly", "waitForCluster", "installAgent",
                "waitForAgent")) {
            run.set(field, full.get(field));
        }
        run.put("superseded", full.path("superseded").asBoolean(false));
        run.put("planKey", planKey);
        phaseSizes.forEach((phase, size) -> run.set(phase, descriptors(phase, sizes.get(phase), size)));
        run.put("batchSize", largest);
        int batchCount = 0;
        for (Map.Entry<String, Integer> phase : sizes.entrySet()) {
            batchCount += (phase.getValue() + phaseSizes.get(phase.getKey()) - 1) / phaseSizes.get(phase.getKey());
        }
        String where = bucket == null ? planKey : "s3://" + bucket + "/" + planKey;
        run.put("planText", boundedText(full.path("planText").asText(), where));
        run.set("summary", boundedSummary((ObjectNode) full.path("summary"), planKey));
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

    private static ObjectNode boundedSummary(ObjectNode summary, String planKey) {
        ObjectNode out = summary.deepCopy();
        JsonNode warnings = out.path("warnings");
        if (warnings.size() > MAX_WARNINGS) {
            out.set("warnings", first(warnings, MAX_WARNINGS));
            out.put("warningsOmitted", warnings.size() - MAX_WARNINGS);
        }
        JsonNode associations = out.path("associations");
        if (associations.isArray()
                && associations.toString().getBytes(StandardCharsets.UTF_8).length > MAX_INLINE_ASSOCIATIONS_BYTES) {
            out.remove("associations");
            out.put("associationCount", associations.size());
            out.put("associationsIn", planKey + " (summary.associations)");
        }
        return out;
    }

    /** The first {@code n} elements of a list, for a state that names a few and counts the rest. */
    public static ArrayNode first(JsonNode list, int n) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < n && i < list.size(); i++) {
            out.add(list.get(i));
        }
        return out;
    }

    /**
     * The real bound: what this run puts in the state now, plus a budget for each batch's Map result. With the
     * bounded text, the bounded summary and at most {@link #MAX_BATCHES} batches, only something absurd (an
     * enormous cluster name, thousands of workloads to restart) gets here; it is refused before anything changes.
     */
    static ObjectNode fits(ObjectNode run, int batches) {
        int bytes = run.toString().getBytes(StandardCharsets.UTF_8).length;
        long projected = bytes + (long) batches * BYTES_PER_BATCH;
        if (projected > MAX_STATE_BYTES) {
            throw new InvalidInputException(String.format("the run for cluster \"%s\" would carry %,d bytes of "
                    + "state (%,d for the plan's summary and %d batches); Step Functions allows 256 KB: apply the "
                    + "config in parts", run.path("cluster").asText(), projected, bytes, batches));
        }
        return run;
    }
}
