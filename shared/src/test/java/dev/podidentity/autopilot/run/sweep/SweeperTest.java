package dev.podidentity.autopilot.run.sweep;

import dev.podidentity.autopilot.lambda.EventBridgeEvents;
import dev.podidentity.autopilot.port.ConfigStore;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.port.EksApi;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep's bounds with in-memory fakes of the bucket and of EKS (no config here, so Resolve is never asked): a
 * limit of clusters per invocation and a time budget, each reported as skipped, and successive sweeps that resume
 * where the previous one stopped. The classification against real AWS semantics is SweepWorkflowTest's.
 */
class SweeperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-29T06:00:00Z");

    private final Bucket bucket = new Bucket();
    private final MutableClock clock = new MutableClock(T0);
    private final List<String> described = new ArrayList<>();
    private Duration perDescribe = Duration.ZERO;
    private String failing;

    private final EksApi eks = (EksApi) Proxy.newProxyInstance(EksApi.class.getClassLoader(), new Class<?>[]{EksApi.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "listClusters" -> List.of("echo", "alpha", "delta", "charlie", "bravo");
                case "describeCluster" -> {
                    String name = (String) args[0];
                    described.add(name);
                    clock.advance(perDescribe);
                    if (name.equals(failing)) {
                        throw new RetryableException("DescribeCluster \"" + name + "\": Rate exceeded");
                    }
                    yield Optional.of(new EksApi.Cluster(name, "arn:aws:eks:us-west-2:111122223333:cluster/" + name,
                            "ACTIVE", "1.33", false, null));
                }
                default -> throw new UnsupportedOperationException(method.getName() + " is not read by the sweep");
            });

    private Sweeper sweeper(int maxClusters) {
        return new Sweeper(eks, bucket, null, maxClusters, clock);
    }

    private static ScheduledEvent scheduled(Instant time) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", "e-" + time.getEpochSecond()).put("detail-type", "Scheduled Event").put("source", "aws.events");
        event.put("time", time.toString());
        return EventBridgeEvents.bind(event);
    }

    @Test
    void sweep_whenMoreClustersThanTheLimit_reportsTheRestSkipped_andTheNextSweepsResumeThere() {
        JsonNode first = sweeper(2).sweep(scheduled(T0), Duration.ofMinutes(5));
        assertEquals(List.of("alpha", "bravo"), clusters(first));
        assertEquals(List.of("charlie", "delta", "echo"), skipped(first));
        assertTrue(first.path("skipped").get(0).path("reason").asText().contains("limit of 2 clusters (SweepMaxClusters)"));
        assertEquals("charlie", first.path("resumeFrom").asText());
        assertEquals(5, first.path("clustersInRegion").asInt());
        assertEquals(first, bucket.json("sweeps/20261129T060000Z.json"), "the report returned is the report written");

        Instant t1 = T0.plus(Duration.ofDays(1));
        clock.set(t1);
        JsonNode second = sweeper(2).sweep(scheduled(t1), Duration.ofMinutes(5));
        assertEquals("charlie", second.path("startedAt").asText());
        assertEquals(List.of("charlie", "delta"), clusters(second));
        assertEquals("echo", second.path("resumeFrom").asText());

        Instant t2 = t1.plus(Duration.ofDays(1));
        clock.set(t2);
        JsonNode third = sweeper(2).sweep(scheduled(t2), Duration.ofMinutes(5));
        assertEquals(List.of("echo", "alpha"), clusters(third), "wraps around");

        Instant t3 = t2.plus(Duration.ofDays(1));
        clock.set(t3);
        JsonNode all = sweeper(50).sweep(scheduled(t3), Duration.ofMinutes(5));
        assertEquals(5, all.path("examined").asInt());
        assertTrue(all.path("resumeFrom").isNull(), "saw every cluster: the next sweep starts from the first");
        assertEquals(List.of("sweeps/20261129T060000Z.json", "sweeps/20261130T060000Z.json", "sweeps/20261201T060000Z.json",
                "sweeps/20261202T060000Z.json"), bucket.list("sweeps/", null, 100));
    }

    @Test
    void sweep_whenTheBudgetRunsOut_stopsInTime_andSaysWhatItSkipped() {
        perDescribe = Duration.ofSeconds(10);
        JsonNode report = sweeper(50).sweep(scheduled(T0), Duration.ofSeconds(40));
        // 15 s are kept back: a cluster is started only while now + 15 s is within the budget.
        assertEquals(List.of("alpha", "bravo", "charlie"), clusters(report));
        assertEquals(List.of("delta", "echo"), skipped(report));
        assertTrue(report.path("skipped").get(0).path("reason").asText().startsWith("out of time"));
        assertEquals("delta", report.path("resumeFrom").asText());
        assertTrue(bucket.objects.containsKey("sweeps/20261129T060000Z.json"), "the report is written all the same");
    }

    @Test
    void sweep_whenTheSameScheduledEventIsDeliveredAgain_rewritesItsReport_andDoesNotResumeFromItself() {
        JsonNode first = sweeper(2).sweep(scheduled(T0), Duration.ofMinutes(5));
        JsonNode again = sweeper(2).sweep(scheduled(T0), Duration.ofMinutes(5));
        assertEquals(clusters(first), clusters(again));
        assertEquals(List.of("sweeps/20261129T060000Z.json"), bucket.list("sweeps/", null, 100));
    }

    @Test
    void sweep_whenOneClusterCannotBeRead_reportsItAsError_andExaminesTheOthers() {
        failing = "bravo";
        bucket.put("reports/alpha/onboard-alpha-1.json", "{}");
        JsonNode report = sweeper(50).sweep(scheduled(T0), Duration.ofMinutes(5));
        assertEquals(List.of("alpha", "bravo", "charlie", "delta", "echo"), described);
        JsonNode bravo = finding(report, "bravo");
        assertEquals("ERROR", bravo.path("verdict").asText());
        assertTrue(bravo.path("error").asText().contains("Rate exceeded"), bravo.toString());
        JsonNode alpha = finding(report, "alpha");
        assertEquals("ONBOARDED", alpha.path("verdict").asText());
        assertEquals("reports/alpha/onboard-alpha-1.json", alpha.path("onboardingEvidence").asText());
        assertEquals("NOT_ONBOARDED", finding(report, "charlie").path("verdict").asText());
        assertEquals("onboard", finding(report, "charlie").path("fix").path("action").asText());
        assertEquals(Map.of("ERROR", 1, "NOT_ONBOARDED", 3, "ONBOARDED", 1),
                JSON.convertValue(report.path("counts"), Map.class));
    }

    @Test
    void sweep_reportsConfigsOfClustersThatDoNotExist_andKeysNoRunReads() {
        bucket.put("clusters/ghost.yaml", "metadata: {name: ghost}");
        bucket.put("clusters/team/x.yaml", "");
        JsonNode report = sweeper(50).sweep(scheduled(T0), Duration.ofMinutes(5));
        assertEquals("ghost", report.path("configsWithoutCluster").get(0).path("cluster").asText());
        assertEquals("clusters/ghost.yaml", report.path("configsWithoutCluster").get(0).path("configKey").asText());
        assertEquals("clusters/team/x.yaml", report.path("ignoredConfigKeys").get(0).path("key").asText());
    }

    @Test
    void maxClusters_fromTheEnvironment_isANumberOfAtLeastOne() {
        assertEquals(Sweeper.DEFAULT_MAX_CLUSTERS, Sweeper.maxClustersFrom(null));
        assertEquals(7, Sweeper.maxClustersFrom(" 7 "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sweeper.maxClustersFrom("many")).getMessage()
                .contains("SWEEP_MAX_CLUSTERS"));
        assertThrows(IllegalArgumentException.class, () -> sweeper(0));
    }

    private static List<String> clusters(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.path("clusters").forEach(c -> out.add(c.path("cluster").asText()));
        return out;
    }

    private static List<String> skipped(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.path("skipped").forEach(c -> out.add(c.path("cluster").asText()));
        return out;
    }

    private static JsonNode finding(JsonNode report, String cluster) {
        for (JsonNode c : report.path("clusters")) {
            if (cluster.equals(c.path("cluster").asText())) {
                return c;
            }
        }
        throw new AssertionError("no finding for " + cluster + " in " + report.toPrettyString());
    }

    /** The config bucket in memory, with S3's key order and StartAfter. */
    private static final class Bucket implements ConfigStore {
        final TreeMap<String, byte[]> objects = new TreeMap<>();

        void put(String key, String content) {
            objects.put(key, content.getBytes(StandardCharsets.UTF_8));
        }

        JsonNode json(String key) {
            try {
                return JSON.readTree(objects.get(key));
            } catch (Exception e) {
                throw new AssertionError("no JSON at " + key, e);
            }
        }

        @Override
        public Optional<byte[]> read(String key, String version) {
            return Optional.ofNullable(objects.get(key));
        }

        @Override
        public List<String> list(String prefix, String startAfter, int max) {
            return objects.keySet().stream().filter(k -> k.startsWith(prefix))
                    .filter(k -> startAfter == null || k.compareTo(startAfter) > 0).limit(max).toList();
        }

        @Override
        public void write(String key, byte[] content, String contentType) {
            objects.put(key, content);
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
