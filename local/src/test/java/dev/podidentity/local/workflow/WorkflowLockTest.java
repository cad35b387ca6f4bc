package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.ACCOUNT;
import static dev.podidentity.local.workflow.WorkflowWorld.REGION;
import static dev.podidentity.local.workflow.WorkflowWorld.ROLE_PREFIX;
import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.cluster;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.gateway.CallCounter;
import dev.podidentity.local.gateway.FaultRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The per-cluster run lock on the local cloud: the real ASL on moto's Step Functions engine, the lock function on
 * moto's DynamoDB. Two runs for one cluster write one after the other (proved from the executions' histories and the
 * gateway's timestamped write log), a run behind a holder proceeds when the holder ends, a run whose plan is older
 * than the lock's last release plans again, stale and expired leases are taken over, other clusters never wait, and plan-only runs never touch the table.
 */
@WorkflowTest
class WorkflowLockTest {
    static final String KEY = "clusters/dev-cluster.yaml";
    static final String LOCK_ID = ACCOUNT + "/" + REGION + "/dev-cluster";

    static WorkflowWorld world; // set by @WorkflowTest

    /** cart with a created role, orders with an existing one. */
    static final String CONFIG_A = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: dev-cluster
            iam:
              podIdentityAssociations:
                - namespace: shop
                  serviceAccountName: cart
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
                - namespace: shop
                  serviceAccountName: orders
                  roleARN: arn:aws:iam::111122223333:role/payments-api-role
            """;
    /** cart moved to the existing role, orders gone, billing new. */
    static final String CONFIG_B = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: dev-cluster
            iam:
              podIdentityAssociations:
                - namespace: shop
                  serviceAccountName: cart
                  roleARN: arn:aws:iam::111122223333:role/payments-api-role
                - namespace: shop
                  serviceAccountName: billing
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            """;
    static final Map<String, String> SHOP_AFTER_A = Map.of(
            "shop/cart", ROLE_PREFIX + "pod-identity-autopilot/dev-cluster+shop+cart",
            "shop/orders", ROLE_PREFIX + "payments-api-role");
    static final Map<String, String> SHOP_AFTER_B = Map.of(
            "shop/billing", ROLE_PREFIX + "pod-identity-autopilot/dev-cluster+shop+billing",
            "shop/cart", ROLE_PREFIX + "payments-api-role");

    @Test
    void twoRunsForOneCluster_startedTogether_writeOneAfterTheOther_andTheSecondsConfigWins() throws Exception {
        String versionA = upload(CONFIG_A);
        String versionB = upload(CONFIG_B);
        world.cloud().calls().reset();

        String a = start("lock-apply-a", apply(versionA, "a"));
        String b = start("lock-apply-b", apply(versionB, "b"));
        LocalApp.Run runA = follow(a);
        LocalApp.Run runB = follow(b);

        assertSucceeded(runA);
        assertSucceeded(runB);
        // the first to win the lock never waited; the other either waited for it, or found it already given back
        // when its own plan was done (a whole apply fits into a plan's reads): either way it planned again, once
        LocalApp.Run first = lockWon(runA).isBefore(lockWon(runB)) ? runA : runB;
        LocalApp.Run second = first == runA ? runB : runA;
        assertFalse(world.statesEntered(first).contains("WaitForLock"), () -> world.statesEntered(first).toString());

        List<String> secondStates = world.statesEntered(second);
        assertEquals(2, secondStates.stream().filter("Resolve"::equals).count(), secondStates::toString);
        assertEquals(1, secondStates.stream().filter("Replan"::equals).count(), secondStates::toString);
        assertEquals(1, world.statesEntered(first).stream().filter("Resolve"::equals).count());

        // histories: nothing writes before the won lock is left and everything has written before ReleaseLock
        Instant firstWrites = lockWon(first);
        Instant firstDone = entered(first, "ReleaseLock");
        Instant secondWrites = lockWon(second);
        assertTrue(firstDone.isBefore(secondWrites), "the second run may write only after the first released: "
                + firstDone + " vs " + secondWrites);

        // the gateway's own clock: every IAM/EKS write lies in one run's window, and both windows have writes
        List<CallCounter.Call> writes = world.cloud().calls().writeLog().stream()
                .filter(c -> c.service().equals("iam") || c.service().equals("eks")).toList();
        for (CallCounter.Call w : writes) {
            assertTrue(w.at().isBefore(firstDone) || w.at().isAfter(secondWrites),
                    () -> "write " + w + " between the first run's release and the second run's lock");
        }
        assertTrue(writes.stream().anyMatch(w -> w.at().isAfter(firstWrites) && w.at().isBefore(firstDone)),
                () -> "the first run wrote nothing: " + writes);
        assertTrue(writes.stream().anyMatch(w -> w.at().isAfter(secondWrites)),
                () -> "the second run wrote nothing: " + writes);

        // the world is the second run's config, and no lease is left behind
        assertEquals(second == runB ? SHOP_AFTER_B : SHOP_AFTER_A, shopAssociations());
        assertFree();
    }

