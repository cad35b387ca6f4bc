package dev.podidentity.local.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.DynamoDbLocks;
import dev.podidentity.autopilot.port.Locks.Lease;
import dev.podidentity.local.LocalCloud;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The lock table's conditional writes as DynamoDB (moto) evaluates them, through the application's own adapter: who
 * wins, what a release leaves behind, and that the moment the lock last changed hands survives a release and a
 * retried acquire, since a run's decision to plan again rests on it; and that runs acquiring at once have one winner.
 */
class DynamoDbLocksTest {
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static AwsClients clients;

    private static final String TABLE = "locks-adapter-test";
    private static final String ID = "111122223333/us-west-2/dev-cluster";
    private static final String SM = "arn:aws:states:us-west-2:111122223333:execution:sm:";

    private DynamoDbLocks locks;

    @BeforeAll
    static void table() {
        cloud.dynamoDb().createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("lockId").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("lockId").keyType(KeyType.HASH)));
    }

    @BeforeEach
    void empty() {
        cloud.dynamoDb().deleteItem(b -> b.tableName(TABLE).key(Map.of("lockId", AttributeValue.fromS(ID))));
        locks = new DynamoDbLocks(clients::dynamoDb, TABLE);
    }

    @Test
    void aNeverTakenLock_isWon_withNoChangeOfHandsOnRecord() {
        assertEquals(OptionalLong.of(0), locks.tryAcquire(lease("run-a", 100)));
        assertEquals(Optional.of(lease("run-a", 100)), locks.read(ID));
    }

    @Test
    void aHeldLock_isNotWonByAnother_whileItsOwnerWinsItAgain() {
        locks.tryAcquire(lease("run-a", 100));

        assertEquals(OptionalLong.empty(), locks.tryAcquire(lease("run-b", 101)));
        assertEquals("run-a", locks.read(ID).orElseThrow().owner());
        assertEquals(OptionalLong.of(0), locks.tryAcquire(lease("run-a", 102)), "its own lease, renewed");
    }

    @Test
    void aRelease_keepsTheItem_withoutAnOwner_andWithWhenItChangedHands() {
        locks.tryAcquire(lease("run-a", 100));

        assertFalse(locks.release(ID, "run-b", 5_000, 9_000), "only the owner releases");
        assertTrue(locks.release(ID, "run-a", 1_796_675_000_123L, 9_000));

        assertEquals(Optional.empty(), locks.read(ID), "free");
        Map<String, AttributeValue> item = item();
        assertFalse(item.containsKey("owner") || item.containsKey("ownerArn") || item.containsKey("acquiredAt"),
                item.toString());
        assertEquals("1796675000123", item.get("changedHandsAt").n());
        assertEquals("9000", item.get("expiresAt").n(), "the TTL removes it a lease later");
        assertFalse(locks.release(ID, "run-a", 6_000, 9_000), "released once");
    }

    @Test
    void theNextRun_learnsWhenTheLockWasGivenBack_andSoDoesItsRetry() {
        locks.tryAcquire(lease("run-a", 100));
        locks.release(ID, "run-a", 1_796_675_000_123L, 9_000);

        assertEquals(OptionalLong.of(1_796_675_000_123L), locks.tryAcquire(lease("run-b", 101)));
        assertEquals(OptionalLong.of(1_796_675_000_123L), locks.tryAcquire(lease("run-b", 101)),
                "a retried acquire whose first write landed gets the same answer");
    }

    @Test
    void aTakeOver_replacesOnlyTheNamedHolder_andRecordsTheChangeOfHands() {
        locks.tryAcquire(lease("run-a", 100));

        assertFalse(locks.takeOver(lease("run-b", 101), "run-x", 7_000), "run-x does not hold it");
        assertTrue(locks.takeOver(lease("run-b", 101), "run-a", 7_000));

        assertEquals("run-b", locks.read(ID).orElseThrow().owner());
        assertEquals("7000", item().get("changedHandsAt").n());
        assertEquals(OptionalLong.of(7_000), locks.tryAcquire(lease("run-b", 102)));
    }

    @Test
    void runsAcquiringAFreeLockAtOnce_haveExactlyOneWinner_whoLearnsTheLastRelease() throws Exception {
        // DynamoDB evaluates a conditional write and makes it as one step; two runs' acquires both succeeding is
        // two runs writing to one cluster at once (it happened on moto, whose handler checks and writes apart)
        int runs = 12;
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            for (int round = 0; round < 15; round++) {
                long released = 1_796_675_000_000L + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<OptionalLong>> tries = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    Lease mine = lease("run-" + round + "-" + r, 100 + round);
                    tries.add(pool.submit(() -> {
                        go.await();
                        return locks.tryAcquire(mine);
                    }));
                }
                go.countDown();
                List<OptionalLong> won = new ArrayList<>();
                for (Future<OptionalLong> t : tries) {
                    t.get(30, TimeUnit.SECONDS).ifPresent(at -> won.add(OptionalLong.of(at)));
                }
                assertEquals(1, won.size(), "round " + round + ": winners " + won);
                if (round > 0) {
                    assertEquals(OptionalLong.of(released - 1), won.get(0), "the last release, read in the same step");
                }
                String owner = locks.read(ID).orElseThrow().owner();
                assertTrue(locks.release(ID, owner, released, 9_000));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Lease lease(String owner, long at) {
        return new Lease(ID, owner, SM + owner, at, at + 7200);
    }

    private static Map<String, AttributeValue> item() {
        return cloud.dynamoDb().getItem(b -> b.tableName(TABLE).consistentRead(true)
                .key(Map.of("lockId", AttributeValue.fromS(ID)))).item();
    }
}
