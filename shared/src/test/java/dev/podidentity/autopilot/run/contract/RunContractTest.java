package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The records of the run contract against the ASL: every {@code $.x.y} a state reads or writes exists in the
 * records (the state is {@link RunState}, a Map item's is {@link BatchTask} plus its {@code error}), each task gets
 * exactly the fields of its input record and puts its result record where the state declares that type, and the
 * Prepare state gives every field of the state a value except those the last states add.
 */
class RunContractTest {
    private static final Path ASL = Path.of("..", "statemachine", "pod-identity.asl.json");

    /** A Map item's state: what ItemSelector builds plus what its Catch adds. */
    record ItemState(BatchDescriptor batch, String planKey, String execution, RunError error) {
    }

    private static final Map<String, Class<?>> TASK_INPUT = Map.of(
            "${ResolveFunctionArn}", ResolveTask.class,
            "${ClusterStatusFunctionArn}", StatusTask.class,
            "${InstallAgentFunctionArn}", AgentTask.class,
            "${LockFunctionArn}", LockTask.class,
            "${ReportFunctionArn}", ReportTask.class,
            "${TrustPolicyFunctionArn}", BatchTask.class,
            "${AssociationFunctionArn}", BatchTask.class,
            "${AddonFunctionArn}", BatchTask.class,
            "${PruneFunctionArn}", BatchTask.class);

    /** What each task state's ResultPath receives: the task's result record (a Map item's is checked as the Map's). */
    private static final Map<String, Class<?>> TASK_RESULT = Map.of(
            "Resolve", ResolveOutput.class,
            "ReportPlan", ReportResult.class,
            "AcquireLock", LockResult.class,
            "ClusterStatus", StatusResult.class,
            "AgentStatus", StatusResult.class,
            "InstallAgent", StepOutcome.class,
            "Report", ReportResult.class,
            "ReleaseLock", LockRelease.class);

    /**
     * Fields of an input record a state may leave out: the lock's two operations share one record, and so do the
     * Report and ReportPlan; addon is optional.
     */
    private static final Map<String, Set<String>> NOT_GIVEN = Map.of(
            "AcquireLock", Set.of("run"),
            "ReleaseLock", Set.of("cluster", "attempt", "replanned", "plannedAt"),
            "ClusterStatus", Set.of("addon"),
            // the Report and ReportPlan (a plan-only run's Markdown report and event) share the Report's record
            "Report", Set.of("stage"),
            "ReportPlan", Set.of("outcomes", "error"));

    private final List<String> problems = new ArrayList<>();
    private final Set<String> checked = new TreeSet<>();

    @Test
    void everyAslPath_existsInTheContractRecords() throws IOException {
        JsonNode asl = new ObjectMapper().readTree(Files.readString(ASL));
        states(asl.path("States"), RunState.class);
        assertEquals(List.of(), problems, "ASL paths the run contract does not have");
        assertTrue(checked.size() > 40, "the walk saw the ASL's paths: " + checked);
        for (String path : List.of("$.run.planOnly", "$.run.trust", "$.lock.giveUp", "$.clusterWait.done",
                "$.outcomes.prune", "$.report.status", "$.batch.phase", "$.settings.mapMaxConcurrency",
                "$.run.summary", "$.outcomes.agent", "$.report.reportMarkdownKey")) {
            assertTrue(checked.contains(path), path + " was not checked: " + checked);
        }
    }

    @Test
    void aPathTheRecordsLack_isReported() {
        resolve("$.run.planOnlyy", RunState.class, "Test");
        resolve("$.lock.heldBy.name", RunState.class, "Test");
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("planOnlyy"), problems.get(0));
    }

    @Test
    void aTaskResultOfAnotherRecord_isReported() throws IOException {
        JsonNode install = new ObjectMapper().readTree(Files.readString(ASL)).path("States").path("InstallAgent")
                .deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) install).put("ResultPath", "$.report");
        state("InstallAgent", install, RunState.class);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("InstallAgent ResultPath: " + ReportResult.class.getName()),
                problems.get(0));
    }

    /**
     * The payloads statemachine/README.md shows are the records' JSON: each task result it shows binds to its record
     * with no field left over, and written back has the same fields (summaries included).
     */
    @Test
    void readmeExamples_areTheRecordsJson() throws IOException {
        String readme = Files.readString(ASL.resolveSibling("README.md"));
        ObjectMapper strict = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        for (Map.Entry<String, Class<?>> e : Map.<String, Class<?>>of(
                "Out, stored at\n`$.run`", ResolveOutput.class,
                "Out, stored at `$.clusterWait`", StatusResult.class,
                "A step's outcome:", StepOutcome.class,
                "Out, collected in batch order", BatchResult.class,
                "the Map records, in its place", BatchResult.class,
                "Out, stored at\n`$.lock`", LockResult.class,
                "returns, stored at `$.report`", ReportResult.class).entrySet()) {
            JsonNode example = strict.readTree(firstJsonBlockAfter(readme, e.getKey()));
            Object bound = strict.treeToValue(example, e.getValue());
            JsonNode written = strict.valueToTree(bound);
            assertEquals(fieldPaths(example, ""), fieldPaths(written, ""), e.getKey() + " example vs "
                    + e.getValue().getSimpleName());
        }
    }

    private static String firstJsonBlockAfter(String readme, String marker) {
        int at = readme.indexOf(marker);
        assertTrue(at >= 0, marker + " is in statemachine/README.md");
        int start = readme.indexOf("```json\n", at) + "```json\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    /** Every object field's path in a document (array elements under {@code []}). */
    private static Set<String> fieldPaths(JsonNode node, String at) {
        Set<String> out = new TreeSet<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                out.add(at + "." + f.getKey());
                out.addAll(fieldPaths(f.getValue(), at + "." + f.getKey()));
            });
        } else if (node.isArray()) {
            node.forEach(n -> out.addAll(fieldPaths(n, at + "[]")));
        }
        return out;
    }

    @Test
    void prepare_givesEveryFieldOfTheStateAValue_butThoseTheLastStatesAdd() throws IOException {
        JsonNode prepare = new ObjectMapper().readTree(Files.readString(ASL)).path("States").path("Prepare");
        Set<String> given = keys(prepare.path("Parameters"));
        Set<String> expected = new TreeSet<>(jsonNames(RunState.class));
        expected.removeAll(Set.of("report", "lockRelease", "reportError"));
        assertEquals(expected, given);
    }

    private void states(JsonNode states, Class<?> scope) {
        for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
            var e = it.next();
            state(e.getKey(), e.getValue(), scope);
        }
    }

    private void state(String name, JsonNode state, Class<?> scope) {
        if (state.path("Type").asText().equals("Parallel")) {
            parallel(name, state, scope);
            return;
        }
        for (String field : List.of("InputPath", "OutputPath", "ResultPath", "ItemsPath", "MaxConcurrencyPath",
                "SecondsPath", "CausePath", "ErrorPath")) {
            if (state.path(field).isTextual()) {
                resolve(state.get(field).asText(), scope, name);
            }
        }
        paths(state.path("Parameters"), scope, name);
        paths(state.path("Choices"), scope, name);
        state.path("Catch").forEach(c -> resolve(c.path("ResultPath").asText("$"), scope, name));
        String type = state.path("Type").asText();
        if (type.equals("Task")) {
            Class<?> input = TASK_INPUT.get(state.path("Resource").asText());
            if (input == null) {
                problems.add(name + ": no input record for " + state.path("Resource").asText());
            } else if (state.has("Parameters")) {
                Set<String> expected = new TreeSet<>(jsonNames(input));
                expected.removeAll(NOT_GIVEN.getOrDefault(name, Set.of()));
                same(name + " Parameters", expected, keys(state.get("Parameters")));
            } else if (input != BatchTask.class || scope != ItemState.class) {
                problems.add(name + ": a task without Parameters must be a Map item's (BatchTask)");
            }
            if (state.path("ResultPath").isTextual()) {
                Class<?> result = TASK_RESULT.get(name);
                if (result == null) {
                    problems.add(name + ": no result record for its ResultPath " + state.get("ResultPath").asText());
                } else {
                    sameType(name + " ResultPath", result.getName(),
                            resolve(state.get("ResultPath").asText(), scope, name));
                }
            }
        }
        if (type.equals("Map")) {
            same(name + " ItemSelector", jsonNames(BatchTask.class), keys(state.path("ItemSelector")));
            paths(state.path("ItemSelector"), scope, name);
            Type items = resolve(state.path("ItemsPath").asText(), scope, name);
            sameType(name + " ItemsPath", "java.util.List<" + BatchDescriptor.class.getName() + ">", items);
            Type result = resolve(state.path("ResultPath").asText(), scope, name);
            sameType(name + " ResultPath", "java.util.List<" + BatchResult.class.getName() + ">", result);
            JsonNode inner = state.path("ItemProcessor").path("States");
            states(inner, ItemState.class);
            inner.fields().forEachRemaining(e -> {
                if (e.getValue().path("Type").asText().equals("Pass")) {
                    Set<String> written = keys(e.getValue().path("Parameters"));
                    Set<String> known = jsonNames(BatchResult.class);
                    if (!known.containsAll(written)) {
                        problems.add(e.getKey() + ": writes " + written + ", a BatchResult has " + known);
                    }
                }
            });
        }
    }

    /**
     * A Parallel's branches get the whole state and are checked as the top level is; its result is the branches'
     * answers merged, the first (the whole state) under the others (a part of the state each), so the state after it
     * has the same shape: the merge wraps them in {@code state} and OutputPath unwraps it.
     */
    private void parallel(String name, JsonNode state, Class<?> scope) {
        JsonNode branches = state.path("Branches");
        StringBuilder merged = new StringBuilder("$[0]");
        for (int i = 0; i < branches.size(); i++) {
            states(branches.get(i).path("States"), scope);
            if (i > 0) {
                merged.append(", $[").append(i).append("]");
                branches.get(i).path("States").fields().forEachRemaining(e -> {
                    if (e.getValue().path("End").asBoolean() && e.getValue().path("Type").asText().equals("Pass")) {
                        Set<String> answered = new TreeSet<>();
                        keys(e.getValue().path("Parameters")).forEach(k -> answered.add(k.replace(".$", "")));
                        if (!jsonNames(RunState.class).containsAll(answered) || answered.isEmpty()) {
                            problems.add(e.getKey() + ": a branch after the first answers " + answered
                                    + ", not a part of the state (" + jsonNames(RunState.class) + ")");
                        }
                    } else if (e.getValue().path("End").asBoolean()) {
                        problems.add(e.getKey() + ": a branch after the first must end in a Pass naming what it answers");
                    }
                });
            }
        }
        if (branches.size() != 2) {
            problems.add(name + ": the merge below is written for two branches, not " + branches.size());
        }
        String merge = "States.JsonMerge(" + merged + ", false)";
        same(name + " ResultSelector", Set.of("state"), keys(state.path("ResultSelector")));
        if (!merge.equals(state.path("ResultSelector").path("state.$").asText())
                || !"$".equals(state.path("ResultPath").asText()) || !"$.state".equals(state.path("OutputPath").asText())) {
            problems.add(name + ": the branches' answers are merged into the state with ResultSelector {\"state.$\": \""
                    + merge + "\"}, ResultPath \"$\" and OutputPath \"$.state\"");
        }
        state.path("Catch").forEach(c -> resolve(c.path("ResultPath").asText("$"), scope, name));
    }

    /** Every {@code "x.$": "$.path"} and {@code "Variable": "$.path"} under a node. */
    private void paths(JsonNode node, Class<?> scope, String state) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                boolean reference = e.getKey().endsWith(".$") || e.getKey().equals("Variable");
                if (reference && e.getValue().isTextual() && e.getValue().asText().startsWith("$.")) {
                    resolve(e.getValue().asText(), scope, state);
                } else if (!e.getKey().equals("ItemProcessor")) {
                    paths(e.getValue(), scope, state);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> paths(n, scope, state));
        }
    }

    /** The Java type at a path, or null (and a problem) when the records have no such path. */
    private Type resolve(String path, Class<?> scope, String state) {
        if (path.equals("$")) {
            return scope;
        }
        checked.add(path);
        Type type = scope;
        for (String segment : path.substring(2).split("\\.")) {
            Class<?> raw = raw(type);
            if (JsonNode.class.isAssignableFrom(raw)) {
                return type; // an open document (the execution input, a summary): any path below is data
            }
            if (!raw.isRecord()) {
                problems.add(state + ": " + path + " goes below " + raw.getSimpleName());
                return null;
            }
            Type next = null;
            for (RecordComponent c : raw.getRecordComponents()) {
                if (jsonName(c).equals(segment)) {
                    next = c.getGenericType();
                }
            }
            if (next == null) {
                problems.add(state + ": " + path + ": " + raw.getSimpleName() + " has no \"" + segment + "\"");
                return null;
            }
            type = next;
        }
        return type;
    }

    private void sameType(String what, String expected, Type actual) {
        if (actual != null && !expected.equals(actual.getTypeName())) {
            problems.add(what + ": " + actual.getTypeName() + ", expected " + expected);
        }
    }

    private void same(String what, Set<String> record, Set<String> asl) {
        if (!record.equals(asl)) {
            problems.add(what + ": the ASL gives " + asl + ", the record has " + record);
        }
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static String jsonName(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }

    private static Set<String> jsonNames(Class<?> record) {
        Set<String> names = new LinkedHashSet<>();
        for (RecordComponent c : record.getRecordComponents()) {
            names.add(jsonName(c));
        }
        return new TreeSet<>(names);
    }

    private static Set<String> keys(JsonNode object) {
        Set<String> keys = new TreeSet<>();
        object.fieldNames().forEachRemaining(k -> keys.add(k.endsWith(".$") ? k.substring(0, k.length() - 2) : k));
        return keys;
    }
}
