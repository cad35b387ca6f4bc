package dev.podidentity.autopilot.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacing controller on a clock the test moves: open until throttled, then AIMD under the cap. */
class WritePacingTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * MS);

    private void advanceMs(long ms) {
        now.addAndGet(ms * MS);
    }

    /** Reserves a slot the way an attempt does, and moves the clock to it. */
    private long attempt(WritePacing pacing, String service, String operation) {
        long wait = pacing.reserve(service, operation);
        now.addAndGet(wait);
        return Math.round(wait / (double) MS);
    }

    @Test
    void anOpenLane_neverWaits_untilTheFirstThrottle() throws Exception {
        WritePacing pacing = WritePacing.memory(Map.of(), now::get).start();
        for (int i = 0; i < 100; i++) {
            assertEquals(0, attempt(pacing, "iam", "CreateRole"));
            pacing.succeeded("iam", "CreateRole");
        }
        assertTrue(Double.isInfinite(pacing.rate("iam")));
    }

    @Test
    void aThrottle_pacesAtSeventyPercentOfLastSecondsSuccesses_thenGrowsSlowly() throws Exception {
        WritePacing pacing = WritePacing.memory(Map.of(), now::get).start();
        for (int i = 0; i < 20; i++) { // 20 successful writes over the last second
            pacing.succeeded("iam", "CreateRole");
            advanceMs(50);
        }
        pacing.throttled("iam", "AttachRolePolicy");
        assertEquals(14.0, pacing.rate("iam"), 0.01);
        pacing.throttled("iam", "CreateRole");
        assertEquals(14.0, pacing.rate("iam"), 0.01, "the calls already in flight: one cut a second");
        long waited = 0;
        for (int i = 0; i < 15; i++) {
            waited += attempt(pacing, "iam", "CreateRole");
        }
        assertTrue(waited >= 1_000 - 5 && waited <= 1_100, "15 writes at 14/s take about a second: " + waited);
        assertEquals(0, attempt(pacing, "iam", "GetRole"), "reads are never paced");
        assertEquals(0, attempt(pacing, "eks", "CreatePodIdentityAssociation"), "EKS has its own lane, still open");

        advanceMs(1_000);
        double before = pacing.rate("iam");
        for (int i = 0; i < 5; i++) { // five seconds of success
            advanceMs(1_000);
            pacing.succeeded("iam", "CreateRole");
        }
        double firstFive = pacing.rate("iam") - before;
        for (int i = 0; i < 5; i++) { // five more
            advanceMs(1_000);
            pacing.succeeded("iam", "CreateRole");
        }
        double secondFive = pacing.rate("iam") - before - firstFive;
        assertTrue(firstFive >= 5 * WritePacing.INCREASE_PER_SECOND, "at least the base increase: " + firstFive);
        assertTrue(secondFive > firstFive, "the longer without a throttle, the faster it probes: " + firstFive
                + " then " + secondFive);
        assertTrue(pacing.rate("iam") < 2 * 14.0, "a probe, not a jump: " + pacing.rate("iam"));
    }

    @Test
    void aCap_pacesFromTheStart_andGrowthStopsThere_andTheNextBatchStartsWhereThisOneSettled() throws Exception {
        WritePacing.Memory memory = WritePacing.memory(Map.of("iam", 4.0), now::get);
        WritePacing first = memory.start();
        assertEquals(4.0, first.rate("iam"));
        long waited = 0;
        for (int i = 0; i < 9; i++) {
            waited += attempt(first, "iam", "CreateRole");
            first.succeeded("iam", "CreateRole");
        }
        assertEquals(2_000, waited, 5, "9 writes at 4/s: the first at once, then one every 250 ms");
        assertEquals(4.0, first.rate("iam"), "never above the cap");
        first.throttled("iam", "CreateRole");
        double settled = first.rate("iam");
        assertTrue(settled < 4.0);
        first.finish();
        assertEquals(settled, memory.start().rate("iam"), 1e-9);
        assertTrue(Double.isInfinite(memory.start().rate("eks")));
    }

    @Test
    void capsFromTheStack_areSharedByTheBatchesAtOnce() {
        WritePacing.Memory memory = WritePacing.Memory.capped(20, 0, 5);
        assertEquals(4.0, memory.cap("iam"));
        assertTrue(Double.isInfinite(memory.cap("eks")));
    }

    @Test
    void outsideABatch_nothingIsPaced() throws Exception {
        WritePacing none = WritePacing.current();
        none.throttled("iam", "CreateRole");
        none.beforeAttempt("iam", "CreateRole"); // returns at once: no lane, no wait
        assertTrue(Double.isInfinite(none.rate("iam")));
        WritePacing batch = WritePacing.memory(Map.of(), now::get).start();
        assertEquals(batch, batch.within(WritePacing::current));
        assertEquals(none, WritePacing.current());
    }
}
