package dev.podidentity.local.serverless;

import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.ProjectFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.RetryableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** statemachine/pod-identity.asl.json read as Step Functions and template.yaml read it. */
class StateMachineDefinitionTest {
    /** AWS's recommended retry set for Lambda service errors (Step Functions best practices). */
    static final Set<String> LAMBDA_SERVICE_ERRORS = Set.of("Lambda.ClientExecutionTimeoutException",
            "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException");
    /**
     * A function whose runtime died mid-invocation: Lambda answers errorType Runtime.ExitError; Step Functions names
     * unhandled runtime failures (out of memory, timeout) Lambda.Unknown. Every step is idempotent, so both are retried.
     */
    static final Set<String> RUNTIME_CRASH_ERRORS = Set.of("Runtime.ExitError", "Lambda.Unknown");
    static final Set<String> STATES_ERRORS = Set.of("States.ALL", "States.HeartbeatTimeout", "States.Timeout",
            "States.TaskFailed", "States.Permissions", "States.ResultPathMatchFailure", "States.ParameterPathFailure",
            "States.BranchFailed", "States.NoChoiceMatched", "States.IntrinsicFailure", "States.ExceedToleratedFailureThreshold",
            "States.ItemReaderFailed", "States.ResultWriterFailed", "States.Runtime");
    static final String ERROR_PACKAGE = "dev.podidentity.autopilot.error.";
    static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([^}]*)}");

    static String text;
    static JsonNode asl;
    static CfnTemplate template;
    /** Every scope (the top level, each Map's ItemProcessor, each Parallel's branches) by a readable name. */
    static final Map<String, JsonNode> SCOPES = new LinkedHashMap<>();

    @BeforeAll
    static void load() {
        text = ProjectFiles.read(ProjectFiles.stateMachine());
        asl = ProjectFiles.readJson(ProjectFiles.stateMachine());
        template = CfnTemplate.load();
        collectScopes("top level", asl);
    }

    private static void collectScopes(String name, JsonNode scope) {
        SCOPES.put(name, scope);
        scope.path("States").properties().forEach(e -> {
            JsonNode processor = e.getValue().has("ItemProcessor") ? e.getValue().get("ItemProcessor") : e.getValue().get("Iterator");
            if (processor != null) {
                collectScopes("Map " + e.getKey(), processor);
            }
            for (int i = 0; i < e.getValue().path("Branches").size(); i++) {
                collectScopes("Parallel " + e.getKey() + " branch " + i, e.getValue().path("Branches").get(i));
            }
        });
    }

    // ------------------------------------------------------------------ structure

    @Test
    void definition_isJsonPathOnly() {
        assertTrue(asl.path("StartAt").isTextual());
        assertTrue(asl.path("States").isObject());
        assertFalse(asl.has("QueryLanguage") && asl.get("QueryLanguage").asText().equals("JSONata"),
                "moto's engine cannot run JSONata, so no test could run the definition");
        SCOPES.forEach((scope, s) -> s.path("States").properties().forEach(e -> {
            for (String jsonataOnly : List.of("QueryLanguage", "Arguments", "Output", "Assign")) {
                assertFalse(e.getValue().has(jsonataOnly), scope + "/" + e.getKey() + " uses " + jsonataOnly);
            }
        }));
        assertTrue(asl.path("TimeoutSeconds").asInt() > 0, "a run cannot wait forever");
    }

    @Test
    void everyTransition_namesAStateInItsOwnScope() {
        SCOPES.forEach((scope, s) -> {
            Set<String> names = names(s);
            assertTrue(names.contains(s.path("StartAt").asText()), scope + " StartAt");
            s.path("States").properties().forEach(e -> {
                for (String target : transitions(e.getValue())) {
                    assertTrue(names.contains(target), scope + "/" + e.getKey() + " goes to missing state " + target);
                }
            });
        });
    }

    @Test
    void everyState_isReachableFromStartAt() {
        SCOPES.forEach((scope, s) -> {
            Set<String> seen = new LinkedHashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(s.path("StartAt").asText()));
            while (!todo.isEmpty()) {
                String name = todo.pop();
                if (seen.add(name)) {
                    todo.addAll(transitions(s.path("States").path(name)));
                }
            }
            assertEquals(names(s), new TreeSet<>(seen), scope + ": unreachable states");
        });
    }

    @Test
    void everyState_eitherMovesOnOrEnds() {
        SCOPES.forEach((scope, s) -> {
            boolean terminal = false;
            for (var e : iterable(s.path("States"))) {
                JsonNode state = e.getValue();
                String type = state.path("Type").asText();
                String where = scope + "/" + e.getKey();
                switch (type) {
                    case "Task", "Pass", "Wait", "Map", "Parallel" -> {
                        boolean next = state.has("Next");
                        boolean end = state.path("End").asBoolean(false);
                        assertTrue(next ^ end, where + " needs exactly one of Next and End");
                        terminal |= end;
                    }
                    case "Choice" -> {
                        assertTrue(state.path("Choices").size() > 0, where);
                        assertTrue(state.has("Default"), where + " has no Default: an unmatched value would fail the run");
                    }
                    case "Succeed", "Fail" -> {
                        assertFalse(state.has("Next"), where);
                        terminal = true;
                    }
                    default -> fail(where + " has unknown Type " + type);
                }
            }
            assertTrue(terminal, scope + " never ends");
        });
    }

    /**
     * cfn-lint knows the Step Functions schema (E3601) but does not see a definition SAM reads from a file, so the
     * definition is linted here inside a plain AWS::StepFunctions::StateMachine.
     */
    @Test
    void definition_passesCfnLintsStepFunctionsSchema() throws Exception {
        ObjectNode properties = ProjectFiles.JSON.createObjectNode();
        properties.put("RoleArn", "arn:aws:iam::123456789012:role/pod-identity-autopilot-states");
        properties.set("Definition", asl);
        ObjectNode substitutions = properties.putObject("DefinitionSubstitutions");
        substitutions().fieldNames().forEachRemaining(key -> substitutions.put(key,
                key.endsWith("FunctionArn") ? "arn:aws:lambda:us-east-1:123456789012:function:" + key + ":live" : "5"));
        ObjectNode wrapper = ProjectFiles.JSON.createObjectNode().put("AWSTemplateFormatVersion", "2010-09-09");
        wrapper.putObject("Resources").putObject("StateMachine").put("Type", "AWS::StepFunctions::StateMachine")
                .set("Properties", properties);
        Path file = ProjectFiles.root().resolve("local/target/asl-lint/statemachine.json");
        Files.createDirectories(file.getParent());
        ProjectFiles.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), wrapper);
        Process lint;
        try {
            lint = new ProcessBuilder("cfn-lint", file.toString()).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            Assumptions.abort("cfn-lint is not installed (pip install cfn-lint); .ci/run requires it");
            return;
        }
        String out = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(lint.waitFor(120, TimeUnit.SECONDS), "cfn-lint did not finish");
        assertEquals(0, lint.exitValue(), "cfn-lint on the definition:\n" + out);
    }

    // ------------------------------------------------------------------ substitutions

    @Test
    void everySubstitution_isDefinedInTheTemplate_andEveryDefinitionIsUsed() {
        Set<String> used = new TreeSet<>();
        Matcher m = SUBSTITUTION.matcher(text);
        while (m.find()) {
            used.add(m.group(1));
        }
        Set<String> defined = new TreeSet<>();
        substitutions().fieldNames().forEachRemaining(defined::add);
        assertEquals(defined, used);
    }

    @Test
    void functionSubstitutions_areLiveAliasesOfTheTemplatesFunctions() {
        Set<String> functions = template.resourcesOfType("AWS::Serverless::Function").keySet();
        Set<String> called = new TreeSet<>();
        substitutions().properties().forEach(e -> {
            if (e.getKey().endsWith("FunctionArn")) {
                String ref = e.getValue().path("Ref").asText();
                assertTrue(ref.endsWith(".Alias"), e.getKey() + " must be an alias (SnapStart runs published versions only): " + ref);
                String function = ref.substring(0, ref.length() - ".Alias".length());
                assertTrue(functions.contains(function), e.getKey() + " names " + function + ", not a function in template.yaml");
                assertEquals(function + "Arn", e.getKey(), "substitution name follows the function's logical id");
                called.add(function);
            }
        });
        Set<String> tasks = new TreeSet<>(functions);
        tasks.remove("DispatcherFunction");
        tasks.remove("SweepFunction");
        assertEquals(tasks, called, "every task function is called by the state machine; the dispatcher and the sweep "
                + "(a read-only report on a schedule) are not");
    }

    @Test
    void everyTask_callsAFunctionSubstitution() {
        forEachState((where, state) -> {
            if (state.path("Type").asText().equals("Task")) {
                assertTrue(state.path("Resource").asText().matches("\\$\\{\\w+FunctionArn}"), where + " " + state.path("Resource"));
            }
        });
    }

    // ------------------------------------------------------------------ maps

    @Test
    void everyMap_hasConcurrencyBetween1And40() {
        List<String> maps = new ArrayList<>();
        forEachState((where, state) -> {
            if (!state.path("Type").asText().equals("Map")) {
                return;
            }
            maps.add(where);
            if (state.has("MaxConcurrency")) {
                int n = state.get("MaxConcurrency").asInt();
                assertTrue(n >= 1 && n <= 40, where + " MaxConcurrency " + n);
            } else {
                assertEquals("$.settings.mapMaxConcurrency", state.path("MaxConcurrencyPath").asText(),
                        where + " has neither MaxConcurrency nor the configured MaxConcurrencyPath (0 would mean unbounded)");
            }
        });
        assertEquals(4, maps.size(), "Trust, Associate, Addons, Prune: " + maps);
        // The path's value: the Prepare state turns the template parameter into a number...
        assertEquals("States.StringToJson('${MapMaxConcurrency}')",
                asl.path("States").path("Prepare").path("Parameters").path("settings").path("mapMaxConcurrency.$").asText());
        assertEquals("MapMaxConcurrency", substitutions().path("MapMaxConcurrency").path("Ref").asText());
        // ...and the parameter cannot leave 1..40.
        JsonNode parameter = template.parameter("MapMaxConcurrency");
        assertEquals("Number", parameter.path("Type").asText());
        int min = parameter.path("MinValue").asInt(-1);
        int max = parameter.path("MaxValue").asInt(-1);
        int def = parameter.path("Default").asInt(-1);
        assertTrue(min >= 1 && max <= 40 && min <= def && def <= max, "MapMaxConcurrency " + min + ".." + max + " default " + def);
    }

    @Test
    void tasksInMaps_retryThenTurnAFailureIntoAnOutcome() {
        SCOPES.forEach((scope, s) -> {
            if (!scope.startsWith("Map ")) {
                return;
            }
            int tasks = 0;
            for (var e : iterable(s.path("States"))) {
                JsonNode task = e.getValue();
                if (!task.path("Type").asText().equals("Task")) {
                    continue;
                }
                tasks++;
                String where = scope + "/" + e.getKey();
                assertRetries(where, task);
                JsonNode all = catcher(task, "States.ALL");
                assertNotNull(all, where + " must catch States.ALL so one failed item does not stop the others");
                assertEquals("$.error", all.path("ResultPath").asText(), where + " keeps the item next to its error");
                JsonNode outcome = s.path("States").path(all.path("Next").asText());
                assertEquals("Pass", outcome.path("Type").asText(), where);
                assertTrue(outcome.path("End").asBoolean(), where + " outcome ends the iteration");
                assertEquals(ProjectFiles.JSON.createObjectNode().put("phase.$", "$.batch.phase")
                        .put("batch.$", "$.batch.batch").put("result", "FAILED").put("error.$", "$.error.Error")
                        .put("cause.$", "$.error.Cause"), outcome.path("Parameters"), where);
            }
            assertEquals(1, tasks, scope + " runs one task per item");
        });
    }

    @Test
    void mapItems_areTheResolvedBatches_withThePlanKeyAndTheExecutionName() {
        Map<String, String> expected = Map.of("Trust", "trust", "Associate", "associate", "Addons", "addons", "Prune", "prune");
        expected.forEach((state, items) -> {
            JsonNode map = state(state);
            assertEquals("$.run." + items, map.path("ItemsPath").asText(), state);
            assertEquals("$.outcomes." + items, map.path("ResultPath").asText(), state);
            ObjectNode selector = ProjectFiles.JSON.createObjectNode().put("batch.$", "$$.Map.Item.Value")
                    .put("planKey.$", "$.run.planKey").put("execution.$", "$$.Execution.Name");
            assertEquals(selector, map.path("ItemSelector"), state);
        });
    }

    @Test
    void resolve_getsTheInputAndTheExecutionName_whichKeysThePlanItStores() {
        JsonNode resolve = asl.path("States").path("Resolve");
        assertFalse(resolve.has("InputPath"));
        assertEquals(ProjectFiles.JSON.createObjectNode().put("input.$", "$.input")
                .put("execution.$", "$$.Execution.Name"), resolve.path("Parameters"));
        assertEquals("$.run.planKey", asl.path("States").path("PlanOnly").path("Parameters").path("planKey.$").asText(),
                "a plan-only run says where its full plan is");
    }

    // ------------------------------------------------------------------ errors

    @Test
    void everyTask_retriesLambdaServiceErrorsAndRetryableException_withJitter() {
        forEachState((where, state) -> {
            if (state.path("Type").asText().equals("Task")) {
                assertRetries(where, state);
            }
        });
    }

    @Test
    void everyTaskAndMapOutsideMaps_sendsAnyFailureToTheReport() {
        JsonNode states = asl.path("States");
        for (var e : iterable(states)) {
            String type = e.getValue().path("Type").asText();
            if (!type.equals("Task") && !type.equals("Map") && !type.equals("Parallel")) {
                continue;
            }
            JsonNode all = catcher(e.getValue(), "States.ALL");
            assertNotNull(all, e.getKey() + " has no Catch on States.ALL");
            if (e.getKey().equals("Report")) {
                // a failing Report cannot report itself: it releases the lock, then fails the run with its own error
                assertEquals("ReleaseLock", all.path("Next").asText());
                JsonNode first = states.path("Succeeded?").path("Choices").get(0);
                assertEquals(all.path("ResultPath").asText(), first.path("Variable").asText());
                assertTrue(first.path("IsPresent").asBoolean());
                assertEquals("Fail", states.path(first.path("Next").asText()).path("Type").asText());
            } else if (e.getKey().equals("ReportPlan")) {
                // a plan-only run holds no lock: a failing ReportPlan fails the run with its own error
                assertEquals("ReportFailed", all.path("Next").asText());
                assertEquals("$.reportError", all.path("ResultPath").asText());
            } else if (e.getKey().equals("ReleaseLock")) {
                // after the Report: a release that fails leaves the run's result and output as the Report made them
                assertEquals("Succeeded?", all.path("Next").asText());
                assertEquals("$.lockRelease", all.path("ResultPath").asText());
                assertEquals("$.lockRelease", e.getValue().path("ResultPath").asText());
            } else {
                assertEquals("Report", all.path("Next").asText(), e.getKey());
                assertEquals("$.error", all.path("ResultPath").asText(), e.getKey() + " keeps the state for the report");
            }
        }
    }

    @Test
    void everyErrorName_isAStatesOrLambdaName_orAnErrorClass() {
        Set<String> names = new TreeSet<>();
        forEachState((where, state) -> {
            for (String field : List.of("Retry", "Catch")) {
                state.path(field).forEach(r -> r.path("ErrorEquals").forEach(n -> names.add(n.asText())));
            }
        });
        assertTrue(names.contains(RetryableException.class.getName()));
        for (String name : names) {
            if (name.startsWith("States.")) {
                assertTrue(STATES_ERRORS.contains(name), "unknown Step Functions error " + name);
            } else if (name.startsWith("Lambda.")) {
                assertTrue(LAMBDA_SERVICE_ERRORS.contains(name) || name.equals("Lambda.Unknown"), "unknown Lambda error " + name);
            } else if (name.startsWith("Runtime.")) {
                assertTrue(RUNTIME_CRASH_ERRORS.contains(name), "unknown Lambda runtime error " + name);
            } else {
                assertTrue(name.startsWith(ERROR_PACKAGE), name + " is outside " + ERROR_PACKAGE);
                Class<?> type;
                try {
                    type = Class.forName(name);
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(name + " is caught or retried in the ASL but no such class exists: renamed?", e);
                }
                assertTrue(RuntimeException.class.isAssignableFrom(type), name + " is not an unchecked exception");
            }
        }
    }

    @Test
    void noRetrier_retriesEverything() {
        forEachState((where, state) -> state.path("Retry").forEach(r -> r.path("ErrorEquals").forEach(n ->
                assertFalse(n.asText().equals("States.ALL") || n.asText().equals("States.TaskFailed"),
                        where + " would retry invalid input and conflicts"))));
    }

    // ------------------------------------------------------------------ flow

    @Test
    void planOnly_endsWithThePlanBeforeAnythingWrites() {
        JsonNode choice = asl.path("States").path("PlanOnly?");
        assertEquals("Resolve", firstStateAfterPrepare());
        assertEquals("PlanOnly?", asl.path("States").path("Resolve").path("Next").asText());
        // a superseded run (its upload replaced by a newer one) goes to the Report first, without the lock
        JsonNode superseded = choice.path("Choices").get(0);
        assertEquals("$.run.superseded", superseded.path("And").get(1).path("Variable").asText());
        assertTrue(superseded.path("And").get(0).path("IsPresent").asBoolean(), "guarded: scripted runs may omit it");
        assertEquals("Report", superseded.path("Next").asText());
        assertEquals("$.run.planOnly", choice.path("Choices").get(1).path("Variable").asText());
        // the plan's Markdown report and the Run Planned event (ReportPlan, the Report function), then the answer
        JsonNode reportPlan = asl.path("States").path(choice.path("Choices").get(1).path("Next").asText());
        assertEquals("Task", reportPlan.path("Type").asText());
        assertEquals("${ReportFunctionArn}", reportPlan.path("Resource").asText());
        assertEquals("plan", reportPlan.path("Parameters").path("stage").asText());
        JsonNode planOnly = asl.path("States").path(reportPlan.path("Next").asText());
        assertEquals("Pass", planOnly.path("Type").asText());
        assertEquals("$.report.reportMarkdownKey", planOnly.path("Parameters").path("reportMarkdownKey.$").asText());
        assertTrue(planOnly.path("End").asBoolean());
        assertEquals("$.run.planText", planOnly.path("Parameters").path("planText.$").asText());
    }

    @Test
    void waitLoops_pollAtTheirIntervalAndAreBounded() {
        assertWaitLoop("Cluster", 30, 25 * 60, "cluster");
        assertWaitLoop("Agent", 10, 5 * 60, "addon");
    }

    private static void assertWaitLoop(String prefix, int seconds, int atLeastSeconds, String kind) {
        JsonNode states = scopeOf(prefix + "Status").path("States");
        JsonNode status = states.path(prefix + "Status");
        String result = status.path("ResultPath").asText();
        assertEquals(kind, status.path("Parameters").path("kind").asText());
        assertEquals(result + ".attempt", status.path("Parameters").path("attempt.$").asText(),
                "the handler's attempt count goes back into the next call");
        JsonNode ready = states.path(status.path("Next").asText());
        assertEquals("Choice", ready.path("Type").asText());
        JsonNode wait = states.path(ready.path("Default").asText());
        assertEquals("Wait", wait.path("Type").asText());
        assertEquals(seconds, wait.path("Seconds").asInt());
        assertEquals(prefix + "Status", wait.path("Next").asText());
        int bound = -1;
        boolean giveUp = false;
        for (JsonNode rule : ready.path("Choices")) {
            for (JsonNode c : rule.path("Or")) {
                if (c.has("NumericGreaterThanEquals")) {
                    bound = c.get("NumericGreaterThanEquals").asInt();
                }
                giveUp |= c.path("Variable").asText().equals(result + ".giveUp");
            }
        }
        assertTrue(giveUp, prefix + " loop ends when the handler gives up");
        assertTrue(bound > 0, prefix + " loop has its own attempt bound");
        assertTrue(bound * seconds >= atLeastSeconds, prefix + " loop waits at least " + atLeastSeconds + " s");
        assertTrue(asl.path("TimeoutSeconds").asInt() > bound * seconds, "the run outlives its longest wait");
    }

    /**
     * Associations and roles do not need a running agent, only pods do (eksctl creates the agent addon first and
     * does not wait for it before the associations): once the agent addon exists, the phases and the wait for it to
     * become ACTIVE run side by side, and the run reports only when both are done.
     */
    @Test
    void agentWait_runsBesideThePhases_afterTheInstall_andTheRunReportsWhenBothAreDone() {
        JsonNode states = asl.path("States");
        assertEquals("Apply", states.path("InstallAgent").path("Next").asText(), "the install comes first");
        assertEquals("InstallAgent", states.path("AgentNeeded?").path("Choices").get(0).path("Next").asText());
        assertEquals("Apply", states.path("AgentNeeded?").path("Default").asText());
        JsonNode apply = states.path("Apply");
        assertEquals("Parallel", apply.path("Type").asText());
        assertEquals("Report", apply.path("Next").asText());
        assertEquals("Report", catcher(apply, "States.ALL").path("Next").asText());
        JsonNode phases = apply.path("Branches").get(0);
        List<String> order = new ArrayList<>();
        for (String s = phases.path("StartAt").asText(); !s.isEmpty(); s = phases.path("States").path(s).path("Next").asText()) {
            order.add(s);
        }
        assertEquals(List.of("Trust", "Associate", "Addons", "Prune"), order, "the phases, in order");
        JsonNode agent = apply.path("Branches").get(1);
        JsonNode needed = agent.path("States").path(agent.path("StartAt").asText());
        assertEquals("Choice", needed.path("Type").asText());
        assertTrue(needed.toString().contains("$.run.installAgent") && needed.toString().contains("$.run.waitForAgent"),
                "the agent is waited for after an install and when Resolve found it not ACTIVE: " + needed);
        JsonNode status = agent.path("States").path("AgentStatus");
        assertEquals("${ClusterStatusFunctionArn}", status.path("Resource").asText());
        JsonNode ended = agent.path("States").path("AgentWaitEnded");
        assertEquals(ProjectFiles.JSON.createObjectNode().put("agentWait.$", "$.agentWait").put("error.$", "$.error"),
                ended.path("Parameters"), "the agent branch answers its status and the error that stops the run, nothing else");
        assertEquals("AgentWaitEnded", catcher(status, "States.ALL").path("Next").asText(),
                "a failed status check ends the wait with its error, the phases go on to their end");
        assertEquals("AgentWaitEnded", agent.path("States").path("AgentNotActive").path("Next").asText());
        assertEquals("$.error", agent.path("States").path("AgentNotActive").path("ResultPath").asText());
        assertEquals("States.JsonMerge($[0], $[1], false)", apply.path("ResultSelector").path("state.$").asText(),
                "the phases' state, with the agent branch's answer over it");
        // a short first wait: the phases beside it may be done in seconds
        JsonNode ready = agent.path("States").path("AgentReady");
        JsonNode brief = agent.path("States").path(ready.path("Choices").get(ready.path("Choices").size() - 1).path("Next").asText());
        assertEquals("Wait", brief.path("Type").asText());
        assertTrue(brief.path("Seconds").asInt() < agent.path("States").path("WaitForAgent").path("Seconds").asInt());
    }

    @Test
    void lock_isTakenBetweenPlanAndFirstWrite_waitedForBoundedly_andReleasedAfterTheReport() {
        JsonNode states = asl.path("States");
        assertEquals("AcquireLock", states.path("PlanOnly?").path("Default").asText(), "plan-only runs never lock");
        JsonNode acquire = states.path("AcquireLock");
        assertEquals("acquire", acquire.path("Parameters").path("operation").asText());
        assertEquals("$.run.cluster", acquire.path("Parameters").path("cluster.$").asText());
        assertEquals("$$.Execution.Id", acquire.path("Parameters").path("executionArn.$").asText());
        assertEquals("$.lock.attempt", acquire.path("Parameters").path("attempt.$").asText());
        assertEquals("$.lock", acquire.path("ResultPath").asText());
        assertEquals(0, states.path("Prepare").path("Parameters").path("lock").path("attempt").asInt());
        JsonNode choice = states.path(acquire.path("Next").asText());
        assertEquals("Replan", choice.path("Choices").get(0).path("Next").asText(), "replan is asked before going on");
        assertEquals("Resolve", states.path("Replan").path("Next").asText());
        // a won lock goes straight to what the run needs first: the cluster's wait, the agent's install, the phases
        assertEquals(List.of("ClusterStatus", "InstallAgent", "Apply"), List.of(choice.path("Choices").get(1).path("Next").asText(),
                choice.path("Choices").get(2).path("Next").asText(), choice.path("Choices").get(3).path("Next").asText()));
        for (int i = 1; i <= 3; i++) {
            assertTrue(choice.path("Choices").get(i).toString().contains("\"$.lock.acquired\""), "only a won lock goes on");
        }
        assertEquals("ClusterLocked", choice.path("Choices").get(4).path("Next").asText());
        assertEquals("Report", states.path("ClusterLocked").path("Next").asText());
        JsonNode wait = states.path(choice.path("Default").asText());
        assertEquals("AcquireLock", wait.path("Next").asText());
        int bound = choice.path("Choices").get(4).path("Or").get(1).path("NumericGreaterThanEquals").asInt();
        assertTrue(bound * wait.path("Seconds").asInt() < asl.path("TimeoutSeconds").asInt(),
                "a waiting run gives up before its own timeout, so it still reports");
        assertEquals("ReleaseLock", states.path("Report").path("Next").asText());
        JsonNode release = states.path("ReleaseLock");
        assertEquals("release", release.path("Parameters").path("operation").asText());
        assertEquals("$.run", release.path("Parameters").path("run.$").asText(), "a null run is passed, not read into");
        assertEquals("Succeeded?", release.path("Next").asText());
    }

    @Test
    void report_receivesTheInputTheRunAndEveryPhasesOutcomes() {
        JsonNode states = asl.path("States");
        JsonNode report = states.path("Report").path("Parameters");
        assertEquals("$.input", report.path("input.$").asText());
        assertEquals("$.run", report.path("run.$").asText());
        assertEquals("$.outcomes", report.path("outcomes.$").asText());
        assertEquals("$.error", report.path("error.$").asText());
        // Every outcome path the report reads exists from the start, so an early failure still reports.
        JsonNode prepared = states.path("Prepare").path("Parameters");
        Set<String> initialised = new TreeSet<>();
        prepared.path("outcomes").fieldNames().forEachRemaining(initialised::add);
        Set<String> written = new TreeSet<>();
        forEachState((where, state) -> {
            String path = state.path("ResultPath").asText();
            if (path.startsWith("$.outcomes.")) {
                written.add(path.substring("$.outcomes.".length()));
            }
        });
        assertEquals(initialised, written);
        assertTrue(prepared.has("run") && prepared.get("run").isNull());
        assertTrue(prepared.has("error") && prepared.get("error").isNull());
    }

    // ------------------------------------------------------------------ helpers

    /** The state of that name in whichever scope holds it. */
    private static JsonNode state(String name) {
        return scopeOf(name).path("States").path(name);
    }

    private static JsonNode scopeOf(String name) {
        return SCOPES.values().stream().filter(s -> s.path("States").has(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no state " + name));
    }

    private static String firstStateAfterPrepare() {
        assertEquals("Prepare", asl.path("StartAt").asText());
        return asl.path("States").path("Prepare").path("Next").asText();
    }

    private static void assertRetries(String where, JsonNode task) {
        Set<String> retried = new TreeSet<>();
        task.path("Retry").forEach(r -> r.path("ErrorEquals").forEach(n -> retried.add(n.asText())));
        assertTrue(retried.containsAll(LAMBDA_SERVICE_ERRORS), where + " retries " + retried);
        assertTrue(retried.containsAll(RUNTIME_CRASH_ERRORS), where + " does not retry a crashed runtime: " + retried);
        JsonNode crash = retrier(task, "Runtime.ExitError");
        assertEquals("FULL", crash.path("JitterStrategy").asText(), where);
        assertTrue(crash.path("MaxAttempts").asInt() >= 1 && crash.path("MaxAttempts").asInt() <= 3,
                where + " retries a crash a few times, not forever: a function that always dies is a bug to see");
        JsonNode retryable = retrier(task, RetryableException.class.getName());
        assertNotNull(retryable, where + " does not retry RetryableException");
        assertEquals("FULL", retryable.path("JitterStrategy").asText(), where);
        assertTrue(retryable.path("MaxDelaySeconds").asInt() > 0, where + " caps the backoff");
        assertTrue(retryable.path("BackoffRate").asDouble() > 1, where + " backs off");
        assertTrue(retryable.path("MaxAttempts").asInt() >= 2, where);
        assertEquals("FULL", retrier(task, "Lambda.TooManyRequestsException").path("JitterStrategy").asText(), where);
    }

    private static JsonNode retrier(JsonNode state, String error) {
        return find(state.path("Retry"), error);
    }

    private static JsonNode catcher(JsonNode state, String error) {
        return find(state.path("Catch"), error);
    }

    private static JsonNode find(JsonNode list, String error) {
        for (JsonNode r : list) {
            for (JsonNode n : r.path("ErrorEquals")) {
                if (n.asText().equals(error)) {
                    return r;
                }
            }
        }
        return null;
    }

    private static JsonNode substitutions() {
        return template.resource("PodIdentityStateMachine").path("Properties").path("DefinitionSubstitutions");
    }

    private static Set<String> names(JsonNode scope) {
        Set<String> names = new TreeSet<>();
        scope.path("States").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> transitions(JsonNode state) {
        List<String> out = new ArrayList<>();
        for (String field : List.of("Next", "Default")) {
            if (state.has(field)) {
                out.add(state.get(field).asText());
            }
        }
        state.path("Choices").forEach(c -> out.add(c.path("Next").asText()));
        state.path("Catch").forEach(c -> out.add(c.path("Next").asText()));
        return out;
    }

    private static void forEachState(java.util.function.BiConsumer<String, JsonNode> action) {
        SCOPES.forEach((scope, s) -> s.path("States").properties().forEach(e -> action.accept(scope + "/" + e.getKey(), e.getValue())));
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        return object.properties();
    }
}
