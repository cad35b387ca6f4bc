package dev.podidentity.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.run.RunArtifacts;
import dev.podidentity.local.app.ProjectFiles;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A batch's first request for each cold-start run. Replayed as is, a batch finds the outcomes object it wrote in the
 * real run and skips every step (a rerun's idempotency), so its row would time two S3 reads, not the work; and once
 * the benchmark has replayed Resolve's first request, which is the same run's, the plan under that key is Resolve's
 * new one for the world as it is now, without the batch's steps (the batch then threw "outside the plan's 0 trust
 * steps"). So the batch's run is copied once when this is made, before any replay, and each call
 * copies that copy ({@code runs/<cluster>/<execution>/}: the plan and the other batches' outcomes, which the
 * batch's held-back checks read) to a new execution's prefix without this batch's outcomes, and returns a payload
 * naming that copy: the function then runs every step of the batch, as on its first attempt ({@code TRUST_PLAN}),
 * and writes its outcomes. The world already holds what the real run did, so its creates are answered "already
 * exists" and read back, and its deletes "not found": the same calls as the first attempt plus those reads.
 */
final class FreshBatch implements Supplier<Path> {
    private static final AtomicInteger COPIES = new AtomicInteger();

    private final S3Client s3;
    private final String bucket;
    private final ObjectNode payload;
    private final Path file;

    /** Copies the batch's run now, as the real run left it, to the source of every later copy. */
    FreshBatch(S3Client s3, String bucket, JsonNode payload, Path file) {
        this.s3 = s3;
        this.bucket = bucket;
        this.file = file;
        String planKey = payload.path("planKey").asText();
        JsonNode batch = payload.path("batch");
        String own = RunArtifacts.outcomesKey(planKey, batch.path("phase").asText(), batch.path("batch").asInt());
        String source = planKey.substring(0, planKey.length() - "plan.json".length());
        // a source of this batch's own: another batch function of the same run copies the run too, and its copy holds
        // this batch's outcomes (shared, that copy made every batch skip its steps: only S3 calls were timed)
        String pristine = copy(source, "source-" + batch.path("phase").asText() + "-" + batch.path("batch").asInt(), own);
        this.payload = ((ObjectNode) payload).deepCopy();
        this.payload.put("planKey", pristine + "plan.json");
    }

    /** Copies every object under {@code prefix} but {@code except} to a sibling execution; its prefix. */
    private String copy(String prefix, String suffix, String except) {
        String run = prefix.substring(0, prefix.length() - 1);
        String execution = run.substring(run.lastIndexOf('/') + 1);
        String to = run.substring(0, run.lastIndexOf('/') + 1) + execution + "-" + suffix + "/";
        int copied = 0;
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            if (o.key().equals(except)) {
                continue;
            }
            String key = to + o.key().substring(prefix.length());
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(o.key()).destinationBucket(bucket).destinationKey(key));
            copied++;
        }
        if (copied == 0) {
            throw new IllegalStateException("no run artifacts under " + prefix + " to replay " + payload);
        }
        return to;
    }

    /** A Map item of a phase function: {@code {batch: {phase, batch, from, to}, planKey, execution}}. */
    static boolean isBatch(JsonNode payload) {
        return payload != null && payload.path("batch").isObject() && payload.path("planKey").isTextual();
    }

    @Override
    public Path get() {
        String planKey = payload.path("planKey").asText();
        String copy = "coldstart-" + COPIES.incrementAndGet();
        String prefix = copy(planKey.substring(0, planKey.length() - "plan.json".length()), copy, null);
        ObjectNode fresh = payload.deepCopy();
        fresh.put("planKey", prefix + "plan.json");
        fresh.put("execution", prefix.substring(prefix.lastIndexOf('/', prefix.length() - 2) + 1, prefix.length() - 1));
        Path out = file.resolveSibling(file.getFileName() + "-" + copy + ".json");
        try {
            Files.writeString(out, ProjectFiles.JSON.writeValueAsString(fresh));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
