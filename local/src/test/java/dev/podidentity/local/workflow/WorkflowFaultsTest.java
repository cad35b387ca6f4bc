package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.ROLE_PREFIX;
import static dev.podidentity.local.workflow.WorkflowWorld.assertContains;
import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.association;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static dev.podidentity.local.workflow.WorkflowWorld.requireAssociation;
import static dev.podidentity.local.workflow.WorkflowWorld.requireRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.gateway.FaultRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Faults injected at the gateway into the AWS calls of real runs (the ASL on moto's Step Functions, the real
 * handlers): throttling storms and 5xx bursts, IAM propagation delay, a function crashing between creating a role and
 * creating its association, an event delivered three times, a config replaced while its run is in flight. After each,
 * the run's retries (or one rerun) converge; then {@link WorldInvariants} hold (nothing we do not own touched, no role
 * of ours without exactly one association, no association pointing at a missing role, the world is what the config
 * declares) and a further rerun makes no IAM or EKS write call. Fault rules pick calls by call count and seeded
 * draws, so a failure reproduces. Each test prints the faults it injected and the retries it saw.
 */
@WorkflowTest
class WorkflowFaultsTest {
    static final String CLUSTER = "dev-cluster";
    static final String KEY = "clusters/" + CLUSTER + ".yaml";
    static final String S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    static final String SQS_READ = "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess";
    static final String DYNAMODB_READ = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess";
    static final String SA1_ROLE = "autopilot-dev-cluster-default-sa1";
    static final String AGENT = "eks-pod-identity-agent";

    static WorkflowWorld world; // set by @WorkflowTest
    private String testName;
    private long started;
    private int injected;

    @BeforeEach
    void name(TestInfo info) {
        testName = info.getTestMethod().map(m -> m.getName()).orElse(info.getDisplayName());
        started = System.nanoTime();
    }

    /** The default world's config object: sa1 keeps its role (ours), orders-api gets a role we create. */
    static final String DEFAULT_CONFIG = ProjectFiles.read(ProjectFiles.root().resolve("local/worlds/default/dev-cluster.yaml"));

    static WorldInvariants.Declared defaultDeclared() {
        return new WorldInvariants.Declared(CLUSTER).addon(AGENT)
                .ownedRole("default", "sa1", SA1_ROLE)
                .createdRole("backend", "orders-api", S3_READ);
    }

