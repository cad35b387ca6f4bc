package dev.podidentity.local.eks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A cluster's status overlay on a clock the test moves: EKS finishes creating a cluster in its own time, so reading
 * the status (DescribeCluster, the emulator's own checks) never brings ACTIVE sooner, and time alone brings it.
 */
class ClusterStatusTimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = "us-west-2";
    private static final String CLUSTER = "demo";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final EksEmulator emulator = new EksEmulator("111122223333",
            (region, name) -> Optional.of(new ClusterDirectory.ClusterRecord(name,
                    "arn:aws:eks:" + region + ":111122223333:cluster/" + name, "ACTIVE")),
            arn -> true, AddonCatalog.standard(), clock);

    @Test
    @DisplayName("CREATING with activeAfter 3 s: a thousand describes in a row leave it CREATING until 3 s have passed")
    void describe_whenCalledOftenBeforeItsTime_staysCreating() {
        emulator.setClusterStatus(REGION, CLUSTER, "CREATING", Duration.ofSeconds(3));
        for (int i = 0; i < 1000; i++) {
            assertEquals("CREATING", describedStatus(), "describe " + (i + 1));
            assertEquals("CREATING", emulator.clusterStatus(REGION, CLUSTER));
        }
        clock.advance(Duration.ofMillis(2999));
        assertEquals("CREATING", describedStatus(), "1 ms before its time");
        clock.advance(Duration.ofMillis(1));
        assertEquals("ACTIVE", describedStatus(), "at its time");
    }

    @Test
    @DisplayName("Nobody describes it: after its time the cluster is ACTIVE all the same, and writes that need ACTIVE pass")
    void status_whenTimePassesWithoutDescribes_turnsActive() {
        emulator.setClusterStatus(REGION, CLUSTER, "CREATING", Duration.ofSeconds(3));
        EksApiException refused = assertThrows(EksApiException.class, () -> createAssociation("web"));
        assertTrue(refused.getMessage().contains("is not in ACTIVE status"), refused.getMessage());

        clock.advance(Duration.ofSeconds(3));

        assertEquals("ACTIVE", emulator.clusterStatus(REGION, CLUSTER));
        createAssociation("web"); // the first call after its time, no describe before it
        assertEquals("ACTIVE", describedStatus());
    }

    @Test
    @DisplayName("No activeAfter: CREATING stays, however long; ACTIVE removes the override; a negative time is refused")
    void status_whenNoActiveAfter_staysUntilSetAgain() {
        emulator.setClusterStatus(REGION, CLUSTER, "CREATING");
        clock.advance(Duration.ofDays(30));
        assertEquals("CREATING", describedStatus());
        emulator.setClusterStatus(REGION, CLUSTER, "ACTIVE");
        assertEquals("ACTIVE", describedStatus());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> emulator.setClusterStatus(REGION, CLUSTER, "CREATING", Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("activeAfter"), e.getMessage());
        assertEquals("ACTIVE", describedStatus(), "a refused call changes nothing");
    }

    @Test
    @DisplayName("Setting the status again restarts its time: the new activeAfter counts from the new call")
    void setClusterStatus_whenSetAgain_countsFromTheNewCall() {
        emulator.setClusterStatus(REGION, CLUSTER, "CREATING", Duration.ofSeconds(1));
        clock.advance(Duration.ofMillis(900));
        emulator.setClusterStatus(REGION, CLUSTER, "CREATING", Duration.ofSeconds(1));
        clock.advance(Duration.ofMillis(900));
        assertEquals("CREATING", describedStatus());
        clock.advance(Duration.ofMillis(100));
        assertEquals("ACTIVE", describedStatus());
    }

    @Test
    @DisplayName("Many threads describing at once: each sees CREATING before the time and ACTIVE after, never the other way round")
    void describe_whenManyThreadsRead_agreesWithTheClock() throws Exception {
        emulator.setClusterStatus(REGION, CLUSTER, "CREATING", Duration.ofSeconds(1));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (String expected : List.of("CREATING", "ACTIVE")) {
                List<Future<List<String>>> readers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    readers.add(pool.submit(() -> {
                        List<String> seen = new ArrayList<>();
                        for (int i = 0; i < 200; i++) {
                            seen.add(describedStatus());
                            seen.add(emulator.clusterStatus(REGION, CLUSTER));
                        }
                        return seen;
                    }));
                }
                for (Future<List<String>> reader : readers) {
                    List<String> seen = reader.get();
                    assertEquals(400, seen.size());
                    assertTrue(seen.stream().allMatch(expected::equals), expected + " expected, saw " + seen);
                }
                clock.advance(Duration.ofSeconds(1));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private String describedStatus() {
        ObjectNode response = JSON.createObjectNode();
        response.putObject("cluster").put("name", CLUSTER).put("status", "ACTIVE");
        return emulator.overlayDescribeCluster(REGION, response).path("cluster").path("status").asText();
    }

    private void createAssociation(String serviceAccount) {
        emulator.createPodIdentityAssociation(REGION, CLUSTER, JSON.createObjectNode().put("namespace", "apps")
                .put("serviceAccount", serviceAccount).put("roleArn", "arn:aws:iam::111122223333:role/app-role"));
    }

    /** A clock only the test moves; read from many threads. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
