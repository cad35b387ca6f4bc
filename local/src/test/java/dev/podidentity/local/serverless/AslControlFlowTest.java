package dev.podidentity.local.serverless;

import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.ProjectFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.local.junit.LocalCloudExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The real statemachine/pod-identity.asl.json, executed by moto's Step Functions engine, with scripted stand-ins for
 * the task functions registered in the local cloud's gateway. What is under test is the ASL's control flow and data
 * contract (what each task receives, where its result goes, what happens on errors), not the product handlers.
 *
 * <p>Two test-only changes to the definition: the function ARNs and the Map concurrency are substituted as
 * CloudFormation would, and every Wait lasts 1 s instead of 30 s or 10 s (the definition test checks the real ones).
 */
class AslControlFlowTest {
    static final String ACCOUNT = "111122223333";
    static final String REGION = "us-west-2";
    static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{(\\w+)}");

    @RegisterExtension
    static final LocalCloudExtension LOCAL = LocalCloudExtension.empty(ACCOUNT, REGION);

    /** Which scripted task answers for each function the definition names. */
    static final Map<String, ScriptedTask> SCRIPTS = new ConcurrentHashMap<>();
    /** Every invocation, in arrival order: function name and payload. */
    static final ConcurrentLinkedQueue<Call> CALLS = new ConcurrentLinkedQueue<>();
    static final AtomicInteger RUNS = new AtomicInteger();
    static String machineArn;

    record Call(String function, JsonNode payload) {
    }

    @FunctionalInterface
    interface ScriptedTask {
        Object answer(JsonNode payload) throws Exception;
    }

