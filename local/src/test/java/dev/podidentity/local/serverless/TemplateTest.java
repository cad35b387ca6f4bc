package dev.podidentity.local.serverless;

import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.ProjectFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml: the SAM translation, the functions' contract, least-privilege IAM, the bucket, parameters. */
class TemplateTest {
    /** The tasks, in the order the template lists them; each has a module functions/<task>. */
    static final List<String> TASKS = List.of("dispatcher", "resolve", "cluster-status", "install-agent", "trust-policy",
            "association", "addon", "prune", "report");
    static final String ROLE_PATH_ARN = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role${RolePath}*";

    static CfnTemplate template;

    @BeforeAll
    static void load() {
        template = CfnTemplate.load();
    }

    // ------------------------------------------------------------------ SAM translation

    @Test
    void samTranslation_succeeds_withOneSnapStartArmJava21FunctionAndLiveAliasPerTask() throws Exception {
        JsonNode cfn = translate();
        Map<String, JsonNode> functions = ofType(cfn, "AWS::Lambda::Function");
        assertEquals(TASKS.size(), functions.size());
        functions.forEach((id, f) -> {
            JsonNode p = f.path("Properties");
            assertEquals("java21", p.path("Runtime").asText(), id);
            assertEquals("[\"arm64\"]", p.path("Architectures").toString(), id);
            assertEquals("PublishedVersions", p.path("SnapStart").path("ApplyOn").asText(), id);
            assertEquals("Active", p.path("TracingConfig").path("Mode").asText(), id);
            assertEquals("JSON", p.path("LoggingConfig").path("LogFormat").asText(), id);
        });
        Map<String, JsonNode> aliases = ofType(cfn, "AWS::Lambda::Alias");
        assertEquals(TASKS.size(), aliases.size());
        aliases.values().forEach(a -> assertEquals("live", a.path("Properties").path("Name").asText()));
        assertEquals(TASKS.size(), ofType(cfn, "AWS::Lambda::Version").size());

        JsonNode machine = ofType(cfn, "AWS::StepFunctions::StateMachine").values().iterator().next().path("Properties");
        assertEquals("STANDARD", machine.path("StateMachineType").asText());
        machine.path("DefinitionSubstitutions").properties().forEach(e -> {
            if (e.getKey().endsWith("FunctionArn")) {
                String ref = e.getValue().path("Ref").asText();
                assertTrue(aliases.containsKey(ref), e.getKey() + " resolves to " + ref + ", not an alias");
            }
        });
        ofType(cfn, "AWS::Events::Rule").forEach((id, rule) -> assertTrue(
                aliases.containsKey(rule.path("Properties").path("Targets").get(0).path("Arn").path("Ref").asText()), id));
        ofType(cfn, "AWS::IAM::Role").forEach((id, role) -> role.path("Properties").path("ManagedPolicyArns").forEach(arn ->
                assertFalse(arn.asText().matches(".*(AdministratorAccess|IAMFullAccess|PowerUserAccess).*"), id + " " + arn)));
    }

    // ------------------------------------------------------------------ functions

