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
        // back up toward the ceiling (20 a second: what the throttle met) at the base increase, steadily
        double before = pacing.rate("iam");
        double firstFive = succeedFor(pacing, 5);
        double secondFive = succeedFor(pacing, 5);
        assertEquals(5 * WritePacing.INCREASE_PER_SECOND, firstFive, 1e-6, "the base increase below the ceiling");
        assertEquals(firstFive, secondFive, 1e-6, "no faster while below the rate that was just refused");
        assertEquals(before + 10 * WritePacing.INCREASE_PER_SECOND, pacing.rate("iam"), 1e-6);
        for (int s = 0; s < 60 && pacing.rate("iam") < 20.0; s++) {
            succeedFor(pacing, 1);
        }
        assertTrue(pacing.rate("iam") >= 20.0 && pacing.rate("iam") < 20.0 + 2 * WritePacing.INCREASE_PER_SECOND,
                "back at the ceiling: " + pacing.rate("iam"));
        // past the ceiling, the longer without a throttle, the faster it probes
        double pastFirst = succeedFor(pacing, 5);
        double pastSecond = succeedFor(pacing, 5);
        assertTrue(pastFirst >= 5 * WritePacing.INCREASE_PER_SECOND, "at least the base increase: " + pastFirst);
        assertTrue(pastSecond > pastFirst, "the longer without a throttle, the faster it probes: " + pastFirst
                + " then " + pastSecond);
        assertTrue(pacing.rate("iam") < 2 * 20.0, "a probe, not a jump: " + pacing.rate("iam"));
    }

    @Test
    void theNextBatch_startsWhereThisOneSettled_andKnowsItsCeiling() throws Exception {
        WritePacing.Memory memory = WritePacing.memory(Map.of(), now::get);
        WritePacing first = memory.start();
        for (int i = 0; i < 10; i++) { // 10 a second get through, then a throttle: ceiling 10, paced at 7
            first.succeeded("iam", "CreateRole");
            advanceMs(100);
        }
        first.throttled("iam", "CreateRole");
        assertEquals(7.0, first.rate("iam"), 1e-6);
        first.finish();

        WritePacing next = memory.start();
        assertEquals(7.0, next.rate("iam"), 1e-6);
        next.succeeded("iam", "CreateRole"); // its first write
        double firstFive = succeedFor(next, 5);
        double secondFive = succeedFor(next, 5);
        assertEquals(firstFive, secondFive, 1e-6, "below the ceiling it remembers, the base increase only");
        assertEquals(7.0 + 10 * WritePacing.INCREASE_PER_SECOND, next.rate("iam"), 1e-6);
    }

    /** {@code seconds} seconds of one successful write a second; the lane's rate gained. */
    private double succeedFor(WritePacing pacing, int seconds) {
        double before = pacing.rate("iam");
        for (int i = 0; i < seconds; i++) {
            advanceMs(1_000);
            pacing.succeeded("iam", "CreateRole");
        }
        return pacing.rate("iam") - before;
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