    @BeforeAll
    static void createStateMachine() {
        String asl = ProjectFiles.read(ProjectFiles.stateMachine());
        Matcher m = SUBSTITUTION.matcher(asl);
        StringBuilder definition = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = key.equals("MapMaxConcurrency") ? "2"
                    : "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + functionName(key) + ":live";
            m.appendReplacement(definition, Matcher.quoteReplacement(value));
        }
        m.appendTail(definition);
        String fast = definition.toString().replaceAll("\"Seconds\": \\d+", "\"Seconds\": 1");
        for (String key : List.of("Resolve", "ClusterStatus", "InstallAgent", "TrustPolicy", "Association", "Addon", "Prune", "Report",
                "Lock")) {
            String name = functionName(key + "FunctionArn");
            LOCAL.cloud().lambdas().register(name, payload -> {
                JsonNode request = ProjectFiles.JSON.readTree(payload);
                CALLS.add(new Call(name, request));
                ScriptedTask script = SCRIPTS.get(name);
                if (script == null) {
                    throw new IllegalStateException("test did not script " + name);
                }
                return ProjectFiles.JSON.writeValueAsString(script.answer(request));
            });
        }
        machineArn = LOCAL.cloud().sfn().createStateMachine(r -> r.name("pod-identity-asl").definition(fast)
                .roleArn("arn:aws:iam::" + ACCOUNT + ":role/pod-identity-asl")).stateMachineArn();
    }

    /** ResolveFunctionArn -> asl-resolve, ClusterStatusFunctionArn -> asl-cluster-status. */
    static String functionName(String substitution) {
        String base = substitution.substring(0, substitution.length() - "FunctionArn".length());
        return "asl-" + base.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    @BeforeEach
    void scriptDefaults() {
        SCRIPTS.clear();
        CALLS.clear();
        SCRIPTS.put("asl-report", AslControlFlowTest::report);
        for (String phase : List.of("asl-trust-policy", "asl-association", "asl-addon", "asl-prune")) {
            SCRIPTS.put(phase, AslControlFlowTest::succeeded);
        }
        SCRIPTS.put("asl-install-agent", p -> outcome("agent/eks-pod-identity-agent", "created"));
        SCRIPTS.put("asl-lock", AslControlFlowTest::freeLock);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void planOnly_endsWithThePlanText_andRunsNothingElse() throws Exception {
        JsonNode input = ProjectFiles.readJson(ProjectFiles.event("console-dry-run.json"));
        SCRIPTS.put("asl-resolve", p -> run("apply", "dev-cluster").put("planOnly", true)
                .put("planText", "(plan) would create pod identity association default/sa1\n... 3 more lines: the "
                        + "full plan is in s3://b/runs/dev-cluster/x/plan.json"));

        DescribeExecutionResponse done = execute("plan-only", input);

        assertEquals(ExecutionStatus.SUCCEEDED, done.status());
        JsonNode output = ProjectFiles.JSON.readTree(done.output());
        assertTrue(output.path("planOnly").asBoolean());
        assertTrue(output.path("planText").asText().startsWith("(plan) would create pod identity association default/sa1"));
        assertEquals("dev-cluster", output.path("cluster").asText());
        assertEquals("runs/dev-cluster/x/plan.json", output.path("planKey").asText(), "where the whole plan is");
        // then only ReportPlan (the Report function, stage plan): the plan's Markdown report, linked from the output
        assertEquals(List.of("asl-resolve", "asl-report"), functions());
        assertEquals("plan", CALLS.stream().filter(c -> c.function().equals("asl-report")).findFirst().orElseThrow()
                .payload().path("stage").asText());
        assertTrue(output.path("reportMarkdownKey").asText().startsWith("reports/dev-cluster/plan-only-"),
                output::toString);
        JsonNode resolve = CALLS.peek().payload();
        assertEquals(List.of("execution", "input"), fieldNames(resolve));
        assertEquals(input, resolve.path("input"), "Resolve receives the execution input unchanged");
        assertTrue(resolve.path("execution").asText().startsWith("plan-only-"), "and the name that keys its plan");
    }

    @Test
    void onboarding_waitsForTheCluster_installsTheAgent_waitsForIt_thenRunsEveryPhaseAndReports() throws Exception {
        ObjectNode resolved = installsAgent(run("onboard", "new-cluster").put("waitForCluster", true));
        resolved.set("trust", batches("trust", 1));
        resolved.set("associate", batches("associate", 2));
        resolved.set("addons", batches("addons", 1));
        resolved.set("prune", batches("prune", 1));
        // Resolve on a cluster still being created plans the wait; once it is ACTIVE the run plans again
        ObjectNode replanned = resolved.deepCopy().put("waitForCluster", false);
        java.util.concurrent.atomic.AtomicInteger resolves = new java.util.concurrent.atomic.AtomicInteger();
        SCRIPTS.put("asl-resolve", p -> resolves.getAndIncrement() == 0 ? resolved : replanned);
        SCRIPTS.put("asl-cluster-status", p -> {
            int attempt = p.path("attempt").asInt();
            boolean cluster = p.path("kind").asText().equals("cluster");
            boolean active = attempt >= (cluster ? 2 : 1);
            return ProjectFiles.JSON.createObjectNode().put("status", active ? "ACTIVE" : "CREATING").put("done", active)
                    .put("failed", false).put("attempt", attempt + 1).put("giveUp", false);
        });

        DescribeExecutionResponse done = execute("onboard", ProjectFiles.readJson(ProjectFiles.event("console-onboard.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), done.toString());
        assertEquals(List.of("asl-resolve", "asl-cluster-status", "asl-cluster-status", "asl-cluster-status",
                "asl-resolve", "asl-install-agent"), functions().subList(0, 6));
        // then the phases and the agent's two polls side by side; the Report once both are done
        assertEquals(5, java.util.Collections.frequency(functions(), "asl-cluster-status"), functions()::toString);
        assertEquals("asl-report", functions().get(functions().size() - 1));
        List<JsonNode> polls = payloads("asl-cluster-status");
        assertEquals(List.of(0, 1, 2, 0, 1), polls.stream().map(p -> p.path("attempt").asInt()).toList(),
                "each poll passes on the attempt count the previous one returned");
        assertEquals(ProjectFiles.JSON.createObjectNode().put("kind", "cluster").put("action", "onboard")
                .put("cluster", "new-cluster").put("attempt", 0), polls.get(0), "offboard waits for gone, not ACTIVE");
        assertEquals(ProjectFiles.JSON.createObjectNode().put("kind", "addon").put("action", "onboard")
                .put("cluster", "new-cluster").put("addon", "eks-pod-identity-agent").put("attempt", 0), polls.get(3));
        JsonNode agent = payloads("asl-install-agent").get(0);
        assertEquals("new-cluster", agent.path("cluster").asText());
        assertTrue(agent.path("execution").asText().startsWith("onboard-"));
        assertEquals(resolved.path("agent"), agent.path("step"), "the plan's agent step, as Resolve passed it on");

        List<JsonNode> associations = payloads("asl-association");
        assertEquals(2, associations.size(), "one invocation per batch");
        JsonNode association = associations.stream().filter(a -> a.path("batch").path("batch").asInt() == 1)
                .findFirst().orElseThrow();
        assertEquals(List.of("batch", "execution", "planKey"), fieldNames(association),
                "a batch descriptor, the plan's key and the execution name, nothing more");
        assertEquals(resolved.path("associate").get(1), association.path("batch"));
        assertEquals(PLAN_KEY, association.path("planKey").asText());

        JsonNode report = payloads("asl-report").get(0);
        assertEquals(ProjectFiles.readJson(ProjectFiles.event("console-onboard.json")), report.path("input"));
        assertEquals(replanned, report.path("run"), "the plan made on the ACTIVE cluster is the one reported");
        assertTrue(report.path("error").isNull());
        assertEquals("created", report.path("outcomes").path("agent").path("result").asText());
        assertEquals(1, report.path("outcomes").path("trust").size());
        assertEquals(2, report.path("outcomes").path("associate").size(), "one small result per batch");
        assertEquals(1, report.path("outcomes").path("addons").size());
        assertEquals(1, report.path("outcomes").path("prune").size());
        assertEquals(1, report.path("outcomes").path("associate").get(1).path("batch").asInt(), "in batch order");
        assertTrue(report.path("execution").path("name").asText().startsWith("onboard-"));
        assertEquals("SUCCEEDED", ProjectFiles.JSON.readTree(done.output()).path("status").asText(), "the output is the report");
    }

    @Test
    void clusterWait_replansOnceOnActive_evenIfResolveStillAsksToWait() throws Exception {
        ObjectNode resolved = run("onboard", "new-cluster").put("waitForCluster", true);
        SCRIPTS.put("asl-resolve", p -> resolved);
        SCRIPTS.put("asl-cluster-status", p -> ProjectFiles.JSON.createObjectNode().put("status", "ACTIVE")
                .put("done", true).put("failed", false).put("attempt", p.path("attempt").asInt() + 1)
                .put("giveUp", false));

        DescribeExecutionResponse done = execute("onboard", ProjectFiles.readJson(ProjectFiles.event("console-onboard.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), done.toString());
        assertEquals(2, java.util.Collections.frequency(functions(), "asl-resolve"), functions()::toString);
    }

    @Test
    void agentPresentButNotActive_isWaitedFor_besideTheAssociations_withoutInstallingIt() throws Exception {
        ObjectNode resolved = run("apply", "dev-cluster").put("waitForAgent", true);
        resolved.set("associate", batches("associate", 1));
        SCRIPTS.put("asl-resolve", p -> resolved);
        SCRIPTS.put("asl-cluster-status", p -> {
            int attempt = p.path("attempt").asInt() + 1;
            return ProjectFiles.JSON.createObjectNode().put("status", attempt < 3 ? "CREATING" : "ACTIVE")
                    .put("done", attempt >= 3).put("failed", false).put("attempt", attempt).put("giveUp", false);
        });

        DescribeExecutionResponse done = execute("agent-wait", ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), String.valueOf(done.cause()));
        List<String> functions = functions();
        assertEquals("asl-resolve", functions.get(0));
        assertEquals(List.of("asl-association", "asl-cluster-status", "asl-cluster-status", "asl-cluster-status",
                "asl-report", "asl-resolve"), functions.stream().sorted().toList(), functions::toString);
        assertTrue(functions.indexOf("asl-association") < functions.lastIndexOf("asl-cluster-status"),
                "the association does not wait for the agent (two polls and two waits of a second): " + functions);
        assertEquals("asl-report", functions.get(functions.size() - 1), "the run reports once the agent is ACTIVE");
        assertTrue(payloads("asl-cluster-status").stream().allMatch(p -> p.path("kind").asText().equals("addon")));
        assertTrue(payloads("asl-report").get(0).path("outcomes").path("agent").isNull(), "no agent outcome: nothing was installed");
    }

    @Test
    void agentThatFails_failsTheRun_withWhatWasDoneBesideItReported() throws Exception {
        ObjectNode resolved = installsAgent(run("onboard", "new-cluster"));
        resolved.set("associate", batches("associate", 1));
        SCRIPTS.put("asl-resolve", p -> resolved);
        SCRIPTS.put("asl-cluster-status", p -> ProjectFiles.JSON.createObjectNode().put("status", "CREATE_FAILED")
                .put("done", false).put("failed", true).put("attempt", p.path("attempt").asInt() + 1).put("giveUp", false));

        DescribeExecutionResponse done = execute("agent-fails", ProjectFiles.readJson(ProjectFiles.event("console-onboard.json")));

        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals("PodIdentityAutopilot.RunFailed", done.error());
        List<String> functions = functions();
        assertEquals(List.of("asl-resolve", "asl-install-agent"), functions.subList(0, 2), "the agent addon exists first");
        assertEquals(java.util.Set.of("asl-cluster-status", "asl-association"), java.util.Set.copyOf(functions.subList(2, 4)),
                "then the associations do not wait for it: " + functions);
        assertEquals("asl-report", functions.get(4));
        JsonNode report = payloads("asl-report").get(0);
        assertEquals(1, report.path("outcomes").path("associate").size(), "what was done beside the agent is reported");
        assertEquals("PodIdentityAutopilot.AgentNotActive", report.path("error").path("Error").asText());
        assertEquals("the eks-pod-identity-agent addon is CREATE_FAILED after 1 status checks", report.path("error").path("Cause").asText());
        assertEquals("created", report.path("outcomes").path("agent").path("result").asText(), "what was done is still reported");
    }

    @Test
    void oneFailingBatch_doesNotStopTheOthers_andTheRunFailsWithEveryResultReported() throws Exception {
        ObjectNode resolved = run("apply", "dev-cluster");
        resolved.set("associate", batches("associate", 3));
        resolved.set("prune", batches("prune", 1));
        SCRIPTS.put("asl-resolve", p -> resolved);
        SCRIPTS.put("asl-association", p -> {
            if (p.path("batch").path("batch").asInt() == 1) {
                throw new ConflictException("cannot read runs/dev-cluster/x/plan.json");
            }
            return succeeded(p);
        });

        DescribeExecutionResponse done = execute("one-fails", ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals("PodIdentityAutopilot.StepsFailed", done.error());
        assertEquals("1 of 4 batches failed: associate-1", done.cause());
        assertEquals(3, payloads("asl-association").size(), "the other batches ran");
        assertEquals(1, payloads("asl-prune").size(), "later phases still ran");
        JsonNode results = payloads("asl-report").get(0).path("outcomes").path("associate");
        assertEquals(3, results.size());
        JsonNode failed = results.get(1);
        assertEquals(ProjectFiles.JSON.createObjectNode().put("phase", "associate").put("batch", 1)
                .put("result", "FAILED").put("error", ConflictException.class.getName()), ((ObjectNode) failed.deepCopy()).without("cause"),
                "the batch, named for the Report, which marks its steps without an outcome FAILED");
        assertTrue(failed.path("cause").asText().contains("cannot read runs/dev-cluster/x/plan.json"), failed.toString());
        assertEquals(0, results.get(0).path("failed").asInt());
        assertEquals(2, results.get(2).path("batch").asInt());
    }

    /**
     * Every task that can fail for good, one run each: the run still reaches the Report, and the lock it took is
     * given back after it. A failed batch is recorded and the later phases still run; any other failure goes straight
     * to the Report.
     */
    @Test
    void everyFailurePath_endsWithTheReport_andReleasesTheLock() throws Exception {
        Map<String, java.util.function.Consumer<ObjectNode>> failures = new java.util.LinkedHashMap<>();
        ScriptedTask fails = p -> {
            throw new ConflictException("injected failure");
        };
        failures.put("asl-resolve", resolved -> SCRIPTS.put("asl-resolve", fails));
        failures.put("asl-lock:acquire", resolved -> SCRIPTS.put("asl-lock", p -> {
            if (p.path("operation").asText().equals("acquire")) {
                throw new ConflictException("injected failure");
            }
            return freeLock(p);
        }));
        failures.put("asl-cluster-status:cluster", resolved -> SCRIPTS.put("asl-cluster-status", fails));
        failures.put("asl-install-agent", resolved -> SCRIPTS.put("asl-install-agent", fails));
        failures.put("asl-cluster-status:addon", resolved -> SCRIPTS.put("asl-cluster-status", p -> {
            if (p.path("kind").asText().equals("addon")) {
                throw new ConflictException("injected failure");
            }
            return ProjectFiles.JSON.createObjectNode().put("status", "ACTIVE").put("done", true).put("failed", false)
                    .put("attempt", 1).put("giveUp", false);
        }));
        for (String phase : List.of("asl-trust-policy", "asl-association", "asl-addon", "asl-prune")) {
            failures.put(phase, resolved -> SCRIPTS.put(phase, fails));
        }
        failures.put("asl-report", resolved -> SCRIPTS.put("asl-report", fails));

        List<String> problems = new ArrayList<>();
        for (var failure : failures.entrySet()) {
            scriptDefaults();
            ObjectNode resolved = installsAgent(run("onboard", "dev-cluster").put("waitForCluster", true));
            for (String phase : List.of("trust", "associate", "addons", "prune")) {
                resolved.set(phase, batches(phase, 1));
            }
            SCRIPTS.put("asl-resolve", p -> resolved);
            SCRIPTS.put("asl-cluster-status", p -> ProjectFiles.JSON.createObjectNode().put("status", "ACTIVE")
                    .put("done", true).put("failed", false).put("attempt", 1).put("giveUp", false));
            failure.getValue().accept(resolved);

            DescribeExecutionResponse done = execute("fails-" + failure.getKey().replaceAll("[^a-z-]", "-"),
                    ProjectFiles.readJson(ProjectFiles.event("console-onboard.json")));

            List<String> calls = allCalls();
            String what = failure.getKey() + " -> " + done.status() + " " + done.error() + ": " + calls;
            if (done.status() != ExecutionStatus.FAILED) {
                problems.add(what + " (not FAILED)");
            }
            if (!calls.contains("asl-report")) {
                problems.add(what + " (no Report)");
            }
            boolean acquired = calls.contains("asl-lock:acquire");
            if (acquired && !calls.get(calls.size() - 1).equals("asl-lock:release")) {
                problems.add(what + " (the lock is not released last)");
            }
            if (calls.indexOf("asl-report") != calls.lastIndexOf("asl-report")) {
                problems.add(what + " (more than one Report)");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void retryableException_isRetried_andTheRunSucceeds() throws Exception {
        ObjectNode resolved = run("migrate-to-pod-identity", "dev-cluster");
        resolved.set("trust", batches("trust", 1));
        SCRIPTS.put("asl-resolve", p -> resolved);
        AtomicInteger attempts = new AtomicInteger();
        SCRIPTS.put("asl-trust-policy", p -> {
            if (attempts.incrementAndGet() == 1) {
                throw new RetryableException("Throttling: Rate exceeded (UpdateAssumeRolePolicy)");
            }
            return summary(p, "UPDATED");
        });

        DescribeExecutionResponse done = execute("retry", ProjectFiles.readJson(ProjectFiles.event("console-migrate-approve.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), String.valueOf(done.cause()));
        assertEquals(2, attempts.get());
        JsonNode trust = payloads("asl-report").get(0).path("outcomes").path("trust");
        assertEquals(1, trust.size());
        assertEquals(50, trust.get(0).path("counts").path("UPDATED").asInt());
        assertEquals(2, payloads("asl-trust-policy").size(), "the same batch, invoked again");
        assertEquals(payloads("asl-trust-policy").get(0), payloads("asl-trust-policy").get(1));
    }

    @Test
    void invalidInput_goesStraightToTheReport_andFailsTheRun() throws Exception {
        SCRIPTS.put("asl-resolve", p -> {
            throw new InvalidInputException("clusters/dev-cluster.yaml is invalid",
                    List.of("iam.podIdentityAssociations[0].namespace must be set",
                            "iam.podIdentityAssociations[1].roleARN is not an IAM role ARN"));
        });

        DescribeExecutionResponse done = execute("invalid", ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals("PodIdentityAutopilot.RunFailed", done.error());
        assertEquals(List.of("asl-resolve", "asl-report"), functions(), "nothing writes after a refused request");
        JsonNode report = payloads("asl-report").get(0);
        assertEquals(InvalidInputException.class.getName(), report.path("error").path("Error").asText());
        assertTrue(report.path("error").path("Cause").asText().contains("namespace must be set"));
        assertTrue(report.path("run").isNull());
        assertEquals(0, report.path("outcomes").path("associate").size());
        assertTrue(done.cause().startsWith(InvalidInputException.class.getName() + ": clusters/dev-cluster.yaml is invalid"), done.cause());
        assertTrue(done.cause().contains("roleARN is not an IAM role ARN"), "the execution's cause names every problem");
    }

    @Test
    void clusterThatNeverBecomesActive_endsTheWaitAndFailsTheRunWithAReport() throws Exception {
        SCRIPTS.put("asl-resolve", p -> run("onboard", "new-cluster").put("waitForCluster", true));
        SCRIPTS.put("asl-cluster-status", p -> {
            int attempt = p.path("attempt").asInt() + 1;
            return ProjectFiles.JSON.createObjectNode().put("status", "CREATING").put("done", false).put("failed", false)
                    .put("attempt", attempt).put("giveUp", attempt >= 2);
        });

        DescribeExecutionResponse done = execute("never-active", ProjectFiles.readJson(ProjectFiles.event("console-onboard.json")));

        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals("PodIdentityAutopilot.RunFailed", done.error());
        assertEquals(List.of("asl-resolve", "asl-cluster-status", "asl-cluster-status", "asl-report"), functions());
        JsonNode error = payloads("asl-report").get(0).path("error");
        assertEquals("PodIdentityAutopilot.ClusterNotActive", error.path("Error").asText());
        assertEquals("the cluster is CREATING after 2 status checks", error.path("Cause").asText());
    }

    @Test
    void failingReport_failsTheRunWithTheReportsOwnError() throws Exception {
        SCRIPTS.put("asl-resolve", p -> run("apply", "dev-cluster"));
        SCRIPTS.put("asl-report", p -> {
            throw new IllegalStateException("cannot write reports/dev-cluster/x.json");
        });

        DescribeExecutionResponse done = execute("report-fails", ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals("java.lang.IllegalStateException", done.error());
        assertTrue(done.cause().contains("cannot write reports/dev-cluster/x.json"), done.cause());
        assertEquals("asl-lock:release", allCalls().get(allCalls().size() - 1), "the lock is released all the same");
    }

    // ------------------------------------------------------------------ the per-cluster lock

    @Test
    void lock_isTakenAfterPlanningAndBeforeAnyWrite_andReleasedAfterTheReport() throws Exception {
        ObjectNode resolved = installsAgent(run("apply", "dev-cluster"));
        resolved.set("associate", batches("associate", 1));
        SCRIPTS.put("asl-resolve", p -> resolved);
        SCRIPTS.put("asl-cluster-status", p -> ProjectFiles.JSON.createObjectNode().put("status", "ACTIVE")
                .put("done", true).put("failed", false).put("attempt", 1).put("giveUp", false));

        DescribeExecutionResponse done = execute("locked", ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), String.valueOf(done.cause()));
        List<String> calls = allCalls();
        assertEquals(List.of("asl-resolve", "asl-lock:acquire", "asl-install-agent"), calls.subList(0, 3));
        assertEquals(java.util.Set.of("asl-cluster-status", "asl-association"), java.util.Set.copyOf(calls.subList(3, 5)),
                "the agent's wait and the association side by side: " + calls);
        assertEquals(List.of("asl-report", "asl-lock:release"), calls.subList(5, calls.size()));
        JsonNode acquire = payloads("asl-lock").get(0);
        assertEquals("dev-cluster", acquire.path("cluster").asText());
        assertTrue(acquire.path("executionArn").asText().startsWith("arn:aws:states:" + REGION + ":" + ACCOUNT
                + ":execution:pod-identity-asl:locked-"), acquire.toString());
        assertEquals(0, acquire.path("attempt").asInt());
        assertEquals(PLANNED_AT, acquire.path("plannedAt").asText(), "the lock judges the plan's age: " + acquire);
        assertEquals(resolved, payloads("asl-lock").get(1).path("run"), "release finds the cluster in the run");
        JsonNode output = ProjectFiles.JSON.readTree(done.output());
        assertEquals(List.of("reportKey", "status"), fieldNames(output), "the output is still the report, only it");
    }

    @Test
    void lockHeld_waits_thenPlansAgainOnce_andGoesOn() throws Exception {
        SCRIPTS.put("asl-resolve", p -> run("apply", "dev-cluster").set("associate", batches("associate", 1)));
        SCRIPTS.put("asl-lock", p -> {
            if (p.path("operation").asText().equals("release")) {
                return ProjectFiles.JSON.createObjectNode().put("released", true);
            }
            int attempt = p.path("attempt").asInt() + 1;
            boolean acquired = attempt >= 3;
            return lock(acquired, attempt, acquired && !p.path("replanned").asBoolean(), p.path("replanned").asBoolean());
        });

        DescribeExecutionResponse done = execute("queued", ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), String.valueOf(done.cause()));
        assertEquals(List.of("asl-resolve", "asl-lock:acquire", "asl-lock:acquire", "asl-lock:acquire", "asl-resolve",
                "asl-lock:acquire", "asl-association", "asl-report", "asl-lock:release"), allCalls());
        assertEquals(List.of(0, 1, 2, 3), payloads("asl-lock").stream().limit(4).map(p -> p.path("attempt").asInt()).toList(),
                "each acquire passes on the attempt count the previous one returned");
        assertTrue(payloads("asl-lock").get(3).path("replanned").asBoolean(), "the acquire after the replan says so");
    }

    @Test
    void lockNeverFree_givesUpWithAReportNamingTheHolder_andWritesNothing() throws Exception {
        SCRIPTS.put("asl-resolve", p -> run("apply", "dev-cluster").set("associate", batches("associate", 1)));
        SCRIPTS.put("asl-lock", p -> {
            if (p.path("operation").asText().equals("release")) {
                return ProjectFiles.JSON.createObjectNode().put("released", false);
            }
            int attempt = p.path("attempt").asInt() + 1;
            return lock(false, attempt, false, false).put("giveUp", attempt >= 2).put("heldBy", "apply-dev-cluster-x")
                    .put("heldByArn", "arn:aws:states:us-west-2:111122223333:execution:pod-identity-asl:apply-dev-cluster-x")
                    .put("since", "2026-11-29T10:00:00Z");
        });

        DescribeExecutionResponse done = execute("gives-up", ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.FAILED, done.status());
        assertEquals("PodIdentityAutopilot.RunFailed", done.error());
        assertEquals(List.of("asl-resolve", "asl-lock:acquire", "asl-lock:acquire", "asl-report", "asl-lock:release"),
                allCalls());
        JsonNode error = payloads("asl-report").get(0).path("error");
        assertEquals("PodIdentityAutopilot.ClusterLocked", error.path("Error").asText());
        assertEquals("cluster dev-cluster is still locked by execution apply-dev-cluster-x (since 2026-11-29T10:00:00Z) "
                + "after 2 attempts; nothing was changed", error.path("Cause").asText());
    }

    @Test
    void failingRelease_changesNeitherTheResultNorTheOutput() throws Exception {
        SCRIPTS.put("asl-resolve", p -> run("apply", "dev-cluster"));
        SCRIPTS.put("asl-lock", p -> {
            if (p.path("operation").asText().equals("release")) {
                throw new IllegalStateException("DeleteItem: table unreachable");
            }
            return freeLock(p);
        });

        DescribeExecutionResponse done = execute("release-fails", ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), String.valueOf(done.cause()));
        assertEquals("SUCCEEDED", ProjectFiles.JSON.readTree(done.output()).path("status").asText());
        assertTrue(ProjectFiles.JSON.readTree(done.output()).has("reportKey"));
    }

    @Test
    void planOnlyRun_neverCallsTheLock() throws Exception {
        SCRIPTS.put("asl-resolve", p -> run("apply", "dev-cluster").put("planOnly", true));

        DescribeExecutionResponse done = execute("plan-no-lock", ProjectFiles.readJson(ProjectFiles.event("console-dry-run.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status());
        assertEquals(List.of("asl-resolve", "asl-report"), allCalls());
    }

    @Test
    void supersededRun_goesStraightToTheReport_withoutTakingTheLock() throws Exception {
        SCRIPTS.put("asl-resolve", p -> run("apply", "dev-cluster").put("superseded", true)
                .set("associate", batches("associate", 1)));

        DescribeExecutionResponse done = execute("superseded", ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), String.valueOf(done.cause()));
        assertEquals(List.of("asl-resolve", "asl-report", "asl-lock:release"), allCalls(),
                "no lock taken, no batch run; the release is the usual no-op for a run that holds nothing");
        assertTrue(payloads("asl-report").get(0).path("run").path("superseded").asBoolean(), "the Report is told why");
    }

    @Test
    void runSupersededWhileWaitingForTheLock_reportsAndGivesTheLockBack() throws Exception {
        java.util.concurrent.atomic.AtomicInteger resolves = new java.util.concurrent.atomic.AtomicInteger();
        SCRIPTS.put("asl-resolve", p -> run("apply", "dev-cluster").put("superseded", resolves.incrementAndGet() > 1)
                .set("associate", batches("associate", 1)));
        SCRIPTS.put("asl-lock", p -> {
            if (p.path("operation").asText().equals("release")) {
                return ProjectFiles.JSON.createObjectNode().put("released", true);
            }
            int attempt = p.path("attempt").asInt() + 1;
            boolean acquired = attempt >= 2;
            return lock(acquired, attempt, acquired && !p.path("replanned").asBoolean(), p.path("replanned").asBoolean());
        });

        DescribeExecutionResponse done = execute("superseded-queued",
                ProjectFiles.readJson(ProjectFiles.event("console-apply.json")));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), String.valueOf(done.cause()));
        assertEquals(List.of("asl-resolve", "asl-lock:acquire", "asl-lock:acquire", "asl-resolve", "asl-report",
                "asl-lock:release"), allCalls(), "the re-plan finds a newer upload: nothing runs, the lock goes back");
    }

    /** The lock function's answer to acquire when nobody else holds the lock. */
    static Object freeLock(JsonNode payload) {
        if (payload.path("operation").asText().equals("release")) {
            return ProjectFiles.JSON.createObjectNode().put("released", true);
        }
        return lock(true, payload.path("attempt").asInt() + 1, false, payload.path("replanned").asBoolean());
    }

    static ObjectNode lock(boolean acquired, int attempt, boolean replan, boolean replanned) {
        return ProjectFiles.JSON.createObjectNode().put("acquired", acquired).put("lockId", ACCOUNT + "/" + REGION
                + "/dev-cluster").put("attempt", attempt).put("replan", replan).put("replanned", replanned)
                .put("giveUp", false).put("heldBy", "unknown").put("since", "unknown");
    }

    // ------------------------------------------------------------------ scripted tasks

    static final String PLAN_KEY = "runs/dev-cluster/x/plan.json";
    static final String PLANNED_AT = "2026-12-07T10:15:30.250Z";

    /** What Resolve returns: nothing to do unless a test adds it. */
    static ObjectNode run(String action, String cluster) {
        ObjectNode run = ProjectFiles.JSON.createObjectNode().put("action", action).put("cluster", cluster)
                .put("planOnly", false).put("waitForCluster", false).put("installAgent", false).put("waitForAgent", false)
                .put("planKey", PLAN_KEY).put("plannedAt", PLANNED_AT);
        for (String phase : List.of("trust", "associate", "addons", "prune")) {
            run.putArray(phase);
        }
        run.put("planText", "(plan) ...");
        run.putObject("summary");
        run.putNull("agent");
        return run;
    }

    /** The run installs the agent: Resolve passes the plan's InstallAgent step on with it. */
    static ObjectNode installsAgent(ObjectNode run) {
        run.put("installAgent", true);
        run.putObject("agent").put("type", "InstallAgent").put("cluster", run.path("cluster").asText()).putObject("tags");
        return run;
    }

    /** Resolve's batch descriptors for a phase: {@code n} batches of 50 steps. */
    static ArrayNode batches(String phase, int n) {
        ArrayNode batches = ProjectFiles.JSON.createArrayNode();
        for (int i = 0; i < n; i++) {
            batches.addObject().put("phase", phase).put("batch", i).put("from", i * 50).put("to", i * 50 + 50);
        }
        return batches;
    }

    static Object succeeded(JsonNode payload) {
        return summary(payload, "CREATED");
    }

    /** What a batch returns: its counts (its outcomes are in the bucket). */
    static ObjectNode summary(JsonNode payload, String result) {
        ObjectNode summary = ProjectFiles.JSON.createObjectNode().put("phase", payload.path("batch").path("phase").asText())
                .put("batch", payload.path("batch").path("batch").asInt());
        summary.putObject("counts").put(result, 50);
        return summary.put("failed", 0);
    }

    static ObjectNode outcome(String stepId, String result) {
        return ProjectFiles.JSON.createObjectNode().put("stepId", stepId).put("result", result);
    }

    /** A report that counts failures the way the real one must: a caught error or any failed batch fails the run. */
    static Object report(JsonNode payload) {
        if ("plan".equals(payload.path("stage").asText())) {
            // ReportPlan: the plan's Markdown report and the Run Planned event
            return ProjectFiles.JSON.createObjectNode().put("reportMarkdownKey", "reports/"
                    + payload.path("run").path("cluster").asText() + "/" + payload.path("execution").path("name").asText()
                    + ".md").put("outcome", "PLANNED");
        }
        List<String> failed = new ArrayList<>();
        int batches = 0;
        for (String phase : List.of("trust", "associate", "addons", "prune")) {
            for (JsonNode result : payload.path("outcomes").path(phase)) {
                batches++;
                if (result.path("result").asText().equals("FAILED") || result.path("failed").asInt() > 0) {
                    failed.add(result.path("phase").asText() + "-" + result.path("batch").asInt());
                }
            }
        }
        ObjectNode report = ProjectFiles.JSON.createObjectNode();
        report.put("reportKey", "reports/" + payload.path("input").path("cluster").asText() + "/"
                + payload.path("execution").path("name").asText() + ".json");
        if (!payload.path("error").isNull()) {
            report.put("status", "FAILED").put("cause", payload.path("error").path("Error").asText() + ": "
                    + message(payload.path("error").path("Cause").asText()));
        } else if (!failed.isEmpty()) {
            report.put("status", "FAILED").put("cause", failed.size() + " of " + batches + " batches failed: " + String.join(", ", failed));
        } else {
            report.put("status", "SUCCEEDED");
        }
        return report;
    }

    /** A Lambda error's Cause is the runtime's JSON error document; its message is what a person reads. */
    static String message(String cause) {
        try {
            return ProjectFiles.JSON.readTree(cause).path("errorMessage").asText(cause);
        } catch (Exception notJson) {
            return cause;
        }
    }

    // ------------------------------------------------------------------ running

    static DescribeExecutionResponse execute(String name, JsonNode input) throws Exception {
        String executionName = name + "-" + RUNS.incrementAndGet();
        String arn = LOCAL.cloud().sfn().startExecution(r -> r.stateMachineArn(machineArn).name(executionName)
                .input(input.toString())).executionArn();
        long deadline = System.nanoTime() + 60_000_000_000L;
        DescribeExecutionResponse d;
        while ((d = LOCAL.cloud().sfn().describeExecution(r -> r.executionArn(arn))).status() == ExecutionStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(executionName + " still RUNNING after 60 s; calls: " + functions());
            }
            Thread.sleep(50);
        }
        return d;
    }

    /** The task functions called, in order, without the lock's (the lock tests below look at those). */
    static List<String> functions() {
        return CALLS.stream().map(Call::function).filter(f -> !f.equals("asl-lock")).toList();
    }

    /** Every call in order, the lock's included: "asl-lock:acquire", "asl-resolve", ... */
    static List<String> allCalls() {
        return CALLS.stream().map(c -> c.function().equals("asl-lock")
                ? c.function() + ":" + c.payload().path("operation").asText() : c.function()).toList();
    }

    static List<JsonNode> payloads(String function) {
        return CALLS.stream().filter(c -> c.function().equals(function)).map(Call::payload).toList();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.stream().sorted().toList();
    }

    @Test
    void everyFunctionTheDefinitionCalls_hasAScriptedStandIn() {
        java.util.Set<String> called = new java.util.TreeSet<>();
        CfnTemplate.load().resource("PodIdentityStateMachine").path("Properties").path("DefinitionSubstitutions")
                .fieldNames().forEachRemaining(key -> {
                    if (key.endsWith("FunctionArn")) {
                        called.add(functionName(key));
                    }
                });
        assertEquals(called, LOCAL.cloud().lambdas().names());
    }
}