    @Test
    void functions_followTheHandlerAndArtifactContract() {
        Map<String, JsonNode> functions = template.resourcesOfType("AWS::Serverless::Function");
        List<String> expectedIds = TASKS.stream().map(t -> pascal(t) + "Function").toList();
        assertEquals(expectedIds, new ArrayList<>(functions.keySet()));
        for (String task : TASKS) {
            JsonNode p = functions.get(pascal(task) + "Function").path("Properties");
            assertEquals("functions/" + task + "/target/" + task + ".jar", p.path("CodeUri").asText(), task);
            assertEquals("dev.podidentity.functions." + task.replace("-", "") + "." + pascal(task) + "Handler::handleRequest",
                    p.path("Handler").asText(), task);
            assertEquals("JSON", p.path("LoggingConfig").path("LogFormat").asText(), task);
            assertEquals(pascal(task) + "LogGroup", p.path("LoggingConfig").path("LogGroup").path("Ref").asText(),
                    task + " logs to its own log group with the stack's retention");
            for (String perFunction : List.of("Runtime", "Architectures", "SnapStart", "AutoPublishAlias")) {
                assertFalse(p.has(perFunction), task + " overrides Globals." + perFunction);
            }
        }
        JsonNode globals = template.root().path("Globals").path("Function");
        assertEquals("java21", globals.path("Runtime").asText());
        assertEquals("[\"arm64\"]", globals.path("Architectures").toString());
        assertEquals("PublishedVersions", globals.path("SnapStart").path("ApplyOn").asText());
        assertEquals("live", globals.path("AutoPublishAlias").asText());
        assertEquals("Active", globals.path("Tracing").asText());
        JsonNode env = globals.path("Environment").path("Variables");
        assertEquals("-XX:+TieredCompilation -XX:TieredStopAtLevel=1", env.path("JAVA_TOOL_OPTIONS").asText());
        assertEquals("ConfigBucket", env.path("CONFIG_BUCKET").path("Ref").asText());
        assertEquals("RolePath", env.path("ROLE_PATH").path("Ref").asText());
        assertEquals("PermissionsBoundaryArn", env.path("PERMISSIONS_BOUNDARY_ARN").path("Ref").asText());
        assertEquals("DeniedPolicyArns", env.path("DENIED_POLICY_ARNS").path("Fn::Join").get(1).path("Ref").asText());
        assertEquals("PodIdentityStateMachine", functions.get("DispatcherFunction").path("Properties").path("Environment")
                .path("Variables").path("STATE_MACHINE_ARN").path("Ref").asText());
    }

    // ------------------------------------------------------------------ IAM

    @Test
    void noStatement_grantsWildcardActions_orIamWritesOnEveryResource() {
        allStatements().forEach((where, statement) -> {
            for (String action : actions(statement)) {
                assertFalse(action.equals("*") || (action.startsWith("iam:") && action.contains("*")),
                        where + " grants " + action);
                if (isIamWrite(action)) {
                    for (JsonNode resource : resources(statement)) {
                        assertFalse(resource.isTextual() && resource.asText().contains("*") && !resource.asText().startsWith("arn:"),
                                where + " " + action + " on " + resource);
                        String arn = resource.path("Fn::Sub").asText(resource.asText());
                        assertTrue(arn.startsWith("arn:${AWS::Partition}:iam::${AWS::AccountId}:role"),
                                where + " " + action + " must name this account's roles, not " + resource);
                    }
                }
            }
        });
    }

    @Test
    void roleCreation_isConfinedToTheRolePath_andConditionedOnTheBoundaryWhenSet() {
        List<String> creators = new ArrayList<>();
        allStatements().forEach((where, statement) -> {
            if (!actions(statement).contains("iam:CreateRole")) {
                return;
            }
            creators.add(where);
            assertEquals(List.of("iam:CreateRole"), actions(statement), where + " keeps CreateRole in its own statement");
            assertEquals(ROLE_PATH_ARN, resources(statement).get(0).path("Fn::Sub").asText(), where);
            JsonNode branches = statement.path("Condition").path("Fn::If");
            assertEquals("HasPermissionsBoundary", branches.get(0).asText(), where);
            assertEquals("PermissionsBoundaryArn",
                    branches.get(1).path("StringEquals").path("iam:PermissionsBoundary").path("Ref").asText(), where);
            for (int branch = 1; branch <= 2; branch++) {
                assertEquals("pod-identity-autopilot", branches.get(branch).path("StringEquals")
                        .path("aws:RequestTag/pod-identity-autopilot/managed-by").asText(), where + " tags what it creates");
            }
        });
        assertEquals(List.of("AssociationFunction/CreateOwnedRolesUnderPath", "AddonFunction/CreateOwnedRolesUnderPath"), creators);
    }

    @Test
    void passRole_isOnlyToPodIdentity() {
        allStatements().forEach((where, statement) -> {
            if (actions(statement).contains("iam:PassRole")) {
                assertEquals("pods.eks.amazonaws.com",
                        statement.path("Condition").path("StringEquals").path("iam:PassedToService").asText(), where);
            }
        });
    }

