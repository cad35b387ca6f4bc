package dev.podidentity.autopilot.run;

import dev.podidentity.autopilot.naming.BucketLayout;

import dev.podidentity.autopilot.port.ConfigStore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.run.contract.StepOutcome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run keeps in the config bucket instead of in its Step Functions state (256 KB at most): the plan Resolve
 * made, under {@code runs/<cluster>/<execution>/plan.json}, and each batch's outcomes next to it under
 * {@code outcomes/<phase>-<batch>.json}. Keys are derived from the cluster and the execution name alone, so a
 * retried task writes the same key again (an idempotent overwrite) and every function finds what the others wrote.
 *
 * <p>Plans are read many times (once per batch) and never change once Resolve has returned: the last few are
 * cached per container, by key.
 */
public final class RunArtifacts {
    private static final int CACHED_PLANS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConfigStore store;
    private final Map<String, ObjectNode> plans = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > CACHED_PLANS;
        }
    };

    public RunArtifacts(ConfigStore store) {
        this.store = store;
    }

    /** {@code runs/<cluster>/<execution>/plan.json} ({@link BucketLayout#planKey}). */
    public static String planKey(String cluster, String execution) {
        return BucketLayout.planKey(cluster, execution);
    }

    /** {@code runs/<cluster>/<execution>/outcomes/<phase>-<batch>.json} ({@link BucketLayout#outcomesKey}). */
    public static String outcomesKey(String planKey, String phase, int batch) {
        return BucketLayout.outcomesKey(planKey, phase, batch);
    }

    public void writePlan(String key, ObjectNode plan) {
        write(key, plan);
        synchronized (plans) {
            plans.put(key, plan);
        }
    }

    /** The plan Resolve wrote; missing is an error a retry will not fix. */
    public ObjectNode plan(String key) {
        synchronized (plans) {
            ObjectNode cached = plans.get(key);
            if (cached != null) {
                return cached;
            }
        }
        JsonNode read = read(key).orElseThrow(() -> new NotFoundException("the run's plan " + key
                + " is not in the config bucket (deleted, or written by another deployment)"));
        if (!read.isObject()) {
            throw new InvalidInputException(key + " is not a plan object");
        }
        synchronized (plans) {
            plans.put(key, (ObjectNode) read);
        }
        return (ObjectNode) read;
    }

    /** A batch's final outcomes so far, in step order; empty when the batch has not written any yet. */
    public Optional<ArrayNode> outcomes(String key) {
        return read(key).map(doc -> doc.path("outcomes") instanceof ArrayNode a ? a : JSON.createArrayNode());
    }

    /** The same outcomes as records (the Report's reading); empty when the batch has not written any yet. */
    public Optional<List<StepOutcome>> stepOutcomes(String key) {
        return outcomes(key).map(list -> {
            List<StepOutcome> out = new ArrayList<>(list.size());
            // leniently: a field a later version adds does not keep the Report from reporting
            list.forEach(o -> out.add(JsonHandler.MAPPER.convertValue(o, StepOutcome.class)));
            return out;
        });
    }

    public void writeOutcomes(String key, String phase, int batch, ArrayNode outcomes) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("phase", phase);
        doc.put("batch", batch);
        doc.set("outcomes", outcomes);
        write(key, doc);
    }

    private Optional<JsonNode> read(String key) {
        Objects.requireNonNull(store, "the config bucket (CONFIG_BUCKET) is not configured");
        return store.read(key, null).map(bytes -> {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new InvalidInputException(key + " is not JSON: " + e.getMessage());
            }
        });
    }

    private void write(String key, JsonNode doc) {
        Objects.requireNonNull(store, "the config bucket (CONFIG_BUCKET) is not configured");
        try {
            store.write(key, JSON.writeValueAsBytes(doc), "application/json");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
