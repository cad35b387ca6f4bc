package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.gateway.CallCounter;
import dev.podidentity.local.gateway.RateLimits;
import dev.podidentity.local.world.GeneratedConfigs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run against an account whose IAM and EKS write buckets are far smaller than the run's concurrency (5 batches x 8
 * steps at once): the buckets throttle, the batches pace their writes to them, and the run converges with every step
 * done, none failed, in about the time the buckets allow.
 */
@WorkflowTest
class WorkflowRateLimitTest {
    static final String CLUSTER = "dev-cluster";
    static final String KEY = "clusters/" + CLUSTER + ".yaml";
    static final int ASSOCIATIONS = 60;
    static final double IAM_WRITES_PER_SECOND = 8;
    static final double EKS_WRITES_PER_SECOND = 4;

    static WorkflowWorld world; // set by @WorkflowTest

    @Test
    void apply_underATightBucket_isThrottledAndStillConvergesWithNoFailedStep() throws Exception {
        world.upload(KEY, GeneratedConfigs.associations(CLUSTER, ASSOCIATIONS));
        world.cloud().rateLimits().addAll(List.of(
                RateLimits.Limit.of("iam", RateLimits.Calls.WRITES, IAM_WRITES_PER_SECOND, 8),
                RateLimits.Limit.of("eks", RateLimits.Calls.WRITES, EKS_WRITES_PER_SECOND, 4)));
        ObjectNode input = ProjectFiles.JSON.createObjectNode().put("action", "apply").put("cluster", CLUSTER)
                .put("configKey", KEY);
        input.putObject("trigger").put("type", "console").put("id", "rate-" + System.nanoTime());

        long start = System.nanoTime();
        LocalApp.Delivery delivery = world.app().deliver(input, world.progress::add, Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        LocalApp.Run run = delivery.runs().get(0);

        assertSucceeded(run);
        JsonNode counts = run.outputJson().path("summary").path("counts");
        assertEquals(0, counts.path("FAILED").asInt(0), counts.toString());
        assertTrue(counts.path("CREATED").asInt() >= ASSOCIATIONS, counts.toString());
        long throttled = world.cloud().rateLimits().throttledTotal();
        assertTrue(throttled > 0, "the buckets throttled nothing: the test did not test pacing");
        long associations = 0;
        for (JsonNode a : world.cloud().eksEmulator().snapshot(WorkflowWorld.REGION, CLUSTER)
                .withArray("podIdentityAssociations")) {
            associations += a.path("namespace").asText().equals("bench") ? 1 : 0;
        }
        assertEquals(ASSOCIATIONS, associations);

        // The IAM writes that got through never beat the bucket: burst + rate x time, over any stretch.
        List<CallCounter.Call> iamWrites = world.cloud().calls().writeLog().stream()
                .filter(c -> c.service().equals("iam")).toList();
        long admitted = world.cloud().rateLimits().admitted().get("iam:writes");
        double span = Duration.between(iamWrites.get(0).at(), iamWrites.get(iamWrites.size() - 1).at()).toNanos() / 1e9;
        assertTrue(admitted <= 8 + IAM_WRITES_PER_SECOND * span + 1, admitted + " IAM writes in " + span + " s");
        double floor = (2.0 * ASSOCIATIONS - 8) / IAM_WRITES_PER_SECOND;
        System.out.printf("WorkflowRateLimitTest: %d associations in %.1f s (the IAM bucket allows %.1f s); %d IAM "
                        + "writes admitted over %.1f s (%.1f per s of %.0f); throttled %s of %d IAM and EKS calls%n",
                ASSOCIATIONS, seconds, floor, admitted, span, admitted / span, IAM_WRITES_PER_SECOND,
                world.cloud().rateLimits().throttled(), world.cloud().calls().total("iam")
                        + world.cloud().calls().total("eks"));
        double share = throttled / (double) (world.cloud().calls().total("iam") + world.cloud().calls().total("eks"));
        // 40 steps start at once against a burst of 8: in a run this small the first storm is a large part of the
        // calls (measured: 25%); unpaced, each throttled write would be retried into the empty bucket again.
        assertTrue(share < 0.4, "paced writes: a throttle storm would throttle most calls, here " + share);
    }
}
