package dev.podidentity.autopilot.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollector;

/**
 * Every log line of an invocation names it as Lambda's JSON log format does (request id, function name, cold start)
 * besides the run's execution and cluster; throttled AWS calls become one metric line per service and invocation.
 */
class InvocationLogTest {
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();

    /** A handler that logs one line for a run and answers its input. */
    static class Echo extends JsonHandler<JsonNode, JsonNode> {
        Echo() {
            super(JsonNode.class);
        }

        @Override
        protected JsonNode handle(JsonNode request, Context context) {
            Log.forRun("exec-1", "dev-cluster").info("hello");
            return request;
        }
    }

    @AfterEach
    void back() {
        Log.sendTo(System.out);
    }

    @Test
    void linesOfAnInvocation_carryRequestIdFunctionNameColdStart_andTheRun() throws Exception {
        Log.sendTo(new PrintStream(lines, true, StandardCharsets.UTF_8));
        Echo handler = new Echo();
        invoke(handler);
        invoke(handler);
        Log.forRun("exec-1", "dev-cluster").info("between invocations");

        List<JsonNode> logged = logged();
        assertEquals(3, logged.size(), logged::toString);
        JsonNode first = logged.get(0);
        assertEquals("INFO", first.path("level").asText());
        assertEquals("Echo", first.path("functionName").asText());
        assertTrue(first.path("requestId").asText().startsWith("local-"), first::toString);
        assertTrue(first.path("coldStart").asBoolean(), "the first invocation of a handler class is its cold start");
        assertEquals("exec-1", first.path("execution").asText());
        assertEquals("dev-cluster", first.path("cluster").asText());
        assertFalse(logged.get(1).path("coldStart").asBoolean());
        assertFalse(logged.get(0).path("requestId").asText().equals(logged.get(1).path("requestId").asText()));
        assertFalse(logged.get(2).has("requestId"), "outside an invocation nothing is claimed");
    }

    /** The same handler as another class: its cold start is its own. */
    static final class Warmed extends Echo {
    }

    @Test
    void aWarmUpsSampleRequest_isNotTheColdStart_andLeavesTheThrottleCountsToTheRealRequest() throws Exception {
        Log.sendTo(new PrintStream(lines, true, StandardCharsets.UTF_8));
        Warmed handler = new Warmed();
        call("IAM", "Throttling", null); // the real first request's call, throttled once, before the warm-up ends
        dev.podidentity.autopilot.aws.Priming.offline(() -> handler.handleRequest(
                new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null));
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null);

        List<JsonNode> logged = logged();
        assertEquals(3, logged.size(), logged::toString);
        assertFalse(logged.get(0).path("coldStart").asBoolean(), "the warm-up's sample: " + logged.get(0));
        assertTrue(logged.get(1).path("coldStart").asBoolean(), "the first real request is the cold start");
        assertEquals(1, logged.get(2).path("AwsThrottled").asInt(), "flushed by the real request: " + logged);
    }

    @Test
    void throttledCalls_areCountedPerService_andWrittenOncePerInvocation() throws Exception {
        Log.sendTo(new PrintStream(lines, true, StandardCharsets.UTF_8));
        call("IAM", "Throttling", "Throttling", null);
        call("EKS", (String) null);
        call("EKS", "Throttling", "ServerSide");
        ThrottleMetrics.flush();
        ThrottleMetrics.flush();

        List<JsonNode> logged = logged();
        assertEquals(2, logged.size(), logged::toString);
        assertEquals("eks", logged.get(0).path("Service").asText());
        assertEquals(1, logged.get(0).path("AwsThrottled").asInt());
        assertEquals("iam", logged.get(1).path("Service").asText());
        assertEquals(2, logged.get(1).path("AwsThrottled").asInt());
        JsonNode directive = logged.get(1).path("_aws").path("CloudWatchMetrics").path(0);
        assertEquals("PodIdentityAutopilot", directive.path("Namespace").asText());
        assertEquals("[[\"Service\"]]", directive.path("Dimensions").toString());
        assertEquals("AwsThrottled", directive.path("Metrics").path(0).path("Name").asText());
        assertEquals("INFO", logged.get(1).path("level").asText(), "kept at ApplicationLogLevel INFO");
    }

    /** A handler that fails: with an error of ours when its input says "ours", with a bug's error otherwise. */
    static final class Fails extends JsonHandler<JsonNode, JsonNode> {
        Fails() {
            super(JsonNode.class);
        }

        @Override
        protected JsonNode handle(JsonNode request, Context context) {
            if (request.path("ours").asBoolean()) {
                throw new dev.podidentity.autopilot.error.InvalidInputException("spec.roleName: too long (line 7)");
            }
            throw new IllegalStateException("a bug", new java.io.IOException("the cause"));
        }
    }

    @Test
    void aFailedInvocation_isOneLogLine_withTheTraceOnlyForErrorsNotOurs() throws Exception {
        Log.sendTo(new PrintStream(lines, true, StandardCharsets.UTF_8));
        java.io.PrintStream err = System.err;
        ByteArrayOutputStream loose = new ByteArrayOutputStream();
        System.setErr(new PrintStream(loose, true, StandardCharsets.UTF_8));
        try {
            Fails handler = new Fails();
            org.junit.jupiter.api.Assertions.assertThrows(dev.podidentity.autopilot.error.InvalidInputException.class,
                    () -> handler.handleRequest(new ByteArrayInputStream("{\"ours\":true}".getBytes(StandardCharsets.UTF_8)),
                            new ByteArrayOutputStream(), null));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)),
                            new ByteArrayOutputStream(), null));
        } finally {
            System.setErr(err);
        }

        assertEquals("", loose.toString(StandardCharsets.UTF_8), "nothing outside the JSON lines");
        List<JsonNode> logged = logged();
        assertEquals(2, logged.size(), logged::toString);
        JsonNode ours = logged.get(0);
        assertEquals("ERROR", ours.path("level").asText());
        assertEquals("dev.podidentity.autopilot.error.InvalidInputException", ours.path("errorType").asText());
        assertEquals("spec.roleName: too long (line 7)", ours.path("errorMessage").asText());
        assertEquals("Fails", ours.path("functionName").asText());
        assertFalse(ours.has("stackTrace"), "an error of ours says what it means in its message: " + ours);
        JsonNode bug = logged.get(1);
        assertEquals("java.lang.IllegalStateException", bug.path("errorType").asText());
        assertTrue(bug.path("stackTrace").isArray() && bug.path("stackTrace").size() > 2, bug::toString);
        assertTrue(bug.path("stackTrace").toString().contains("Caused by: java.io.IOException: the cause"), bug::toString);
    }

    private static void call(String service, String... attemptErrors) {
        MetricCollector call = MetricCollector.create("ApiCall");
        call.reportMetric(CoreMetric.SERVICE_ID, service);
        for (String error : attemptErrors) {
            MetricCollector attempt = call.createChild("ApiCallAttempt");
            if (error != null) {
                attempt.reportMetric(CoreMetric.ERROR_TYPE, error);
            }
        }
        dev.podidentity.autopilot.aws.SdkThrottles.INSTANCE.publish(call.collect());
    }

    private static void invoke(Echo handler) {
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null);
    }

    private List<JsonNode> logged() throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : lines.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                out.add(JsonHandler.MAPPER.readTree(line));
            }
        }
        return out;
    }
}
