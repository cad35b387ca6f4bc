package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.OURS;
import static dev.podidentity.local.workflow.WorkflowWorld.REGION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.world.GeneratedConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * A config with as many pod identity associations as EKS allows on one cluster (5,000), applied end to end: the
 * run's state carries batches and counts, never steps or outcomes, so no state or history event comes near Step
 * Functions' 256 KB; every association is made with a role of ours; the report in the bucket has every outcome.
 */
@WorkflowTest
class WorkflowScaleTest {
    static final int ASSOCIATIONS = 5_000;
    static final String KEY = "clusters/dev-cluster.yaml";
    static final int STEP_FUNCTIONS_LIMIT = 256 * 1024;

    static WorkflowWorld world; // set by @WorkflowTest

    @Test
    void apply_theEksQuotaOfAssociations_staysWithinStepFunctionsPayloadLimit() throws Exception {
        ObjectNode input = uploadedQuota("scale-");

        long start = System.nanoTime();
        LocalApp.Delivery delivery = world.app().deliver(input, world.progress::add, Duration.ofMinutes(15));
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(1, delivery.runs().size(), String.valueOf(delivery.note()));
        LocalApp.Run run = delivery.runs().get(0);
        assertTrue(run.succeeded(), run.status() + " " + run.error() + ": " + run.cause());

        // Every association exists, each with a role of ours that exists.
        Map<String, Role> ours = new HashMap<>();
        world.cloud().iam().listRolesPaginator(b -> b.pathPrefix("/pod-identity-autopilot/")).roles()
                .forEach(r -> ours.put(r.arn(), r));
        Map<String, String> associations = new TreeMap<>();
        for (JsonNode a : world.cloud().eksEmulator().snapshot(REGION, "dev-cluster").withArray("podIdentityAssociations")) {
            if (a.path("namespace").asText().equals("bench")) {
                associations.put(a.path("serviceAccount").asText(), a.path("roleArn").asText());
            }
        }
        assertEquals(ASSOCIATIONS, associations.size());
        List<String> notOurs = new ArrayList<>();
        associations.forEach((sa, role) -> {
            if (!ours.containsKey(role)) {
                notOurs.add(sa + " -> " + role);
            }
        });
        assertEquals(List.of(), notOurs.subList(0, Math.min(5, notOurs.size())), notOurs.size() + " not ours");
        // Ownership tags, on a spread of them (5,000 ListRoleTags calls would say the same, slowly).
        for (int i = 0; i < ASSOCIATIONS; i += 250) {
            String arn = associations.get(GeneratedConfigs.serviceAccount(i));
            String name = arn.substring(arn.lastIndexOf('/') + 1);
            assertTrue(world.cloud().iam().listRoleTags(b -> b.roleName(name)).tags().stream()
                    .anyMatch(t -> t.key().equals(OURS)), arn + " carries our ownership tag");
        }

        // No state, task input or result near the limit.
        Sizes sizes = Sizes.of(world.history(run));
        assertTrue(sizes.largest < STEP_FUNCTIONS_LIMIT / 2, sizes.toString());

        // The report in the bucket has every outcome; the execution's output only counts them.
        JsonNode report = world.report(run, "dev-cluster");
        long associate = 0;
        for (JsonNode o : report.path("outcomes")) {
            associate += o.path("phase").asText().equals("associate") ? 1 : 0;
        }
        assertEquals(ASSOCIATIONS, associate);
        long created = 0;
        for (JsonNode o : report.path("outcomes")) {
            created += o.path("result").asText().equals("CREATED") ? 1 : 0;
        }
        assertTrue(created >= ASSOCIATIONS, created + " created");
        assertEquals(created, run.outputJson().path("summary").path("counts").path("CREATED").asLong(),
                "the execution's output counts what the report lists: " + run.output());
        assertTrue(run.output().length() < 16 * 1024, run.output().length() + " bytes of output");

        System.out.printf("WorkflowScaleTest: %,d associations: %s in %.1f s, %d state transitions; largest "
                        + "payload %,d bytes (%s); execution output %,d bytes%n", ASSOCIATIONS, run.status(), seconds,
                run.stateTransitions(), sizes.largest, sizes.where, run.output().length());
        Map<String, Long> calls = new TreeMap<>();
        world.cloud().calls().snapshot().forEach((call, n) -> {
            if (n >= ASSOCIATIONS / 10) {
                calls.put(call, n);
            }
        });
        System.out.println("WorkflowScaleTest: AWS calls made at least " + ASSOCIATIONS / 10 + " times: " + calls);
    }

