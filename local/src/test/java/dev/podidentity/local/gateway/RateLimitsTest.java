package dev.podidentity.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets on a clock the test moves: burst first, then the sustained rate, per service and class. */
class RateLimitsTest {
    private final AtomicLong now = new AtomicLong();
    private final RateLimits limits = new RateLimits(now::get);

    private int admittedOf(int calls, String service, String operation) {
        int admitted = 0;
        for (int i = 0; i < calls; i++) {
            admitted += limits.admit(service, operation) ? 1 : 0;
        }
        return admitted;
    }

    private void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000);
    }

    @Test
    void aFullBucket_admitsTheBurstAtOnce_thenThrottles() {
        limits.add(RateLimits.Limit.of("iam", RateLimits.Calls.WRITES, 20, 40));
        assertEquals(40, admittedOf(100, "iam", "CreateRole"));
        assertEquals(Map.of("iam:writes", 60L), limits.throttled());
        assertEquals(Map.of("iam:writes", 40L), limits.admitted());
    }

    @Test
    void anEmptyBucket_refillsAtTheSustainedRate_neverAboveTheBurst() {
        limits.add(RateLimits.Limit.of("iam", RateLimits.Calls.WRITES, 20, 40));
        admittedOf(40, "iam", "CreateRole");
        advanceMillis(500);
        assertEquals(10, admittedOf(50, "iam", "PutRolePolicy"), "half a second at 20/s");
        int over10s = 0;
        for (int tick = 0; tick < 100; tick++) {
            advanceMillis(100);
            over10s += admittedOf(10, "iam", "TagRole");
        }
        assertEquals(200, over10s, "10 s at 20/s, however hard it is asked");
        advanceMillis(60_000);
        assertEquals(40, admittedOf(100, "iam", "CreateRole"), "a minute idle refills to the burst, not beyond");
    }

    @Test
    void buckets_arePerServiceAndClass_readsAndOtherServicesUntouched() {
        limits.add(RateLimits.Limit.of("iam", RateLimits.Calls.WRITES, 1, 1));
        limits.add(RateLimits.Limit.of("eks", RateLimits.Calls.WRITES, 1, 2));
        limits.add(RateLimits.Limit.of("sts", RateLimits.Calls.ALL, 1, 1));
        assertTrue(limits.admit("iam", "CreateRole"));
        assertFalse(limits.admit("iam", "AttachRolePolicy"));
        assertEquals(50, admittedOf(50, "iam", "GetRole"), "IAM reads have no bucket here");
        assertEquals(2, admittedOf(5, "eks", "CreatePodIdentityAssociation"));
        assertEquals(20, admittedOf(20, "eks", "ListPodIdentityAssociations"));
        assertEquals(1, admittedOf(3, "sts", "GetCallerIdentity"));
        assertEquals(20, admittedOf(20, "s3", "PutObject"));
        assertEquals(1 + 3 + 2, limits.throttledTotal());
    }

    @Test
    void aCallMatchingTwoBuckets_takesFromBoth_andNothingWhenOneIsEmpty() {
        limits.add(RateLimits.Limit.of("iam", RateLimits.Calls.ALL, 100, 3));
        limits.add(RateLimits.Limit.of("iam", RateLimits.Calls.WRITES, 100, 1));
        assertTrue(limits.admit("iam", "CreateRole"));
        assertFalse(limits.admit("iam", "CreateRole"), "the writes bucket is empty");
        assertEquals(2, admittedOf(5, "iam", "GetRole"), "the throttled write took no token from the shared bucket");
    }

    @Test
    void noLimits_admitEverything() {
        assertEquals(1000, admittedOf(1000, "iam", "CreateRole"));
        assertEquals(0, limits.throttledTotal());
    }

    @Test
    void fromWorldFileEntries_defaultsAndMistakes() {
        RateLimits.Limit limit = RateLimits.Limit.fromMap(Map.of("service", "EKS", "calls", "writes", "perSecond", 10));
        assertEquals(RateLimits.Limit.of("eks", RateLimits.Calls.WRITES, 10, 10), limit);
        assertEquals(RateLimits.Calls.ALL, RateLimits.Limit.fromMap(Map.of("service", "sts", "perSecond", 5)).calls());
        assertThrows(IllegalArgumentException.class,
                () -> RateLimits.Limit.fromMap(Map.of("service", "iam", "perSecond", 5, "rate", 3)));
        assertThrows(IllegalArgumentException.class,
                () -> RateLimits.Limit.fromMap(Map.of("service", "iam", "calls", "deletes", "perSecond", 5)));
        assertThrows(IllegalArgumentException.class, () -> RateLimits.Limit.fromMap(Map.of("service", "iam")));
        assertThrows(IllegalArgumentException.class,
                () -> RateLimits.Limit.fromMap(Map.of("service", "iam", "perSecond", 0)));
    }
}