    /** The agent and sa1 on its role of ours: what every config below starts with. */
    static final String AGENT_AND_SA1 = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: dev-cluster
            addons:
              - name: eks-pod-identity-agent
            iam:
              podIdentityAssociations:
                - namespace: default
                  serviceAccountName: sa1
                  roleARN: arn:aws:iam::111122223333:role/pod-identity-autopilot/autopilot-dev-cluster-default-sa1
            """;

    /** Five roles to create, so a storm has calls to hit. */
    static final String FIVE_ROLES = AGENT_AND_SA1 + """
                - namespace: backend
                  serviceAccountName: orders-api
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
                - namespace: backend
                  serviceAccountName: payments
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess]
                - namespace: backend
                  serviceAccountName: ledger
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess]
                - namespace: shop
                  serviceAccountName: cart
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess]
                - namespace: shop
                  serviceAccountName: search
                  permissionPolicyARNs:
                    - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
                    - arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess
            """;

    static WorldInvariants.Declared fiveRolesDeclared() {
        return new WorldInvariants.Declared(CLUSTER).addon(AGENT)
                .ownedRole("default", "sa1", SA1_ROLE)
                .createdRole("backend", "orders-api", S3_READ)
                .createdRole("backend", "payments", SQS_READ)
                .createdRole("backend", "ledger", DYNAMODB_READ)
                .createdRole("shop", "cart", DYNAMODB_READ)
                .createdRole("shop", "search", S3_READ, SQS_READ);
    }

    // ------------------------------------------------------------------ throttling and 5xx

    @Test
    void apply_whenIamWritesAreThrottledInAStorm_retriesConvergeWithinTheRun() throws Exception {
        world.upload(KEY, FIVE_ROLES);
        WorldInvariants invariants = WorldInvariants.before(world.state(), fiveRolesDeclared());
        // 70% of the first 40 IAM write calls answer Throttling: more in a row than the SDK makes attempts
        FaultRule storm = FaultRule.throttleStorm("iam", FaultRule.WRITES, 0.7, 40, 20261129L);
        world.cloud().faults().add(storm);

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        int fired = world.cloud().faults().fired(storm);
        assertTrue(fired >= 10, "the storm throttled " + fired + " calls");
        assertEquals(5, ownedRolesCreated(), "each role is created once, whatever the retries");
        convergedAndQuiet(invariants, FIVE_ROLES, run);
    }

    @Test
    void apply_whenEksCallsAreThrottledInAStorm_retriesConvergeWithinTheRun() throws Exception {
        world.upload(KEY, FIVE_ROLES);
        WorldInvariants invariants = WorldInvariants.before(world.state(), fiveRolesDeclared());
        // every EKS call, reads included (Resolve's DescribeCluster and listings, the agent's DescribeAddon)
        FaultRule storm = FaultRule.throttleStorm("eks", "*", 0.6, 40, 7L);
        world.cloud().faults().add(storm);

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        assertTrue(world.cloud().faults().fired(storm) >= 10, "the storm throttled " + world.cloud().faults().fired(storm));
        convergedAndQuiet(invariants, FIVE_ROLES, run);
    }

    @Test
    void apply_whenIamAndEksAnswer5xxInBursts_retriesConvergeWithinTheRun() throws Exception {
        world.upload(KEY, FIVE_ROLES);
        WorldInvariants invariants = WorldInvariants.before(world.state(), fiveRolesDeclared());
        FaultRule iam = FaultRule.serverErrorBurst("iam", "*", 500, 0.5, 40, 3L);
        FaultRule eks = FaultRule.serverErrorBurst("eks", "*", 503, 0.5, 30, 5L);
        world.cloud().faults().add(iam);
        world.cloud().faults().add(eks);

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        assertTrue(world.cloud().faults().fired(iam) >= 5 && world.cloud().faults().fired(eks) >= 5,
                "IAM 5xx " + world.cloud().faults().fired(iam) + ", EKS 5xx " + world.cloud().faults().fired(eks));
        assertEquals(5, ownedRolesCreated(), "each role is created once, whatever the retries");
        convergedAndQuiet(invariants, FIVE_ROLES, run);
    }

    // ------------------------------------------------------------------ IAM propagation

    @Test
    void apply_whenEksDoesNotSeeJustCreatedRolesForSeconds_createAndUpdateWaitAndConverge() throws Exception {
        // As on AWS: CreatePodIdentityAssociation / UpdatePodIdentityAssociation with a role created less than 3 s
        // ago fail with InvalidParameterException "Role provided in the request does not exist".
        world.cloud().eksEmulator().setRolePropagationDelay(Duration.ofSeconds(3));
        WorldInvariants invariants = WorldInvariants.before(world.state(), defaultDeclared());

        LocalApp.Run created = world.run(event("config-uploaded.json"));

        assertSucceeded(created);
        int refusedCreates = world.cloud().eksEmulator().rolePropagationRefusals();
        assertTrue(refusedCreates >= 1, "EKS refused the new role " + refusedCreates + " times");
        assertTrue(world.cloud().calls().count("eks", "CreatePodIdentityAssociation") >= 3,
                () -> world.cloud().calls().snapshot().toString());
        invariants.assertConverged(world.state());

        // the association moves to another new role: UpdatePodIdentityAssociation meets the same delay
        String renamed = DEFAULT_CONFIG.replace("      permissionPolicyARNs:", "      roleName: orders-api-v2\n      permissionPolicyARNs:");
        world.cloud().eksEmulator().setRolePropagationDelay(Duration.ofSeconds(3));
        world.upload(KEY, renamed);
        WorldInvariants.Declared moved = new WorldInvariants.Declared(CLUSTER).addon(AGENT)
                .ownedRole("default", "sa1", SA1_ROLE)
                .ownedRole("backend", "orders-api", "orders-api-v2", S3_READ);
        WorldInvariants movedInvariants = WorldInvariants.before(world.state(), moved);

        LocalApp.Run updated = world.run(event("config-uploaded.json"));

        assertSucceeded(updated);
        int refusedUpdates = world.cloud().eksEmulator().rolePropagationRefusals();
        assertTrue(refusedUpdates >= 1, "EKS refused the renamed role " + refusedUpdates + " times");
        assertTrue(world.cloud().calls().count("eks", "UpdatePodIdentityAssociation") >= 2,
                () -> world.cloud().calls().snapshot().toString());
        assertTrue(WorkflowWorld.role(world.state(), "dev-cluster+backend+orders-api").isEmpty(),
                "the role the association left is ours and unused: pruned");
        print("propagation refusals: create " + refusedCreates + ", update " + refusedUpdates);
        convergedAndQuiet(movedInvariants, renamed, created, updated);
    }

    // ------------------------------------------------------------------ a crash between role and association

    @Test
    void apply_whenFunctionCrashesRightAfterCreateRole_stateMachineRetriesAndConverges() throws Exception {
        WorldInvariants invariants = WorldInvariants.before(world.state(), defaultDeclared());
        world.cloud().faults().add(FaultRule.crashAfter("iam", "CreateRole", 1));

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        List<String> crashes = failures(run).stream().filter(f -> f.startsWith("Runtime.ExitError")).toList();
        assertEquals(1, crashes.size(), () -> "one crashed invocation in the history: " + failures(run));
        assertContains(crashes.get(0), "Runtime exited with error");
        assertEquals(2, world.cloud().calls().count("iam", "CreateRole"),
                "the retried invocation creates the role again and finds it there");
        // The crash took the whole batch with it before it wrote its outcomes, so the retried batch replays every
        // step of it trusting the plan: an association that was already created answers "already exists" and is
        // read, not created twice (the invariants count one association per role).
        long creates = world.cloud().calls().count("eks", "CreatePodIdentityAssociation");
        assertTrue(creates >= 2 && creates <= 3, "two associations, the replayed one refused as existing: "
                + world.cloud().calls().snapshot());
        convergedAndQuiet(invariants, DEFAULT_CONFIG, run);
    }

    @Test
    void apply_whenFunctionCrashesAfterCreateRoleOnEveryAttempt_runFailsAndRerunAttachesTheRole() throws Exception {
        WorldInvariants invariants = WorldInvariants.before(world.state(), defaultDeclared());
        FaultRule crash = FaultRule.crashAfter("iam", "CreateRole", 100);
        world.cloud().faults().add(crash);

        LocalApp.Run failed = world.run(event("config-uploaded.json"));

        assertEquals("FAILED", failed.status());
        assertEquals("PodIdentityAutopilot.StepsFailed", failed.error());
        assertEquals(4, world.cloud().faults().fired(crash), "the first attempt and three retries all crashed");
        JsonNode report = world.report(failed, CLUSTER);
        // A crashed batch wrote no outcomes: every step of it is reported FAILED with the crash (a step that did
        // finish before the crash says so on the rerun, as UNCHANGED)
        JsonNode failedSteps = report.path("summary").path("failed");
        List<String> failedIds = new ArrayList<>();
        failedSteps.forEach(f -> {
            failedIds.add(f.path("stepId").asText());
            assertEquals("Runtime.ExitError", f.path("error").asText(), failedSteps::toPrettyString);
        });
        assertTrue(failedIds.contains("associate/backend/orders-api"), failedSteps::toPrettyString);
        // the fault left what the issue is about: a role of ours and no association for it yet
        JsonNode half = world.state();
        requireRole(half, "dev-cluster+backend+orders-api");
        assertTrue(association(half, CLUSTER, "backend", "orders-api").isEmpty());
        AssertionError orphan = assertThrows(AssertionError.class, () -> WorldInvariants.assertConsistent(half, CLUSTER, Set.of()));
        assertContains(orphan.getMessage(), "role dev-cluster+backend+orders-api (ours) has 0 associations");
        invariants.assertNothingElseTouched(half);

        clearFaults();
        world.upload(KEY, DEFAULT_CONFIG);
        LocalApp.Run rerun = world.run(event("config-uploaded.json"));

        assertSucceeded(rerun);
        assertEquals(ROLE_PREFIX + "pod-identity-autopilot/dev-cluster+backend+orders-api",
                requireAssociation(world.state(), CLUSTER, "backend", "orders-api").path("roleArn").asText());
        convergedAndQuiet(invariants, DEFAULT_CONFIG, failed, rerun);
    }

    // ------------------------------------------------------------------ redelivery and replaced configs

    @Test
    void dispatcher_whenTheSameUploadEventArrivesThreeTimesAtOnce_oneExecutionMakesOneSetOfWrites() throws Exception {
        WorldInvariants invariants = WorldInvariants.before(world.state(), defaultDeclared());
        JsonNode uploaded = event("config-uploaded.json");
        ExecutorService deliveries = Executors.newFixedThreadPool(3);
        List<Future<LocalApp.Delivery>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                List<String> progress = Collections.synchronizedList(new ArrayList<>());
                answers.add(deliveries.submit(() -> world.app().deliver(uploaded, progress::add, WorkflowWorld.TIMEOUT)));
            }
            Set<String> executions = new TreeSet<>();
            LocalApp.Run run = null;
            for (Future<LocalApp.Delivery> answer : answers) {
                for (LocalApp.Run r : answer.get(2, TimeUnit.MINUTES).runs()) {
                    executions.add(r.executionArn());
                    run = r;
                }
            }
            assertEquals(1, executions.size(), "executions followed: " + executions);
            assertEquals(1, executionCount());
            assertSucceeded(run);
            // one set of writes: what a single delivery makes
            assertEquals(1, world.cloud().calls().count("iam", "CreateRole"), world.cloud().calls().snapshot()::toString);
            assertEquals(2, world.cloud().calls().count("eks", "CreatePodIdentityAssociation"),
                    world.cloud().calls().snapshot()::toString);
            assertEquals(1, world.cloud().calls().count("eks", "CreateAddon"), world.cloud().calls().snapshot()::toString);
            // and a fourth delivery, after the run ended, starts nothing
            assertTrue(world.deliver(uploaded).runs().isEmpty());
            assertEquals(1, executionCount());
            convergedAndQuiet(invariants, DEFAULT_CONFIG, run);
        } finally {
            deliveries.shutdownNow();
        }
    }

    /** The default config with orders-api replaced by payments. */
    static final String REPLACEMENT = AGENT_AND_SA1 + """
                - namespace: backend
                  serviceAccountName: payments
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess]
            """;

    @Test
    void apply_whenConfigIsReplacedWhileItsRunIsInFlight_theStaleRunStandsDownAndTheNewOneConverges() throws Exception {
        WorldInvariants.Declared replaced = new WorldInvariants.Declared(CLUSTER).addon(AGENT)
                .ownedRole("default", "sa1", SA1_ROLE)
                .createdRole("backend", "payments", SQS_READ);
        WorldInvariants invariants = WorldInvariants.before(world.state(), replaced);
        String firstVersion = world.cloud().s3().headObject(b -> b.bucket(world.app().bucket()).key(KEY)).versionId();
        // hold the first run's config read for 3 s, so the object is replaced while that run plans
        world.cloud().faults().add(new FaultRule("s3", "GetObject", FaultRule.Kind.LATENCY, 3000, 0, 1, null, 0));
        world.cloud().calls().reset();
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            List<String> progress = Collections.synchronizedList(new ArrayList<>());
            Future<LocalApp.Delivery> first = background.submit(
                    () -> world.app().deliver(event("config-uploaded.json"), progress::add, WorkflowWorld.TIMEOUT));
            waitFor(() -> executionCount() == 1, "the first run to start");
            world.upload(KEY, REPLACEMENT);
            String secondVersion = world.cloud().s3().headObject(b -> b.bucket(world.app().bucket()).key(KEY)).versionId();
            LocalApp.Run firstRun = first.get(2, TimeUnit.MINUTES).runs().get(0);

            // the first run read its own version, then found it replaced: it applied nothing of a stale config
            assertSucceeded(firstRun);
            JsonNode firstReport = world.report(firstRun, CLUSTER);
            assertEquals(firstVersion, firstReport.path("input").path("configVersion").asText(), firstReport::toPrettyString);
            JsonNode superseded = firstReport.path("summary").path("plan").path("superseded");
            assertEquals(secondVersion, superseded.path("currentVersion").asText(), firstReport::toPrettyString);
            assertEquals(0, world.cloud().calls().writes("iam") + world.cloud().calls().writes("eks"),
                    () -> "a superseded run wrote: " + world.cloud().calls().snapshot());

            LocalApp.Run secondRun = world.run(event("config-uploaded.json"));

            assertSucceeded(secondRun);
            JsonNode secondReport = world.report(secondRun, CLUSTER);
            assertEquals(secondVersion, secondReport.path("input").path("configVersion").asText());
            JsonNode state = world.state();
            assertTrue(association(state, CLUSTER, "backend", "orders-api").isEmpty(), "the first version's association is pruned");
            assertTrue(WorkflowWorld.role(state, "dev-cluster+backend+orders-api").isEmpty(), "and its role, ours, deleted");
            convergedAndQuiet(invariants, REPLACEMENT, firstRun, secondRun);
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void consoleApply_ofAnOlderVersion_isARollbackAndIsNeverSuperseded() throws Exception {
        String firstVersion = world.cloud().s3().headObject(b -> b.bucket(world.app().bucket()).key(KEY)).versionId();
        world.upload(KEY, REPLACEMENT);
        com.fasterxml.jackson.databind.node.ObjectNode rollback = ProjectFiles.JSON.createObjectNode();
        rollback.put("action", "apply").put("cluster", CLUSTER).put("configKey", KEY).put("configVersion", firstVersion);
        rollback.putObject("trigger").put("type", "console").put("id", "rollback-" + System.nanoTime());

        LocalApp.Run run = world.run(rollback);

        assertSucceeded(run);
        JsonNode report = world.report(run, CLUSTER);
        assertTrue(report.path("summary").path("plan").path("superseded").isMissingNode(), report::toPrettyString);
        requireAssociation(world.state(), CLUSTER, "backend", "orders-api");
    }

    @Test
    void apply_whenRunsForTwoVersionsOverlap_theNewerVersionWinsWithoutARerun() throws Exception {
        WorldInvariants.Declared replaced = new WorldInvariants.Declared(CLUSTER).addon(AGENT)
                .ownedRole("default", "sa1", SA1_ROLE)
                .createdRole("backend", "payments", SQS_READ);
        WorldInvariants invariants = WorldInvariants.before(world.state(), replaced);
        String firstVersion = world.cloud().s3().headObject(b -> b.bucket(world.app().bucket()).key(KEY)).versionId();
        world.cloud().faults().add(new FaultRule("s3", "GetObject", FaultRule.Kind.LATENCY, 2000, 0, 1, null, 0));
        ExecutorService background = Executors.newFixedThreadPool(2);
        try {
            Future<LocalApp.Delivery> first = background.submit(() -> world.app().deliver(event("config-uploaded.json"),
                    Collections.synchronizedList(new ArrayList<String>())::add, WorkflowWorld.TIMEOUT));
            waitFor(() -> executionCount() == 1, "the first run to start");
            world.upload(KEY, REPLACEMENT);
            // the second upload's event arrives while the first run is still in flight
            Future<LocalApp.Delivery> second = background.submit(() -> world.app().deliver(event("config-uploaded.json"),
                    Collections.synchronizedList(new ArrayList<String>())::add, WorkflowWorld.TIMEOUT));
            LocalApp.Run firstRun = first.get(2, TimeUnit.MINUTES).runs().get(0);
            List<LocalApp.Run> secondRuns = second.get(2, TimeUnit.MINUTES).runs();

            assertEquals(2, executionCount(), "two uploads, two executions");
            assertEquals(firstVersion, world.report(firstRun, CLUSTER).path("input").path("configVersion").asText());
            assertFalse(secondRuns.isEmpty(), "the second upload started its own run");
            // The lock keeps the two runs' writes apart, and the run of the replaced version stands down (it finds a
            // newer version current after reading its own, or when it re-plans after waiting for the lock): the
            // world is the newer config's as soon as both have ended, with no rerun.
            assertSucceeded(firstRun);
            assertSucceeded(secondRuns.get(0));
            JsonNode overlapped = world.state();
            print("after the overlapping runs: associations " + WorkflowWorld.associationKeys(overlapped, CLUSTER));
            invariants.assertConverged(overlapped);
            convergedAndQuiet(invariants, REPLACEMENT, firstRun, secondRuns.get(0));
        } finally {
            background.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The invariants hold now; then the same config uploaded again runs without one IAM or EKS write call. */
    private void convergedAndQuiet(WorldInvariants invariants, String config, LocalApp.Run... runs) throws Exception {
        printStats(runs);
        clearFaults();
        world.cloud().eksEmulator().setRolePropagationDelay(Duration.ZERO);
        JsonNode converged = world.state();
        invariants.assertConverged(converged);

        world.upload(KEY, config);
        world.cloud().calls().reset();
        LocalApp.Run rerun = world.run(event("config-uploaded.json"));

        assertSucceeded(rerun);
        assertEquals(0, world.cloud().calls().writes("iam") + world.cloud().calls().writes("eks"),
                () -> "a rerun after convergence wrote: " + world.cloud().calls().snapshot());
        assertEquals(0, world.report(rerun, CLUSTER).path("summary").path("plan").path("changes").asInt(),
                () -> world.report(rerun, CLUSTER).path("summary").toPrettyString());
        JsonNode after = world.state();
        invariants.assertConverged(after);
        assertEquals(WorkflowWorld.withoutTimestamps(converged).path("iam"), WorkflowWorld.withoutTimestamps(after).path("iam"),
                "the quiet rerun changed IAM");
        assertEquals(WorkflowWorld.withoutTimestamps(converged).path("clusters"),
                WorkflowWorld.withoutTimestamps(after).path("clusters"), "the quiet rerun changed a cluster");
    }

    /** Removes the fault rules, keeping count of what they injected for the printed line. */
    private void clearFaults() {
        injected += world.cloud().faults().firedTotal();
        world.cloud().faults().clear();
    }

    private int ownedRolesCreated() {
        int owned = 0;
        for (JsonNode role : world.state().path("iam").path("roles")) {
            if (WorldInvariants.ownedFor(role.path("tags"), CLUSTER) && !role.path("name").asText().equals(SA1_ROLE)) {
                owned++;
            }
        }
        return owned;
    }

    /** Every failed task attempt in the run's history, as "error: cause" (retried ones and caught ones). */
    private static List<String> failures(LocalApp.Run run) {
        List<String> out = new ArrayList<>();
        for (HistoryEvent e : world.history(run)) {
            if (e.taskFailedEventDetails() != null) {
                out.add(e.taskFailedEventDetails().error() + ": " + e.taskFailedEventDetails().cause());
            } else if (e.lambdaFunctionFailedEventDetails() != null) {
                out.add(e.lambdaFunctionFailedEventDetails().error() + ": " + e.lambdaFunctionFailedEventDetails().cause());
            }
        }
        return out;
    }

    private void printStats(LocalApp.Run... runs) {
        Map<String, Integer> byError = new TreeMap<>();
        int failed = 0;
        for (LocalApp.Run run : runs) {
            for (String f : failures(run)) {
                failed++;
                String error = f.substring(0, f.indexOf(':'));
                byError.merge(error.substring(error.lastIndexOf('.') + 1), 1, Integer::sum);
            }
        }
        print(String.format("%d faults injected; %d failed task attempts (retried or caught) %s; iam %d calls (%d writes),"
                        + " eks %d calls (%d writes); %d run(s): %s; %.1f s so far",
                injected + world.cloud().faults().firedTotal(), failed, byError, world.cloud().calls().total("iam"),
                world.cloud().calls().writes("iam"), world.cloud().calls().total("eks"), world.cloud().calls().writes("eks"),
                runs.length, java.util.Arrays.stream(runs).map(LocalApp.Run::status).toList(),
                (System.nanoTime() - started) / 1e9));
    }

    private void print(String line) {
        System.out.println("[faults] " + testName + ": " + line);
    }

    private static int executionCount() {
        return world.cloud().sfn().listExecutions(b -> b.stateMachineArn(world.app().stateMachineArn())).executions().size();
    }

    private static void waitFor(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.call()) {
            assertFalse(System.nanoTime() > deadline, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }
}
