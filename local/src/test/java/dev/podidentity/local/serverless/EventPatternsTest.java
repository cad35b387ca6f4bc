package dev.podidentity.local.serverless;

import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.EventRules;
import dev.podidentity.local.app.ProjectFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The EventBridge rules in template.yaml, matched by AWS's own engine (event-ruler) against the real-shaped events
 * in events/ and against near misses that must not start a run.
 */
class EventPatternsTest {
    /** The bucket name CloudFormation gives the config bucket in account 111122223333 (ConfigBucketName empty). */
    static final String BUCKET = "pod-identity-autopilot-config-111122223333";

    private static EventRules rules;

    @BeforeAll
    static void loadRulesFromTemplate() {
        rules = EventRules.fromTemplate(CfnTemplate.load(), BUCKET);
    }

    @Test
    void template_hasOneRulePerTrigger_eachTargetingTheDispatcherAlias() {
        assertEquals(List.of("ClusterCreatedRule", "ClusterDeletedRule", "ConfigUploadedRule"), rules.ruleIds());
        assertEquals(List.of("SweepScheduleRule"), rules.disabledRuleIds(), "the sweep's schedule is off by default");
        CfnTemplate.load().resourcesOfType("AWS::Events::Rule").forEach((id, rule) -> {
            if (rule.path("Properties").has("ScheduleExpression")) {
                return; // the sweep's schedule: TemplateTest
            }
            if (id.equals("NotificationRule")) {
                return; // not a trigger: our own events to the notification target (OperationsTemplateTest)
            }
            JsonNode targets = rule.path("Properties").path("Targets");
            assertEquals(1, targets.size(), id);
            assertEquals("DispatcherFunction.Alias", targets.get(0).path("Arn").path("Ref").asText(),
                    id + " must invoke the dispatcher's live alias (SnapStart applies to published versions only)");
            assertFalse(targets.get(0).path("DeadLetterConfig").isMissingNode(), id + " keeps undeliverable events");
        });
    }