    @Test
    void managedPolicyAttachment_refusesTheDeniedPolicies() {
        allStatements().forEach((where, statement) -> {
            if (actions(statement).contains("iam:AttachRolePolicy")) {
                JsonNode branches = statement.path("Condition").path("Fn::If");
                for (int branch = 1; branch <= 2; branch++) {
                    assertEquals("DeniedPolicyArns",
                            branches.get(branch).path("ArnNotLike").path("iam:PolicyARN").path("Ref").asText(), where);
                }
                assertEquals(ROLE_PATH_ARN, resources(statement).get(0).path("Fn::Sub").asText(), where);
            }
        });
    }

    @Test
    void trustAndDeleteWrites_touchOnlyRolesUnderThePathOrTaggedForUs() {
        allStatements().forEach((where, statement) -> {
            List<String> actions = actions(statement);
            boolean underPath = ROLE_PATH_ARN.equals(resources(statement).get(0).path("Fn::Sub").asText());
            JsonNode tagged = statement.path("Condition").path("StringEquals");
            if (actions.contains("iam:UpdateAssumeRolePolicy")) {
                assertTrue(underPath || tagged.path("aws:ResourceTag/pod-identity-autopilot/migration").asText().equals("allowed"),
                        where + " may change the trust of any role");
            }
            if (actions.contains("iam:DeleteRole")) {
                assertTrue(underPath, where);
                assertEquals("pod-identity-autopilot", tagged.path("aws:ResourceTag/pod-identity-autopilot/managed-by").asText(),
                        where + " may delete roles it does not own");
            }
        });
    }

    @Test
    void readOnlyFunctions_haveNoWriteActions_butResolveStoresItsPlan() {
        for (String function : List.of("ResolveFunction", "ClusterStatusFunction")) {
            statements(function).forEach((where, statement) -> actions(statement).forEach(action -> {
                String verb = action.substring(action.indexOf(':') + 1);
                if (function.equals("ResolveFunction") && action.equals("s3:PutObject")) {
                    assertEquals(List.of("${ConfigBucket.Arn}/runs/*/plan.json"), resources(statement).stream()
                            .map(r -> r.path("Fn::Sub").asText()).toList(), where);
                    return;
                }
                assertTrue(verb.startsWith("Get") || verb.startsWith("List") || verb.startsWith("Describe"), where + " " + action);
            }));
        }
    }

    @Test
    void dispatcher_mayOnlyStartThisStateMachine() {
        Map<String, JsonNode> statements = statements("DispatcherFunction");
        assertEquals(1, statements.size());
        JsonNode only = statements.values().iterator().next();
        assertEquals(List.of("states:StartExecution"), actions(only));
        assertEquals("PodIdentityStateMachine", resources(only).get(0).path("Ref").asText());
    }

    @Test
    void bucketAccess_readsConfigsAndRunArtifacts_writesOnlyPlansOutcomesAndReports() {
        Set<String> batchFunctions = Set.of("TrustPolicyFunction", "AssociationFunction", "AddonFunction", "PruneFunction");
        Map<String, Set<String>> writes = new java.util.TreeMap<>();
        allStatements().forEach((where, statement) -> actions(statement).forEach(action -> {
            if (!action.startsWith("s3:") || action.equals("s3:ListBucket")) {
                return;
            }
            String function = where.substring(0, where.indexOf('/') > 0 ? where.indexOf('/') : where.length());
            for (JsonNode resource : resources(statement)) {
                String key = resource.path("Fn::Sub").asText();
                if (action.startsWith("s3:Get")) {
                    assertTrue(Set.of("${ConfigBucket.Arn}/clusters/*", "${ConfigBucket.Arn}/defaults/*",
                            "${ConfigBucket.Arn}/runs/*").contains(key), where + " " + key);
                } else {
                    assertEquals("s3:PutObject", action, where);
                    writes.computeIfAbsent(key, k -> new TreeSet<>()).add(function);
                }
            }
        }));
        assertEquals(Set.of("ResolveFunction"), writes.get("${ConfigBucket.Arn}/runs/*/plan.json"), writes.toString());
        assertEquals(batchFunctions, writes.get("${ConfigBucket.Arn}/runs/*/outcomes/*"), writes.toString());
        assertEquals(Set.of("ReportFunction"), writes.get("${ConfigBucket.Arn}/reports/*"), writes.toString());
        assertEquals(3, writes.size(), writes.toString());
    }