    /**
     * The same 5,000 associations with every Associate batch failing as a whole (each invocation crashes after its
     * first CreateRole, on every retry): the state then holds a failure record per batch instead of a count, and
     * still stays far from the limit; the run ends with its report and gives its lock back.
     */
    @Test
    void apply_theEksQuotaOfAssociations_withEveryBatchFailing_staysWithinThePayloadLimitAndReports() throws Exception {
        // Each batch waits out three retries' backoff (about 3.5 s); 20 batches at once instead of the default 5
        // wait in 5 waves instead of 20 (alone: 121 s instead of 136 s). The state still holds all 100 failures.
        world.deploy(Map.of("MapMaxConcurrency", "20"));
        ObjectNode input = uploadedQuota("scale-failing-");
        world.cloud().faults().add(dev.podidentity.local.gateway.FaultRule.crashAfter("iam", "CreateRole", 1_000_000));

        LocalApp.Delivery delivery = world.app().deliver(input, world.progress::add, Duration.ofMinutes(15));
        world.cloud().faults().clear();

        assertEquals(1, delivery.runs().size(), String.valueOf(delivery.note()));
        LocalApp.Run run = delivery.runs().get(0);
        assertEquals("FAILED", run.status());
        assertEquals("PodIdentityAutopilot.StepsFailed", run.error(), run.cause());
        Sizes sizes = Sizes.of(world.history(run));
        JsonNode report = world.report(run, "dev-cluster");
        long failed = 0;
        for (JsonNode o : report.path("outcomes")) {
            failed += o.path("result").asText().equals("FAILED") ? 1 : 0;
        }
        assertTrue(failed >= ASSOCIATIONS, failed + " failed: " + report.path("summary"));
        assertTrue(sizes.largest < STEP_FUNCTIONS_LIMIT / 2, sizes.toString());
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> lock = world.cloud().dynamoDb()
                .getItem(b -> b.tableName(world.app().lockTable()).consistentRead(true).key(Map.of("lockId",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                WorkflowWorld.ACCOUNT + "/" + REGION + "/dev-cluster")))).item();
        assertTrue(!lock.containsKey("owner") && lock.containsKey("changedHandsAt"), "the lock is given back: " + lock);
        System.out.printf("WorkflowScaleTest: %,d associations, every Associate batch failing: %s %s; largest "
                + "payload %,d bytes (%s)%n", ASSOCIATIONS, run.status(), run.error(), sizes.largest, sizes.where);
    }

    /** The quota's config uploaded, and the console apply of it (a trigger id of its own). */
    private static ObjectNode uploadedQuota(String triggerPrefix) {
        world.upload(KEY, GeneratedConfigs.associations("dev-cluster", ASSOCIATIONS));
        ObjectNode input = ProjectFiles.JSON.createObjectNode().put("action", "apply").put("cluster", "dev-cluster")
                .put("configKey", KEY);
        input.putObject("trigger").put("type", "console").put("id", triggerPrefix + System.nanoTime());
        return input;
    }

    /** The largest input, output or parameters document among an execution's history events, and where. */
    record Sizes(int largest, String where) {
        static Sizes of(List<HistoryEvent> history) {
            int largest = 0;
            String where = "";
            for (HistoryEvent e : history) {
                Map<String, String> docs = new HashMap<>();
                if (e.executionStartedEventDetails() != null) {
                    docs.put("execution input", e.executionStartedEventDetails().input());
                }
                if (e.executionSucceededEventDetails() != null) {
                    docs.put("execution output", e.executionSucceededEventDetails().output());
                }
                if (e.stateEnteredEventDetails() != null) {
                    docs.put(e.stateEnteredEventDetails().name() + " input", e.stateEnteredEventDetails().input());
                }
                if (e.stateExitedEventDetails() != null) {
                    docs.put(e.stateExitedEventDetails().name() + " output", e.stateExitedEventDetails().output());
                }
                if (e.taskScheduledEventDetails() != null) {
                    docs.put("task parameters", e.taskScheduledEventDetails().parameters());
                }
                if (e.taskSucceededEventDetails() != null) {
                    docs.put("task result", e.taskSucceededEventDetails().output());
                }
                if (e.lambdaFunctionScheduledEventDetails() != null) {
                    docs.put("lambda input", e.lambdaFunctionScheduledEventDetails().input());
                }
                if (e.lambdaFunctionSucceededEventDetails() != null) {
                    docs.put("lambda result", e.lambdaFunctionSucceededEventDetails().output());
                }
                for (Map.Entry<String, String> d : docs.entrySet()) {
                    int bytes = d.getValue() == null ? 0 : d.getValue().getBytes(StandardCharsets.UTF_8).length;
                    if (bytes > largest) {
                        largest = bytes;
                        where = d.getKey() + " (event " + e.id() + ", " + e.typeAsString() + ")";
                    }
                }
            }
            return new Sizes(largest, where);
        }
    }
}
