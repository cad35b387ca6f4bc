package dev.podidentity.autopilot.run.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.lambda.JsonHandler;
import dev.podidentity.autopilot.port.Executions;
import dev.podidentity.autopilot.port.Locks;
import dev.podidentity.autopilot.port.Locks.Lease;
import dev.podidentity.autopilot.run.contract.LockTask;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterLockTest {
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    private static final String SM = "arn:aws:states:us-west-2:111122223333:execution:pod-identity-autopilot:";
    private static final String LOCK_ID = "111122223333/us-west-2/dev-cluster";

    private final FakeLocks locks = new FakeLocks();
    private final Set<String> running = new HashSet<>();
    private final Executions executions = new Executions() {
        @Override
        public Optional<String> start(String stateMachineArn, String name, String input) {
            throw new UnsupportedOperationException("the lock never starts executions");
        }

        @Override
        public boolean isRunning(String executionArn) {
            locks.calls.add("isRunning " + executionArn);
            return running.contains(executionArn);
        }
    };
    private final WireLock lock = new WireLock(new ClusterLock(locks, executions,
            new LockSettings("locks", Duration.ofSeconds(7200), 4), Clock.fixed(NOW, ZoneOffset.UTC)));

    /**
     * The lock as the state machine sees it: the task's JSON bound to {@link LockTask} and the result record
     * written back as JSON by the handler's mapper, so these tests check the wire shape the ASL reads.
     */
    private record WireLock(ClusterLock lock) {
        ObjectNode acquire(JsonNode in) {
            return wire(lock.acquire(task(in)));
        }

        ObjectNode release(JsonNode in) {
            return wire(lock.release(task(in)));
        }

        ObjectNode handle(JsonNode in) {
            return wire(lock.handle(task(in)));
        }

        private static LockTask task(JsonNode in) {
            return JsonHandler.MAPPER.convertValue(in, LockTask.class);
        }

        private static ObjectNode wire(Object out) {
            return JsonHandler.MAPPER.valueToTree(out);
        }
    }

    @Test
    void acquire_whenFree_writesALeaseForTheRunsTimeout() {
        ObjectNode out = lock.acquire(acquire("run-a", 0, false));

        assertTrue(out.path("acquired").asBoolean());
        assertEquals(LOCK_ID, out.path("lockId").asText());
        assertEquals(1, out.path("attempt").asInt());
        assertFalse(out.path("replan").asBoolean(), "won at once: the plan is current");
        Lease lease = locks.items.get(LOCK_ID);
        assertEquals(new Lease(LOCK_ID, "run-a", SM + "run-a", NOW.getEpochSecond(), NOW.getEpochSecond() + 7200),
                lease);
    }

    @Test
    void acquire_whenThisRunHoldsIt_isANoOpSuccess() {
        lock.acquire(acquire("run-a", 0, false));
        ObjectNode again = lock.acquire(acquire("run-a", 0, false));

        assertTrue(again.path("acquired").asBoolean());
        assertEquals("run-a", locks.items.get(LOCK_ID).owner());
    }

    @Test
    void acquire_whenARunningExecutionHoldsIt_namesTheHolderAndChangesNothing() {
        hold("run-a", NOW.minusSeconds(60), NOW.plusSeconds(7000));
        running.add(SM + "run-a");

        ObjectNode out = lock.acquire(acquire("run-b", 0, false));

        assertFalse(out.path("acquired").asBoolean());
        assertEquals("run-a", out.path("heldBy").asText());
        assertEquals(SM + "run-a", out.path("heldByArn").asText());
        assertEquals(NOW.minusSeconds(60).toString(), out.path("since").asText());
        assertFalse(out.path("giveUp").asBoolean());
        assertFalse(out.path("replan").asBoolean());
        assertEquals("run-a", locks.items.get(LOCK_ID).owner());
    }

    @Test
    void acquire_givesUpAtTheConfiguredNumberOfChecks() {
        hold("run-a", NOW.minusSeconds(60), NOW.plusSeconds(7000));
        running.add(SM + "run-a");

        assertFalse(lock.acquire(acquire("run-b", 2, false)).path("giveUp").asBoolean());
        ObjectNode last = lock.acquire(acquire("run-b", 3, false));
        assertEquals(4, last.path("attempt").asInt());
        assertTrue(last.path("giveUp").asBoolean());
    }

    @Test
    void acquire_wonAfterWaiting_asksForOneReplan() {
        ObjectNode won = lock.acquire(acquire("run-b", 5, false));
        assertTrue(won.path("acquired").asBoolean());
        assertTrue(won.path("replan").asBoolean(), "the holder changed the cluster since run-b planned");

        ObjectNode afterReplan = lock.acquire(acquire("run-b", won.path("attempt").asInt(), true));
        assertTrue(afterReplan.path("acquired").asBoolean());
        assertFalse(afterReplan.path("replan").asBoolean(), "plans again only once");
        assertTrue(afterReplan.path("replanned").asBoolean());
    }

    @Test
    void acquire_whenTheHolderNoLongerRuns_takesItOver() {
        hold("run-a", NOW.minusSeconds(60), NOW.plusSeconds(7000)); // run-a was aborted before its release

        ObjectNode out = lock.acquire(acquire("run-b", 0, false));

        assertTrue(out.path("acquired").asBoolean());
        assertEquals("run-a", out.path("tookOverFrom").asText());
        assertTrue(out.path("replan").asBoolean(), "run-a may have written after run-b's plan began");
        assertEquals("run-b", locks.items.get(LOCK_ID).owner());
        assertEquals(NOW.toEpochMilli(), locks.changedHands.get(LOCK_ID));
        assertTrue(locks.calls.contains("isRunning " + SM + "run-a"));
    }

    @Test
    void acquire_whenTheLeaseExpired_takesItWithoutAskingStepFunctions() {
        hold("run-a", NOW.minusSeconds(7300), NOW.minusSeconds(100));
        running.add(SM + "run-a"); // would say "still running", but the lease is over

        ObjectNode out = lock.acquire(acquire("run-b", 0, false));

        assertTrue(out.path("acquired").asBoolean());
        assertEquals("run-a", out.path("tookOverFrom").asText());
        assertTrue(out.path("replan").asBoolean());
        assertEquals("run-b", locks.items.get(LOCK_ID).owner());
        assertTrue(locks.calls.stream().noneMatch(c -> c.startsWith("isRunning")));
    }

    @Test
    void acquire_whenAnotherRunTakesOverFirst_reportsTheNewHolder() {
        hold("run-a", NOW.minusSeconds(60), NOW.plusSeconds(7000));
        running.add(SM + "run-c");
        // run-c takes over from the dead run-a between run-b's read and run-b's takeover
        locks.beforeTakeOver = () -> locks.items.put(LOCK_ID,
                new Lease(LOCK_ID, "run-c", SM + "run-c", NOW.getEpochSecond(), NOW.getEpochSecond() + 7200));

        ObjectNode out = lock.acquire(acquire("run-b", 0, false));

        assertFalse(out.path("acquired").asBoolean());
        assertEquals("run-c", out.path("heldBy").asText());
        assertEquals("run-c", locks.items.get(LOCK_ID).owner());
    }

    @Test
    void release_byTheOwner_freesTheLock_andRecordsWhenItChangedHands() {
        lock.acquire(acquire("run-a", 0, false));

        ObjectNode out = lock.release(release("run-a", "dev-cluster"));

        assertTrue(out.path("released").asBoolean());
        assertFalse(locks.items.containsKey(LOCK_ID));
        assertEquals(NOW.toEpochMilli(), locks.changedHands.get(LOCK_ID));
        assertTrue(locks.calls.contains("release run-a keep until " + (NOW.getEpochSecond() + 7200)),
                "the record outlives the release by a lease: " + locks.calls);
    }

    @Test
    void acquire_whenFreeButReleasedAfterThisRunBeganPlanning_asksForOneReplan() {
        // run-a did its whole apply and released while run-b was still planning: run-b never waits, but its plan
        // predates run-a's writes
        locks.changedHands.put(LOCK_ID, NOW.minusMillis(500).toEpochMilli());

        ObjectNode won = lock.acquire(acquire("run-b", 0, false).put("plannedAt", NOW.minusSeconds(2).toString()));

        assertTrue(won.path("acquired").asBoolean());
        assertEquals(1, won.path("attempt").asInt());
        assertTrue(won.path("replan").asBoolean(), "the lock changed hands after run-b's plan began");
        ObjectNode afterReplan = lock.acquire(acquire("run-b", 1, true).put("plannedAt", NOW.toString()));
        assertTrue(afterReplan.path("acquired").asBoolean());
        assertFalse(afterReplan.path("replan").asBoolean(), "plans again only once");
    }

    @Test
    void acquire_whenReleasedBeforeThisRunBeganPlanning_keepsThePlan() {
        locks.changedHands.put(LOCK_ID, NOW.minusSeconds(30).toEpochMilli());

        ObjectNode won = lock.acquire(acquire("run-b", 0, false).put("plannedAt", NOW.minusSeconds(2).toString()));

        assertTrue(won.path("acquired").asBoolean());
        assertFalse(won.path("replan").asBoolean(), "nothing changed hands since the plan began");
    }

    @Test
    void acquire_releasedInTheMillisecondThePlanBegan_countsAsAChange() {
        locks.changedHands.put(LOCK_ID, NOW.minusSeconds(2).toEpochMilli());

        assertTrue(lock.acquire(acquire("run-b", 0, false).put("plannedAt", NOW.minusSeconds(2).toString()))
                .path("replan").asBoolean());
    }

    @Test
    void acquire_retriedAfterItsWriteLanded_givesTheSameAnswer() {
        // the first acquire wrote the lease but its answer was lost (a Lambda timeout): the retry finds run-b's own
        // lease, and the record of the earlier release is still there
        locks.changedHands.put(LOCK_ID, NOW.minusMillis(500).toEpochMilli());
        ObjectNode first = lock.acquire(acquire("run-b", 0, false).put("plannedAt", NOW.minusSeconds(2).toString()));
        ObjectNode retried = lock.acquire(acquire("run-b", 0, false).put("plannedAt", NOW.minusSeconds(2).toString()));

        assertTrue(first.path("replan").asBoolean());
        assertTrue(retried.path("replan").asBoolean());
    }

    @Test
    void acquire_withoutAPlanTime_replansWheneverTheLockChangedHands() {
        // a run of a state machine deployed before plannedAt existed: any recorded change may postdate its plan
        locks.changedHands.put(LOCK_ID, NOW.minusSeconds(3600).toEpochMilli());
        assertTrue(lock.acquire(acquire("run-b", 0, false)).path("replan").asBoolean());

        locks.items.clear();
        locks.changedHands.clear();
        assertFalse(lock.acquire(acquire("run-c", 0, false)).path("replan").asBoolean(), "a lock never held");
    }

    @Test
    void acquire_aPlanTimeThatIsNotAnInstant_isRefusedByName() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> lock.acquire(acquire("run-b", 0, false).put("plannedAt", "yesterday")));
        assertTrue(e.getMessage().contains("plannedAt must be an ISO-8601 instant"), e.getMessage());
        assertTrue(locks.calls.isEmpty(), locks.calls.toString());
    }

    @Test
    void release_byAnotherRun_isANoOp() {
        lock.acquire(acquire("run-a", 0, false));

        ObjectNode out = lock.release(release("run-b", "dev-cluster"));

        assertFalse(out.path("released").asBoolean());
        assertEquals("this execution does not hold the lock", out.path("reason").asText());
        assertEquals("run-a", locks.items.get(LOCK_ID).owner());
        assertFalse(lock.release(release("run-b", "dev-cluster")).path("released").asBoolean(), "and again");
    }

    @Test
    void release_ofARunThatNeverPlanned_touchesNoTable() {
        ObjectNode input = release("run-a", "dev-cluster");
        input.putNull("run");

        ObjectNode out = lock.release(input);

        assertFalse(out.path("released").asBoolean());
        assertTrue(locks.calls.isEmpty(), locks.calls.toString());
    }

    @Test
    void handle_routesByOperation_andRefusesOthersByName() {
        assertTrue(lock.handle(acquire("run-a", 0, false).put("operation", "acquire")).path("acquired").asBoolean());
        assertTrue(lock.handle(release("run-a", "dev-cluster").put("operation", "release")).path("released")
                .asBoolean());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> lock.handle(acquire("run-a", 0, false).put("operation", "steal")));
        assertTrue(e.getMessage().contains("operation must be acquire or release"), e.getMessage());
    }

    @Test
    void badInput_namesTheField_andWritesNothing() {
        ObjectNode noCluster = acquire("run-a", 0, false);
        noCluster.remove("cluster");
        assertTrue(assertThrows(InvalidInputException.class, () -> lock.acquire(noCluster)).getMessage()
                .contains("cluster must be set"));
        ObjectNode badArn = acquire("run-a", 0, false).put("executionArn", "arn:aws:lambda:us-west-2:1:function:x");
        assertTrue(assertThrows(InvalidInputException.class, () -> lock.acquire(badArn)).getMessage()
                .contains("executionArn"));
        assertTrue(locks.calls.isEmpty(), locks.calls.toString());
    }

    @Test
    void lockId_isAccountRegionCluster_inEveryPartition() {
        assertEquals("111122223333/us-west-2/dev-cluster", ClusterLock.lockId(SM + "x", "dev-cluster"));
        assertEquals("222233334444/cn-north-1/c", ClusterLock.lockId(
                "arn:aws-cn:states:cn-north-1:222233334444:execution:sm:name", "c"));
    }

    // ------------------------------------------------------------------ fixtures

    private void hold(String owner, Instant since, Instant expires) {
        locks.items.put(LOCK_ID, new Lease(LOCK_ID, owner, SM + owner, since.getEpochSecond(),
                expires.getEpochSecond()));
    }

    private static ObjectNode acquire(String execution, int attempt, boolean replanned) {
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        in.put("cluster", "dev-cluster").put("execution", execution).put("executionArn", SM + execution)
                .put("attempt", attempt).put("replanned", replanned);
        return in;
    }

    private static ObjectNode release(String execution, String cluster) {
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        in.putObject("run").put("cluster", cluster);
        in.put("execution", execution).put("executionArn", SM + execution);
        return in;
    }

    /** The table's conditional writes, as DynamoDB evaluates them, in memory. */
    private static final class FakeLocks implements Locks {
        final Map<String, Lease> items = new HashMap<>();
        /** changedHandsAt per lock id, kept after a release as the table keeps it. */
        final Map<String, Long> changedHands = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        Runnable beforeTakeOver = () -> { };

        @Override
        public OptionalLong tryAcquire(Lease lease) {
            calls.add("tryAcquire " + lease.owner());
            Lease held = items.get(lease.lockId());
            if (held == null || held.owner().equals(lease.owner())) {
                items.put(lease.lockId(), lease);
                return OptionalLong.of(changedHands.getOrDefault(lease.lockId(), 0L));
            }
            return OptionalLong.empty();
        }

        @Override
        public boolean takeOver(Lease lease, String previousOwner, long atMillis) {
            calls.add("takeOver " + lease.owner());
            beforeTakeOver.run();
            Lease held = items.get(lease.lockId());
            if (held != null && held.owner().equals(previousOwner)) {
                items.put(lease.lockId(), lease);
                changedHands.put(lease.lockId(), atMillis);
                return true;
            }
            return false;
        }

        @Override
        public Optional<Lease> read(String lockId) {
            calls.add("read " + lockId);
            return Optional.ofNullable(items.get(lockId));
        }

        @Override
        public boolean release(String lockId, String owner, long atMillis, long keepUntil) {
            calls.add("release " + owner + " keep until " + keepUntil);
            Lease held = items.get(lockId);
            if (held != null && held.owner().equals(owner)) {
                items.remove(lockId);
                changedHands.put(lockId, atMillis);
                return true;
            }
            return false;
        }
    }
}