    @Test
    void listBucket_isLimitedToThePrefixesEachFunctionReads() {
        allStatements().forEach((where, statement) -> {
            if (actions(statement).contains("s3:ListBucket")) {
                JsonNode prefixes = statement.path("Condition").path("StringLike").path("s3:prefix");
                assertTrue(prefixes.isArray() && !prefixes.isEmpty(), where + " lists the whole bucket");
                prefixes.forEach(p -> assertTrue(Set.of("clusters/*", "defaults/*", "runs/*").contains(p.asText()),
                        where + " " + p));
            }
        });
    }

    @Test
    void stateMachine_invokesExactlyTheTaskAliases_logsAndTraces() {
        JsonNode p = template.resource("PodIdentityStateMachine").path("Properties");
        assertEquals("STANDARD", p.path("Type").asText());
        assertEquals("statemachine/pod-identity.asl.json", p.path("DefinitionUri").asText());
        assertTrue(p.path("Tracing").path("Enabled").asBoolean());
        assertEquals("StateMachineLogGroup", p.path("Logging").path("Destinations").get(0).path("CloudWatchLogsLogGroup")
                .path("LogGroupArn").path("Fn::GetAtt").get(0).asText());
        Set<String> invoked = new TreeSet<>();
        Set<String> substituted = new TreeSet<>();
        statements("PodIdentityStateMachine").forEach((where, statement) -> {
            if (actions(statement).contains("lambda:InvokeFunction")) {
                resources(statement).forEach(r -> invoked.add(r.path("Ref").asText()));
            }
        });
        p.path("DefinitionSubstitutions").properties().forEach(e -> {
            if (e.getKey().endsWith("FunctionArn")) {
                substituted.add(e.getValue().path("Ref").asText());
            }
        });
        assertEquals(substituted, invoked);
    }

    // ------------------------------------------------------------------ bucket, parameters, outputs

    @Test
    void configBucket_isPrivateVersionedEncryptedTlsOnlyAndRetained() {
        JsonNode bucket = template.resource("ConfigBucket");
        assertEquals("Retain", bucket.path("DeletionPolicy").asText());
        assertEquals("Retain", bucket.path("UpdateReplacePolicy").asText());
        JsonNode p = bucket.path("Properties");
        assertEquals("Enabled", p.path("VersioningConfiguration").path("Status").asText());
        assertFalse(p.path("BucketEncryption").path("ServerSideEncryptionConfiguration").get(0)
                .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText().isEmpty());
        p.path("PublicAccessBlockConfiguration").forEach(flag -> assertTrue(flag.asBoolean()));
        assertEquals(4, p.path("PublicAccessBlockConfiguration").size());
        assertTrue(p.path("NotificationConfiguration").path("EventBridgeConfiguration").path("EventBridgeEnabled").asBoolean());
        JsonNode deny = template.resource("ConfigBucketPolicy").path("Properties").path("PolicyDocument").path("Statement").get(0);
        assertEquals("Deny", deny.path("Effect").asText());
        assertEquals("false", deny.path("Condition").path("Bool").path("aws:SecureTransport").asText());
        assertEquals("s3:*", deny.path("Action").asText());
    }

    @Test
    void rolePathParameter_acceptsSubPathsOnly() {
        JsonNode rolePath = template.parameter("RolePath");
        assertEquals("/pod-identity-autopilot/", rolePath.path("Default").asText());
        Pattern allowed = Pattern.compile(rolePath.path("AllowedPattern").asText());
        for (String ok : List.of("/pod-identity-autopilot/", "/platform/pods/", "/a/")) {
            assertTrue(allowed.matcher(ok).matches(), ok);
        }
        for (String bad : List.of("/", "", "pod-identity-autopilot/", "/pod-identity-autopilot", "/a b/", "/*/")) {
            assertFalse(allowed.matcher(bad).matches(), "RolePath " + bad + " would widen the IAM write scope");
        }
    }