    @Test
    void aRunWhosePlanPredatesAnotherRunsWholeApply_plansAgainWithoutHavingWaited() throws Exception {
        // A's Resolve has read the cluster and is slow to store its plan; meanwhile B plans, takes the free lock,
        // applies and gives the lock back. A then finds the lock free at once, but its plan is older than B's
        // writes: it must plan again, not apply the stale plan (which would find B's association where it planned
        // to create one, refuse to overwrite it, and fail).
        String versionA = upload(CONFIG_A);
        String versionB = upload(CONFIG_B);
        FaultRule slowPlanWrite = new FaultRule("s3", "PutObject", FaultRule.Kind.LATENCY, 15_000, 0, 1, null, 0);
        world.cloud().faults().add(slowPlanWrite);
        try {
            String a = start("lock-stale-a", apply(versionA, "stale-a"));
            world.awaitFired(slowPlanWrite, Duration.ofSeconds(20), "A is storing its plan");
            LocalApp.Run runB = follow(start("lock-stale-b", apply(versionB, "stale-b")));
            LocalApp.Run runA = follow(a);

            assertSucceeded(runB);
            assertSucceeded(runA);
            assertTrue(ended(runB).isBefore(entered(runA, "AcquireLock")),
                    "B's whole run fits between A's plan and A's lock: " + ended(runB) + " vs "
                            + entered(runA, "AcquireLock"));
            List<String> states = world.statesEntered(runA);
            assertFalse(states.contains("WaitForLock"), states::toString);
            List<JsonNode> aLocks = locks(runA);
            assertTrue(aLocks.get(0).path("replan").asBoolean(), aLocks::toString);
            assertEquals(1, aLocks.get(0).path("attempt").asInt(), aLocks::toString);
            assertEquals(2, states.stream().filter("Resolve"::equals).count(), states::toString);
            assertEquals(1, states.stream().filter("Replan"::equals).count(), states::toString);
            assertEquals(SHOP_AFTER_A, shopAssociations(), "the later run's config, applied on what B left");
            assertFree();
        } finally {
            world.cloud().faults().clear();
        }
    }

    @Test
    void queuedRun_proceedsWhenTheHolderEnds_evenIfTheHolderNeverReleases() throws Exception {
        // a holder that never releases dev-cluster's lock: its own run is for another cluster
        String holder = holdDevCluster("lock-holder-onboard", Instant.now().plusSeconds(7200));

        LocalApp.Run queued = follow(start("lock-queued-create", create("dev-cluster", "queued")));
        LocalApp.Run held = follow(holder);

        assertSucceeded(held);
        assertSucceeded(queued);
        assertTrue(world.statesEntered(queued).contains("WaitForLock"), () -> world.statesEntered(queued).toString());
        assertTrue(ended(held).isBefore(lockWon(queued)),
                "the queued run went on only after the holder ended");
        JsonNode won = wonLock(queued);
        assertEquals("lock-holder-onboard", won.path("tookOverFrom").asText(), won::toString);
        assertTrue(world.statesEntered(queued).contains("Replan"));
        assertFree();
    }

    @Test
    void staleLease_ofAnAbortedOrUnknownExecution_isTakenOverAtOnce() throws Exception {
        String aborted = start("lock-aborted", apply(null, "aborted"));
        abort(aborted);
        String unknown = world.app().stateMachineArn().replace(":stateMachine:", ":execution:") + ":never-started";

        for (String[] stale : List.of(new String[] {"lock-aborted", aborted},
                new String[] {"never-started", unknown})) {
            putLease(LOCK_ID, stale[0], stale[1], Instant.now().plusSeconds(7200));

            LocalApp.Run run = follow(start("lock-after-" + stale[0], create("dev-cluster", stale[0].replace("lock-", ""))));

            assertSucceeded(run);
            assertFalse(world.statesEntered(run).contains("WaitForLock"), stale[0]);
            assertEquals(stale[0], wonLock(run).path("tookOverFrom").asText());
            assertTrue(wonLock(run).path("replan").asBoolean(), "the stale holder may have written after the plan");
            assertFree();
        }
    }