    static Stream<Arguments> triggerEvents() {
        return Stream.of(
                Arguments.of("cluster-created.json", "ClusterCreatedRule"),
                Arguments.of("cluster-deleted.json", "ClusterDeletedRule"),
                Arguments.of("config-uploaded.json", "ConfigUploadedRule"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("triggerEvents")
    void triggerEvent_matchesExactlyItsRule(String file, String rule) throws Exception {
        assertEquals(List.of(rule), matches(ProjectFiles.readJson(ProjectFiles.event(file))));
    }

    @Test
    void scheduledEvent_isRoutedToTheSweep_onlyWhenTheStackEnablesIt() throws Exception {
        JsonNode scheduled = ProjectFiles.readJson(ProjectFiles.event("scheduled-sweep.json"));
        assertEquals(List.of(), matches(scheduled), "DISABLED by default: EventBridge sends nothing");
        EventRules enabled = EventRules.fromTemplate(CfnTemplate.load(), BUCKET, Map.of("SweepEnabled", "true"));
        assertEquals(List.of("ClusterCreatedRule", "ClusterDeletedRule", "ConfigUploadedRule", "SweepScheduleRule"),
                enabled.ruleIds().stream().sorted().toList());
        assertEquals(List.of("SweepScheduleRule"), enabled.matches(scheduled));
        for (String file : List.of("cluster-created.json", "cluster-deleted.json", "config-uploaded.json")) {
            assertFalse(enabled.matches(ProjectFiles.readJson(ProjectFiles.event(file))).contains("SweepScheduleRule"), file);
        }
        ObjectNode otherRule = (ObjectNode) scheduled.deepCopy();
        otherRule.putArray("resources").add("arn:aws:events:us-west-2:111122223333:rule/nightly-backup");
        assertEquals(List.of(), enabled.matches(otherRule), "another rule's schedule is not ours");
        ObjectNode custom = (ObjectNode) scheduled.deepCopy();
        custom.put("source", "com.example.scheduler");
        assertEquals(List.of(), enabled.matches(custom), "a custom source pretending to be a schedule");
    }

    static Stream<Path> consoleInputs() {
        return ProjectFiles.events("console-*.json").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("consoleInputs")
    void consoleInput_isNoEvent_matchesNoRule(Path file) throws Exception {
        assertEquals(List.of(), matches(ProjectFiles.readJson(file)));
    }

    static Stream<Arguments> variantsThatMustMatch() {
        return Stream.of(
                variant("config-uploaded.json", "a .yml config", e -> key(e, "clusters/dev-cluster.yml")),
                variant("config-uploaded.json", "a .json config", e -> key(e, "clusters/dev-cluster.json")),
                variant("config-uploaded.json", "a multipart upload", e -> detail(e).put("reason", "CompleteMultipartUpload")),
                variant("config-uploaded.json", "a copied config", e -> detail(e).put("reason", "CopyObject")),
                variant("config-uploaded.json", "the newer event version with aws-generated-tags", e -> {
                    detail(e).put("event-version", "1.1");
                    ((ObjectNode) detail(e).path("bucket")).putArray("aws-generated-tags");
                }),
                variant("cluster-created.json", "a CreateCluster by another account's automation",
                        e -> ((ObjectNode) detail(e).path("userIdentity")).put("accountId", "444455556666")),
                variant("cluster-created.json", "an Auto Mode cluster",
                        e -> ((ObjectNode) detail(e).path("requestParameters")).putObject("computeConfig").put("enabled", true)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("variantsThatMustMatch")
    void variantOfTriggerEvent_stillMatches(String file, String description, Consumer<ObjectNode> change) throws Exception {
        ObjectNode event = (ObjectNode) ProjectFiles.readJson(ProjectFiles.event(file));
        List<String> before = matches(event);
        change.accept(event);
        assertEquals(before, matches(event), description);
    }

    static Stream<Arguments> nearMisses() {
        return Stream.of(
                variant("cluster-created.json", "a CreateCluster that failed (errorCode set)", e -> {
                    detail(e).put("errorCode", "ResourceInUseException");
                    detail(e).put("errorMessage", "Cluster already exists with name: new-cluster");
                    detail(e).putNull("responseElements");
                }),
                variant("cluster-deleted.json", "a DeleteCluster that was refused",
                        e -> detail(e).put("errorCode", "AccessDenied")),
                variant("cluster-created.json", "UpdateClusterConfig", e -> detail(e).put("eventName", "UpdateClusterConfig")),
                variant("cluster-created.json", "CreateAddon", e -> detail(e).put("eventName", "CreateAddon")),
                variant("cluster-created.json", "CreatePodIdentityAssociation",
                        e -> detail(e).put("eventName", "CreatePodIdentityAssociation")),
                variant("cluster-created.json", "createcluster in other case", e -> detail(e).put("eventName", "createcluster")),
                variant("cluster-created.json", "another source", e -> e.put("source", "aws.ec2")),
                variant("cluster-created.json", "a custom source pretending to be EKS", e -> e.put("source", "com.example.eks")),
                variant("cluster-created.json", "EKS Auth's event source", e -> detail(e).put("eventSource", "eks-auth.amazonaws.com")),
                variant("cluster-created.json", "a native EKS event", e -> e.put("detail-type", "EKS Addon Creation Succeeded")),
                variant("config-uploaded.json", "a report written back to the bucket",
                        e -> key(e, "reports/dev-cluster/apply-dev-cluster-x.json")),
                variant("config-uploaded.json", "the defaults file (applied at onboarding, not on upload)",
                        e -> key(e, "defaults/cluster.yaml")),
                variant("config-uploaded.json", "a text file", e -> key(e, "clusters/dev-cluster.txt")),
                variant("config-uploaded.json", "an editor backup", e -> key(e, "clusters/dev-cluster.yaml.bak")),
                variant("config-uploaded.json", "no extension", e -> key(e, "clusters/dev-cluster")),
                variant("config-uploaded.json", "upper-case extension", e -> key(e, "clusters/dev-cluster.YAML")),
                variant("config-uploaded.json", "clusters/ not at the start", e -> key(e, "archive/clusters/dev-cluster.yaml")),
                variant("config-uploaded.json", "another bucket",
                        e -> ((ObjectNode) detail(e).path("bucket")).put("name", "pod-identity-autopilot-config-444455556666")),
                variant("config-uploaded.json", "a deleted object", e -> e.put("detail-type", "Object Deleted")),
                variant("config-uploaded.json", "another source", e -> e.put("source", "aws.s3-outposts")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("nearMisses")
    void nearMiss_matchesNoRule(String file, String description, Consumer<ObjectNode> change) throws Exception {
        ObjectNode event = (ObjectNode) ProjectFiles.readJson(ProjectFiles.event(file));
        change.accept(event);
        assertEquals(List.of(), matches(event), description);
    }

    private static List<String> matches(JsonNode event) throws Exception {
        return rules.matches(event).stream().sorted().toList();
    }

    private static Arguments variant(String file, String description, Consumer<ObjectNode> change) {
        return Arguments.of(file, description, change);
    }

    private static ObjectNode detail(ObjectNode event) {
        return (ObjectNode) event.path("detail");
    }

    private static void key(ObjectNode event, String key) {
        ((ObjectNode) detail(event).path("object")).put("key", key);
    }
}