    @Test
    void parametersAndOutputs_areThere() {
        assertEquals("", template.parameter("PermissionsBoundaryArn").path("Default").asText("x"));
        assertTrue(template.root().path("Conditions").has("HasPermissionsBoundary"));
        JsonNode denied = template.parameter("DeniedPolicyArns");
        assertEquals("CommaDelimitedList", denied.path("Type").asText());
        for (String policy : List.of("AdministratorAccess", "IAMFullAccess", "PowerUserAccess")) {
            assertTrue(List.of(denied.path("Default").asText().split(",")).contains("arn:aws:iam::aws:policy/" + policy), policy);
        }
        assertEquals(5, template.parameter("MapMaxConcurrency").path("Default").asInt());
        assertTrue(template.parameter("LogRetentionDays").path("Default").asInt() > 0);
        for (String output : List.of("ConfigBucketName", "StateMachineArn", "DispatcherFunctionArn")) {
            assertTrue(template.root().path("Outputs").has(output), output);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Runs local/bin/sam-translate; skipped only where python3 with aws-sam-translator and cfn-lint is missing. */
    private static JsonNode translate() throws IOException, InterruptedException {
        Path root = ProjectFiles.root();
        Path out = root.resolve("local/target/sam/template.json");
        Files.createDirectories(out.getParent());
        Process probe;
        try {
            probe = new ProcessBuilder("python3", "-c", "import samtranslator, cfnlint.decode.cfn_yaml")
                    .redirectErrorStream(true).start();
        } catch (IOException noPython) {
            Assumptions.abort("python3 is not installed; the SAM translation needs python3 with aws-sam-translator and cfn-lint");
            return null;
        }
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "python3 lacks aws-sam-translator or cfn-lint (pip install aws-sam-translator cfn-lint)");
        Process p = new ProcessBuilder("python3", "local/bin/sam-translate", "template.yaml", out.toString())
                .directory(root.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sam-translate did not finish");
        assertEquals(0, p.exitValue(), "sam-translate failed:\n" + log);
        return ProjectFiles.readJson(out);
    }

    private static Map<String, JsonNode> ofType(JsonNode cfn, String type) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        cfn.path("Resources").properties().forEach(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    /** Every inline statement of every function and of the state machine, keyed "Resource/Sid". */
    private static Map<String, JsonNode> allStatements() {
        Map<String, JsonNode> all = new LinkedHashMap<>();
        template.resourcesOfType("AWS::Serverless::Function").keySet().forEach(id -> all.putAll(statements(id)));
        all.putAll(statements("PodIdentityStateMachine"));
        return all;
    }

    private static Map<String, JsonNode> statements(String resource) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        int n = 0;
        for (JsonNode policy : template.resource(resource).path("Properties").path("Policies")) {
            assertTrue(policy.has("Statement"), resource + " uses a policy template or managed policy; inline statements only");
            for (JsonNode statement : policy.path("Statement")) {
                assertEquals("Allow", statement.path("Effect").asText());
                out.put(resource + "/" + statement.path("Sid").asText("#" + n++), statement);
            }
        }
        return out;
    }

    private static List<String> actions(JsonNode statement) {
        List<String> out = new ArrayList<>();
        JsonNode a = statement.path("Action");
        if (a.isArray()) {
            a.forEach(x -> out.add(x.asText()));
        } else {
            out.add(a.asText());
        }
        return out;
    }

    private static List<JsonNode> resources(JsonNode statement) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode r = statement.path("Resource");
        if (r.isArray()) {
            r.forEach(out::add);
        } else {
            out.add(r);
        }
        return out;
    }

    private static boolean isIamWrite(String action) {
        if (!action.startsWith("iam:")) {
            return false;
        }
        String verb = action.substring(4).toLowerCase(Locale.ROOT);
        return !(verb.startsWith("get") || verb.startsWith("list"));
    }

    private static String pascal(String task) {
        StringBuilder out = new StringBuilder();
        for (String part : task.split("-")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }
}