    @Test
    void expiredLease_isTakenEvenWhileItsHolderStillRuns() throws Exception {
        String holder = holdDevCluster("lock-expired-holder", Instant.now().minusSeconds(1));

        LocalApp.Run run = follow(start("lock-after-expiry", create("dev-cluster", "expiry")));
        LocalApp.Run held = follow(holder);

        assertSucceeded(run);
        assertSucceeded(held);
        assertFalse(world.statesEntered(run).contains("WaitForLock"));
        assertTrue(lastLock(run).path("acquired").asBoolean());
        JsonNode won = wonLock(run);
        assertEquals("lock-expired-holder", won.path("tookOverFrom").asText(), won::toString);
        assertTrue(won.path("replan").asBoolean(), "the holder may have written after the plan");
        assertTrue(lockWon(run).isBefore(ended(held)), "the holder was still running: taken by expiry");
    }

    @Test
    void runsForDifferentClusters_neverWaitForEachOther() throws Exception {
        String dev = start("lock-dev", create("dev-cluster", "dev"));
        String auto = start("lock-auto", create("auto-cluster", "auto"));
        LocalApp.Run devRun = follow(dev);
        LocalApp.Run autoRun = follow(auto);

        assertSucceeded(devRun);
        assertSucceeded(autoRun);
        for (LocalApp.Run run : List.of(devRun, autoRun)) {
            assertFalse(world.statesEntered(run).contains("WaitForLock"), () -> world.statesEntered(run).toString());
            assertEquals(1, lastLock(run).path("attempt").asInt());
        }
        assertNotEquals(lastLock(devRun).path("lockId"), lastLock(autoRun).path("lockId"));
        assertEquals(ACCOUNT + "/" + REGION + "/auto-cluster", lastLock(autoRun).path("lockId").asText());
    }

    @Test
    void release_byAnotherExecution_leavesTheLeaseAlone() throws Exception {
        String holderArn = world.app().stateMachineArn().replace(":stateMachine:", ":execution:") + ":holder";
        putLease(LOCK_ID, "holder", holderArn, Instant.now().plusSeconds(600));
        String other = world.app().stateMachineArn().replace(":stateMachine:", ":execution:") + ":other";

        JsonNode out = ProjectFiles.JSON.readTree(world.cloud().lambdas().invoke("LockFunction",
                "{\"operation\":\"release\",\"run\":{\"cluster\":\"dev-cluster\"},\"execution\":\"other\","
                        + "\"executionArn\":\"" + other + "\"}"));

        assertFalse(out.path("released").asBoolean(), out::toString);
        assertEquals("holder", lease().get("owner").s());
        assertEquals(1, world.cloud().calls().count("dynamodb", "UpdateItem"), "one conditional update, refused");
    }

    @Test
    void planOnlyRuns_andRunsThatNeverPlanned_neverTouchTheTable() throws Exception {
        world.cloud().calls().reset();

        LocalApp.Run dryRun = world.run(event("console-dry-run.json"));
        ObjectNode missing = event("console-apply.json");
        missing.put("configKey", "clusters/no-such-config.yaml");
        LocalApp.Run failed = world.run(missing);

        assertSucceeded(dryRun);
        assertTrue(dryRun.outputJson().path("planOnly").asBoolean());
        assertEquals("PodIdentityAutopilot.RunFailed", failed.error());
        assertTrue(world.statesEntered(failed).contains("ReleaseLock"), "the failure path releases too");
        assertEquals(0, world.cloud().calls().total("dynamodb"), () -> world.cloud().calls().snapshot().toString());
    }

    // ------------------------------------------------------------------ helpers

    private static String upload(String yaml) {
        return world.cloud().s3().putObject(b -> b.bucket(world.app().bucket()).key(KEY), RequestBody.fromString(yaml))
                .versionId();
    }

    private static ObjectNode apply(String version, String id) {
        ObjectNode in = event("console-apply.json");
        if (version != null) {
            in.put("configVersion", version);
        }
        ((ObjectNode) in.get("trigger")).put("id", "lock-test-" + id);
        return in;
    }

    private static ObjectNode create(String cluster, String serviceAccount) {
        ObjectNode in = event("console-create.json");
        in.put("cluster", cluster).put("namespace", "locks").put("serviceAccountName", serviceAccount);
        ((ObjectNode) in.get("trigger")).put("id", "lock-test-" + cluster + "-" + serviceAccount);
        return in;
    }

    private static String start(String name, JsonNode input) {
        return world.cloud().sfn().startExecution(b -> b.stateMachineArn(world.app().stateMachineArn()).name(name)
                .input(input.toString())).executionArn();
    }

    private static LocalApp.Run follow(String arn) throws InterruptedException {
        return world.app().follow(arn, world.progress::add, WorkflowWorld.TIMEOUT);
    }

