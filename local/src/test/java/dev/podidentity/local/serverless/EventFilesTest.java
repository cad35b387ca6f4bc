package dev.podidentity.local.serverless;

import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.ProjectFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.naming.ExecutionNames;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** events/: the console inputs speak the execution-input contract, and events/README.md describes every file. */
class EventFilesTest {
    static final Set<String> WORLD_CLUSTERS = Set.of("dev-cluster", "auto-cluster", "new-cluster");

    static Stream<Path> consoleInputs() {
        return ProjectFiles.events("console-*.json").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("consoleInputs")
    void consoleInput_hasTheCommonFields_andAnActionTheApplicationKnows(Path file) {
        JsonNode input = ProjectFiles.readJson(file);
        String action = input.path("action").asText();
        assertTrue(Action.fromWireName(action).isPresent(), file + ": unknown action " + action);
        assertTrue(WORLD_CLUSTERS.contains(input.path("cluster").asText()), file + " names a cluster of the default world");
        assertTrue(input.path("dryRun").isBoolean(), file + " dryRun");
        assertEquals("console", input.path("trigger").path("type").asText(), file.toString());
        String name = ExecutionNames.forTrigger(input.path("cluster").asText(), input.path("trigger").path("id").asText(), action);
        assertTrue(ExecutionNames.isValid(name), file + " gives the execution name " + name);
        if (input.has("configKey")) {
            assertTrue(input.get("configKey").asText().matches("(clusters/[^/]+\\.(yaml|yml|json))|defaults/cluster\\.yaml"),
                    file + " configKey");
        }
    }

    @Test
    void consoleInputs_coverEveryActionAnOperatorStarts() {
        Set<String> actions = new TreeSet<>();
        consoleInputs().forEach(f -> actions.add(ProjectFiles.readJson(f).path("action").asText()));
        Set<String> expected = new TreeSet<>();
        for (Action a : Action.values()) {
            expected.add(a.wireName());
        }
        expected.remove(Action.OFFBOARD.wireName()); // started by the cluster-deleted event only
        assertEquals(expected, actions);
    }

    @Test
    void migrationAndDryRunInputs_sayWhatTheirNamesPromise() {
        assertEquals(false, ProjectFiles.readJson(ProjectFiles.event("console-migrate-plan.json")).path("approve").asBoolean(true));
        assertEquals(true, ProjectFiles.readJson(ProjectFiles.event("console-migrate-approve.json")).path("approve").asBoolean(false));
        assertEquals(true, ProjectFiles.readJson(ProjectFiles.event("console-dry-run.json")).path("dryRun").asBoolean(false));
    }

    @Test
    void triggerEvents_comeFromTheDefaultWorldsAccountAndRegion_andGiveValidExecutionNames() {
        for (String file : List.of("cluster-created.json", "cluster-deleted.json", "config-uploaded.json",
                "scheduled-sweep.json")) {
            JsonNode event = ProjectFiles.readJson(ProjectFiles.event(file));
            assertEquals("111122223333", event.path("account").asText(), file);
            assertEquals("us-west-2", event.path("region").asText(), file);
        }
        JsonNode created = ProjectFiles.readJson(ProjectFiles.event("cluster-created.json")).path("detail");
        assertEquals("new-cluster", created.path("responseElements").path("cluster").path("name").asText());
        assertEquals("new-cluster", created.path("requestParameters").path("name").asText());
        assertEquals("CREATING", created.path("responseElements").path("cluster").path("status").asText());
        assertTrue(ExecutionNames.isValid(ExecutionNames.forTrigger("new-cluster", created.path("eventID").asText(), "onboard")));
        JsonNode scheduled = ProjectFiles.readJson(ProjectFiles.event("scheduled-sweep.json"));
        assertEquals("aws.events", scheduled.path("source").asText());
        assertEquals("Scheduled Event", scheduled.path("detail-type").asText());
        assertTrue(scheduled.path("resources").get(0).asText().startsWith("arn:aws:events:us-west-2:111122223333:rule/"));
        assertEquals("{}", scheduled.path("detail").toString());
        java.time.Instant.parse(scheduled.path("time").asText()); // the sweep names its report after this instant
        JsonNode object = ProjectFiles.readJson(ProjectFiles.event("config-uploaded.json")).path("detail").path("object");
        assertEquals("clusters/dev-cluster.yaml", object.path("key").asText());
        assertTrue(ExecutionNames.isValid(ExecutionNames.forTrigger("dev-cluster", object.path("version-id").asText(), "apply")));
    }

    @Test
    void readme_describesEveryEventFile() {
        String readme = ProjectFiles.read(ProjectFiles.root().resolve("events/README.md"));
        for (Path file : ProjectFiles.events("*.json")) {
            assertTrue(readme.contains("`" + file.getFileName() + "`"), "events/README.md does not describe " + file.getFileName());
        }
    }
}
