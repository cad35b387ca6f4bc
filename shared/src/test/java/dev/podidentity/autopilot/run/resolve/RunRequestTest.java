package dev.podidentity.autopilot.run.resolve;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podidentity.autopilot.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The execution input (from the dispatcher or the console), checked before Resolve reads anything. */
class RunRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> problems(String json) throws Exception {
        return assertThrows(InvalidInputException.class, () -> RunRequest.from(JSON.readTree(json)))
                .problems();
    }

    @Test
    void from_whenFieldsHaveTheWrongType_namesEachField() throws Exception {
        assertEquals(List.of("configKey: must be a string, got number",
                        "dryRun: must be true or false, got string \"false\"",
                        "approve: must be true or false, got number 1"),
                problems("""
                        {"action": "apply", "cluster": "c", "configKey": 7, "dryRun": "false", "approve": 1}"""));
    }

    @Test
    void from_whenConfigKeyIsOutsideClustersAndDefaults_refusesIt() throws Exception {
        for (String key : List.of("reports/c/e.json", "clusters/../reports/x.json", "/clusters/c.yaml")) {
            List<String> problems = problems("{\"action\": \"apply\", \"cluster\": \"c\", \"configKey\": \"" + key + "\"}");
            assertEquals(1, problems.size(), problems::toString);
            assertTrue(problems.get(0).startsWith("configKey: \"" + key + "\" is not a config in the bucket"),
                    problems.get(0));
        }
    }

    @Test
    void from_whenClusterIsNotAnEksName_refusesIt() throws Exception {
        assertEquals(List.of("cluster: \"a/b\" is not an EKS cluster name (1-100 letters, digits, - and _, a letter "
                + "or digit first)"), problems("{\"action\": \"get\", \"cluster\": \"a/b\"}"));
    }

    @Test
    void from_whenInputIsWellFormed_readsIt() throws Exception {
        RunRequest r = RunRequest.from(JSON.readTree("""
                {"action": "apply", "cluster": "dev-cluster", "configKey": "clusters/dev-cluster.yaml",
                 "dryRun": true, "trigger": {"type": "s3", "id": "v1"}}"""));
        assertEquals("clusters/dev-cluster.yaml", r.configKey());
        assertTrue(r.dryRun());
        assertTrue(RunRequest.configKeyAllowed("defaults/cluster.yaml"));
    }
}