    /** StopExecution once the run has entered its first state (moto answers 500 to a stop that comes sooner). */
    private static void abort(String arn) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            List<HistoryEvent> events = world.cloud().sfn().getExecutionHistory(b -> b.executionArn(arn)).events();
            if (events.stream().anyMatch(e -> e.stateEnteredEventDetails() != null)) {
                try {
                    world.cloud().sfn().stopExecution(r -> r.executionArn(arn).error("Test").cause("aborted by the test"));
                    break;
                } catch (software.amazon.awssdk.services.sfn.model.SfnException e) {
                    if (e.statusCode() < 500 || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
            Thread.sleep(100);
        }
        // moto's engine notices the stop at its next step
        String status;
        while ((status = world.cloud().sfn().describeExecution(b -> b.executionArn(arn)).statusAsString())
                .equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        // ABORTED, or already ended on its own before moto's engine saw the stop: either way a holder that no
        // longer runs, which is what the takeover is about
        assertNotEquals("RUNNING", status, "the execution still runs after being stopped");
    }

    /** When the run left LockAcquired? for the last time: the lock was won, and the first write may follow. */
    private static Instant lockWon(LocalApp.Run run) {
        return world.history(run).stream()
                .filter(e -> e.stateExitedEventDetails() != null && "LockAcquired?".equals(e.stateExitedEventDetails().name()))
                .map(HistoryEvent::timestamp).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("LockAcquired? never left: " + world.statesEntered(run)));
    }

    private static Instant entered(LocalApp.Run run, String state) {
        return world.history(run).stream()
                .filter(e -> e.stateEnteredEventDetails() != null && state.equals(e.stateEnteredEventDetails().name()))
                .map(HistoryEvent::timestamp).findFirst()
                .orElseThrow(() -> new AssertionError(state + " never entered: " + world.statesEntered(run)));
    }

    private static Instant ended(LocalApp.Run run) {
        List<HistoryEvent> events = world.history(run);
        return events.get(events.size() - 1).timestamp();
    }

    /** {@code $.lock} as each AcquireLock left it, in order. */
    private static List<JsonNode> locks(LocalApp.Run run) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (HistoryEvent e : world.history(run)) {
            if (e.stateExitedEventDetails() != null && "AcquireLock".equals(e.stateExitedEventDetails().name())) {
                out.add(ProjectFiles.JSON.readTree(e.stateExitedEventDetails().output()).path("lock"));
            }
        }
        assertFalse(out.isEmpty(), "AcquireLock never ran");
        return out;
    }

    private static JsonNode lastLock(LocalApp.Run run) throws Exception {
        List<JsonNode> all = locks(run);
        return all.get(all.size() - 1);
    }

    /** The AcquireLock that first won the lock (a later one, after a replan, only confirms it). */
    private static JsonNode wonLock(LocalApp.Run run) throws Exception {
        return locks(run).stream().filter(l -> l.path("acquired").asBoolean()).findFirst()
                .orElseThrow(() -> new AssertionError("the lock was never won"));
    }

    /**
     * Starts a real run that stays RUNNING for a while (onboarding new-cluster waits for it to become ACTIVE) and
     * writes a lease on dev-cluster in its name, as if it held that lock.
     */
    private static String holdDevCluster(String name, Instant expires) {
        world.justCreated("new-cluster"); // the holder waits for it, whatever the deploy after seeding took
        String holder = start(name, event("console-onboard.json"));
        putLease(LOCK_ID, name, holder, expires);
        return holder;
    }

    private static void putLease(String lockId, String owner, String ownerArn, Instant expires) {
        long now = Instant.now().getEpochSecond();
        world.cloud().dynamoDb().putItem(b -> b.tableName(world.app().lockTable()).item(Map.of(
                "lockId", AttributeValue.fromS(lockId), "owner", AttributeValue.fromS(owner),
                "ownerArn", AttributeValue.fromS(ownerArn), "acquiredAt", AttributeValue.fromN(Long.toString(now)),
                "expiresAt", AttributeValue.fromN(Long.toString(expires.getEpochSecond())))));
    }

    /** The lock is free: its item has no owner, and records when it was given back. */
    private static void assertFree() {
        Map<String, AttributeValue> item = lease();
        assertFalse(item.containsKey("owner"), () -> "lease left behind: " + item);
        assertTrue(item.containsKey("changedHandsAt"), () -> "no record of the release: " + item);
    }

    private static Map<String, AttributeValue> lease() {
        return world.cloud().dynamoDb().getItem(b -> b.tableName(world.app().lockTable()).consistentRead(true)
                .key(Map.of("lockId", AttributeValue.fromS(LOCK_ID)))).item();
    }

    private static Map<String, String> shopAssociations() {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode a : cluster(world.state(), "dev-cluster").path("podIdentityAssociations")) {
            if (a.path("namespace").asText().equals("shop")) {
                out.put("shop/" + a.path("serviceAccount").asText(), a.path("roleArn").asText());
            }
        }
        return out;
    }
}
