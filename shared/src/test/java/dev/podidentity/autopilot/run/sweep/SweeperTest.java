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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep's bounds with in-memory fakes of the bucket and of EKS (no config here, so Resolve is never asked): a
 * limit of clusters per invocation and a time budget, each reported as skipped, and successive sweeps that resume
 * where the previous one stopped; clusters examined {@link Sweeper#CLUSTERS_AT_ONCE} at a time. The classification
 * against real AWS semantics is SweepWorkflowTest's.
 */
class SweeperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-29T06:00:00Z");

    private final Bucket bucket = new Bucket();
    private final MutableClock clock = new MutableClock(T0);
    private final List<String> described = Collections.synchronizedList(new ArrayList<>());
    private volatile List<String> names = List.of("echo", "alpha", "delta", "charlie", "bravo");
    private volatile Duration perDescribe = Duration.ZERO;
    private volatile String failing;
    /** Runs first in each DescribeCluster, on the thread that calls it. */
    private volatile Consumer<String> onDescribe = name -> { };
    private volatile Runnable onListClusters = () -> { };

    private final EksApi eks = (EksApi) Proxy.newProxyInstance(EksApi.class.getClassLoader(), new Class<?>[]{EksApi.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "listClusters" -> {
                    onListClusters.run();
                    yield names;
                }
                case "describeCluster" -> {
                    String name = (String) args[0];
                    onDescribe.accept(name);
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
    void sweep_examinesClustersAtOnce_neverMoreThanTheBound_andReportsThemInRotationOrder() throws Exception {
        names = tenClusters();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        onDescribe = name -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                assertTrue(release.await(20, TimeUnit.SECONDS), "never released");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                inFlight.decrementAndGet();
            }
        };
        Thread.Builder.OfVirtual sweeping = Thread.ofVirtual();
        List<JsonNode> out = Collections.synchronizedList(new ArrayList<>());
        Thread sweep = sweeping.start(() -> out.add(sweeper(50).sweep(scheduled(T0), Duration.ofMinutes(5))));

        awaitValue(inFlight, Sweeper.CLUSTERS_AT_ONCE);
        Thread.sleep(300); // long enough for a fifth to start, were one allowed to
        assertEquals(Sweeper.CLUSTERS_AT_ONCE, inFlight.get(), "clusters in flight while the first ones are held");
        release.countDown();
        sweep.join(20_000);
        assertFalse(sweep.isAlive());

        assertEquals(Sweeper.CLUSTERS_AT_ONCE, most.get(), "never more than the bound at once");
        JsonNode report = out.get(0);
        assertEquals(tenClusters(), clusters(report), "the report in rotation order, whatever order they finished in");
        assertEquals(tenClusters(), described.stream().sorted().toList(), "each cluster described once");
        assertEquals(10, report.path("examined").asInt());
        assertTrue(report.path("resumeFrom").isNull());
    }

    @Test
    void sweep_whenTimeRunsOutWhileClustersAreInFlight_finishesThem_andTheNextSweepResumesAtTheFirstNotStarted()
            throws Exception {
        names = tenClusters();
        AtomicInteger inFlight = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        onDescribe = name -> {
            inFlight.incrementAndGet();
            try {
                assertTrue(release.await(20, TimeUnit.SECONDS), "never released");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        List<JsonNode> out = Collections.synchronizedList(new ArrayList<>());
        Thread sweep = Thread.ofVirtual().start(() -> out.add(sweeper(50).sweep(scheduled(T0), Duration.ofSeconds(40))));
        awaitValue(inFlight, Sweeper.CLUSTERS_AT_ONCE);
        // 15 s are kept back: a cluster is started only while now + 15 s is within the budget
        clock.advance(Duration.ofSeconds(30));
        release.countDown();
        sweep.join(20_000);
        assertFalse(sweep.isAlive());

        JsonNode first = out.get(0);
        List<String> started = tenClusters().subList(0, Sweeper.CLUSTERS_AT_ONCE);
        assertEquals(started, clusters(first), "the ones in flight finished and are reported");
        assertEquals(tenClusters().subList(Sweeper.CLUSTERS_AT_ONCE, 10), skipped(first));
        first.path("skipped").forEach(k -> assertTrue(k.path("reason").asText().startsWith("out of time"), k::toString));
        assertEquals(tenClusters().get(Sweeper.CLUSTERS_AT_ONCE), first.path("resumeFrom").asText());
        assertEquals(started, described.stream().sorted().toList(), "none of the skipped was started");
        assertTrue(bucket.objects.containsKey("sweeps/20261129T060000Z.json"), "the report is written all the same");

        onDescribe = name -> { };
        described.clear();
        Instant t1 = T0.plus(Duration.ofDays(1));
        clock.set(t1);
        JsonNode second = sweeper(50).sweep(scheduled(t1), Duration.ofMinutes(5));
        List<String> rotated = new ArrayList<>(tenClusters().subList(Sweeper.CLUSTERS_AT_ONCE, 10));
        rotated.addAll(started);
        assertEquals(rotated, clusters(second), "resumes at the first not started, then wraps around");
        assertEquals(tenClusters(), described.stream().sorted().toList(), "each once");
    }

    @Test
    void sweep_whenTheBudgetRunsOutPartWay_examinesAPrefixOfTheRotation_andSuccessiveSweepsLoseNoneAndRepeatNone() {
        names = tenClusters();
        perDescribe = Duration.ofSeconds(10); // each cluster's examination takes 10 s of the budget
        List<String> seen = new ArrayList<>();
        Instant t = T0;
        for (int sweep = 0; seen.size() < 10; sweep++) {
            assertTrue(sweep < 10, "the sweeps make no progress: " + seen);
            clock.set(t);
            described.clear();
            JsonNode report = sweeper(50).sweep(scheduled(t), Duration.ofSeconds(60));
            List<String> examined = clusters(report);
            List<String> notStarted = skipped(report);
            assertFalse(examined.isEmpty(), report::toPrettyString);
            assertEquals(examined, described.stream().sorted(java.util.Comparator.comparingInt(examined::indexOf))
                    .toList(), "exactly the clusters reported were described, each once");
            List<String> all = new ArrayList<>(examined);
            all.addAll(notStarted);
            assertEquals(SweepFindings.rotation(tenClusters(), report.path("startedAt").isNull() ? null
                    : report.path("startedAt").asText()), all, "examined then skipped: the rotation, cut once");
            assertEquals(notStarted.isEmpty() ? null : notStarted.get(0),
                    report.path("resumeFrom").isNull() ? null : report.path("resumeFrom").asText());
            seen.addAll(examined);
            t = t.plus(Duration.ofDays(1));
        }
        assertEquals(tenClusters(), seen.subList(0, 10), "every cluster once, in order, before any again");
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
        assertEquals(List.of("alpha", "bravo", "charlie", "delta", "echo"), described.stream().sorted().toList());
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
    void sweep_whenClustersFailWhileOthersAreInFlight_reportsTheirErrors_andFinishesTheOthers() {
        names = tenClusters();
        failing = "c02";
        bucket.failingList = "reports/c05/";
        CountDownLatch failed = new CountDownLatch(1);
        onDescribe = name -> {
            try {
                if (name.equals(failing)) {
                    failed.countDown();
                } else {
                    // the other clusters of the first round are in flight when c02 fails
                    assertTrue(failed.await(20, TimeUnit.SECONDS), "c02 never described");
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        JsonNode report = sweeper(50).sweep(scheduled(T0), Duration.ofMinutes(5));

        assertEquals(tenClusters(), clusters(report));
        assertEquals("ERROR", finding(report, "c02").path("verdict").asText());
        assertTrue(finding(report, "c02").path("error").asText().contains("Rate exceeded"));
        JsonNode listing = finding(report, "c05");
        assertEquals("ERROR", listing.path("verdict").asText(), listing::toString);
        assertEquals("ACTIVE", listing.path("status").asText(), "what was read before the failure is kept");
        assertTrue(listing.path("error").asText().contains("SlowDown"), listing::toString);
        assertEquals(Map.of("ERROR", 2, "NOT_ONBOARDED", 8), JSON.convertValue(report.path("counts"), Map.class));
        assertTrue(report.path("resumeFrom").isNull());
    }

    @Test
    void sweep_readsTheConfigsAndWhereThePreviousSweepStopped_besideTheListOfClusters() throws Exception {
        CountDownLatch bothStarted = new CountDownLatch(2);
        bucket.onList = prefix -> {
            if (prefix.equals("clusters/") || prefix.equals("sweeps/")) {
                bothStarted.countDown();
            }
        };
        AtomicInteger whileListing = new AtomicInteger(-1);
        onListClusters = () -> {
            try {
                // in turn, neither would start before ListClusters returned
                whileListing.set(bothStarted.await(10, TimeUnit.SECONDS) ? 2 : 2 - (int) bothStarted.getCount());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        JsonNode report = sweeper(50).sweep(scheduled(T0), Duration.ofMinutes(5));
        assertEquals(2, whileListing.get(), "S3 lists started while ListClusters was in flight");
        assertEquals(5, report.path("examined").asInt());
    }

    @Test
    void sweep_whenTheClustersCannotBeListed_failsWithThatError_andWritesNoReport() {
        onListClusters = () -> {
            throw new RetryableException("ListClusters: Rate exceeded");
        };
        RetryableException e = assertThrows(RetryableException.class,
                () -> sweeper(50).sweep(scheduled(T0), Duration.ofMinutes(5)));
        assertEquals("ListClusters: Rate exceeded", e.getMessage());
        assertEquals(List.of(), bucket.list("sweeps/", null, 100));
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

    private static List<String> tenClusters() {
        return IntStream.range(0, 10).mapToObj(i -> String.format("c%02d", i)).toList();
    }

    /** Waits (at most 20 s) until {@code value} holds {@code expected}. */
    private static void awaitValue(AtomicInteger value, int expected) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (value.get() != expected) {
            assertTrue(System.nanoTime() < until, "still " + value.get() + ", not " + expected);
            Thread.sleep(5);
        }
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
        final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
        volatile Consumer<String> onList = prefix -> { };
        /** A prefix whose listing fails, throttled. */
        volatile String failingList;

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
            onList.accept(prefix);
            if (prefix.equals(failingList)) {
                throw new RetryableException("ListObjectsV2 " + prefix + ": SlowDown");
            }
            return objects.keySet().stream().filter(k -> k.startsWith(prefix))
                    .filter(k -> startAfter == null || k.compareTo(startAfter) > 0).limit(max).toList();
        }

        @Override
        public void write(String key, byte[] content, String contentType) {
            objects.put(key, content);
        }
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        synchronized void advance(Duration d) {
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
