package dev.podidentity.local.serverless;

import dev.podidentity.autopilot.config.tree.ReadLimits;
import dev.podidentity.autopilot.guard.Guardrails;
import dev.podidentity.autopilot.guard.NamespaceAllowList;
import dev.podidentity.autopilot.run.RunSettings;
import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.app.StackParameters;

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
    /** The functions, in the order the template lists them; each has a module functions/<task>. */
    static final List<String> TASKS = List.of("dispatcher", "resolve", "cluster-status", "install-agent", "trust-policy",
            "association", "addon", "prune", "report", "sweep", "lock");
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
        ofType(cfn, "AWS::Events::Rule").forEach((id, rule) -> assertTrue(id.equals("NotificationRule") // SNS targets
                || aliases.containsKey(rule.path("Properties").path("Targets").get(0).path("Arn").path("Ref").asText()), id));
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
            // the module directory sam build builds (SamBuildRulesTest checks the rules SAM CLI applies to it)
            assertEquals("functions/" + task + "/", p.path("CodeUri").asText(), task);
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
        JsonNode resolveEnv = functions.get("ResolveFunction").path("Properties").path("Environment").path("Variables");
        // Issue 13: the configured boundary, or the stack's default one when none is configured.
        JsonNode boundary = resolveEnv.path("PERMISSIONS_BOUNDARY_ARN").path("Fn::If");
        assertEquals("HasPermissionsBoundary", boundary.get(0).asText());
        assertEquals("PermissionsBoundaryArn", boundary.get(1).path("Ref").asText());
        assertEquals("DefaultPermissionsBoundary", boundary.get(2).path("Ref").asText());
        assertEquals("DeniedPolicyArns", resolveEnv.path("DENIED_POLICY_ARNS").path("Fn::Join").get(1).path("Ref").asText());
        assertEquals("PodIdentityStateMachine", functions.get("DispatcherFunction").path("Properties").path("Environment")
                .path("Variables").path("STATE_MACHINE_ARN").path("Ref").asText());
    }

    // ------------------------------------------------------------------ IAM

    @Test
    void noStatement_grantsWildcardActions_orIamWritesOnEveryResource() {
        allows().forEach((where, statement) -> {
            for (String action : actions(statement)) {
                assertFalse(action.equals("*") || (action.startsWith("iam:") && action.contains("*")),
                        where + " grants " + action);
                if (isIamWrite(action)) {
                    List<JsonNode> flat = new ArrayList<>();
                    for (JsonNode resource : resources(statement)) {
                        // A resource chosen by a condition: both branches (and those of a nested condition) are
                        // held to the rule.
                        java.util.Deque<JsonNode> open = new java.util.ArrayDeque<>(List.of(resource));
                        while (!open.isEmpty()) {
                            JsonNode r = open.pop();
                            if (r.has("Fn::If")) {
                                open.push(r.get("Fn::If").get(1));
                                open.push(r.get("Fn::If").get(2));
                            } else {
                                flat.add(r);
                            }
                        }
                    }
                    for (JsonNode resource : flat) {
                        if (resource.has("Fn::Split")) {
                            continue; // AllowedRoleArnPatterns: role ARNs by the parameter's AllowedPattern
                        }
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
        allows().forEach((where, statement) -> {
            if (actions(statement).contains("iam:PassRole")) {
                String service = statement.path("Condition").path("StringEquals").path("iam:PassedToService").asText();
                if (IRSA_PASS_ROLE.contains(where.substring(where.indexOf('/') + 1))) {
                    // an addon's IRSA role is passed to EKS itself, and only by the Addon function
                    assertEquals("eks.amazonaws.com", service, where);
                    assertTrue(where.startsWith("AddonFunction/"), where);
                } else {
                    assertEquals("pods.eks.amazonaws.com", service, where);
                }
            }
        });
    }

    /** The Addon function's grants to pass an addon's IRSA role (serviceAccountRoleARN) to EKS. */
    static final java.util.Set<String> IRSA_PASS_ROLE = java.util.Set.of("PassIrsaRolesToAddons",
            "PassAssignableIrsaRolesToAddons");

    @Test
    void managedPolicyAttachment_refusesTheDeniedPolicies() {
        allows().forEach((where, statement) -> {
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
    void sweep_readsOnly_andWritesNothingButItsOwnReports() {
        Map<String, JsonNode> statements = statements("SweepFunction");
        List<String> writes = new ArrayList<>();
        statements.forEach((where, statement) -> actions(statement).forEach(action -> {
            String verb = action.substring(action.indexOf(':') + 1);
            if (!(verb.startsWith("Get") || verb.startsWith("List") || verb.startsWith("Describe"))) {
                writes.add(action + " on " + resources(statement));
            }
        }));
        // its report, and one event per finding that needs a person (only on the default bus, only with our source:
        // OperationsTemplateTest)
        assertEquals(List.of("events:PutEvents on [{\"Fn::Sub\":\"arn:${AWS::Partition}:events:${AWS::Region}:"
                + "${AWS::AccountId}:event-bus/default\"}]",
                "s3:PutObject on [{\"Fn::Sub\":\"${ConfigBucket.Arn}/sweeps/*\"}]"), writes);
        assertEquals(List.of("clusters/*", "defaults/*", "reports/*", "sweeps/*"), ProjectFiles.JSON.convertValue(
                statements.get("SweepFunction/ListConfigsReportsAndSweeps").path("Condition").path("StringLike")
                        .path("s3:prefix"), List.class));
        JsonNode p = template.resource("SweepFunction").path("Properties");
        assertEquals("SweepMaxClusters", p.path("Environment").path("Variables").path("SWEEP_MAX_CLUSTERS").path("Ref").asText());
        assertEquals(0, p.path("EventInvokeConfig").path("MaximumRetryAttempts").asInt(-1),
                "a failed sweep waits for the next schedule instead of writing a second report");
    }

    @Test
    void sweepSchedule_isDisabledByDefault_andTargetsTheSweepAliasOnly() {
        JsonNode rule = template.resource("SweepScheduleRule").path("Properties");
        assertEquals("SweepSchedule", rule.path("ScheduleExpression").path("Ref").asText());
        assertFalse(rule.has("EventPattern"), "a schedule rule, not a pattern");
        JsonNode state = rule.path("State").path("Fn::If");
        assertEquals(List.of("SweepIsEnabled", "ENABLED", "DISABLED"), List.of(state.get(0).asText(), state.get(1).asText(),
                state.get(2).asText()));
        JsonNode condition = template.root().path("Conditions").path("SweepIsEnabled").path("Fn::Equals");
        assertEquals("SweepEnabled", condition.get(0).path("Ref").asText());
        assertEquals("true", condition.get(1).asText());
        assertEquals("false", template.parameter("SweepEnabled").path("Default").asText(),
                "the sweep must be switched on on purpose: by default the rule is DISABLED");
        assertEquals("rate(1 day)", template.parameter("SweepSchedule").path("Default").asText());
        Pattern schedule = Pattern.compile(template.parameter("SweepSchedule").path("AllowedPattern").asText());
        assertTrue(schedule.matcher("cron(0 6 * * ? *)").matches());
        assertFalse(schedule.matcher("every day").matches());
        assertEquals("SweepFunction.Alias", rule.path("Targets").get(0).path("Arn").path("Ref").asText());
        JsonNode permission = template.resource("SweepSchedulePermission").path("Properties");
        assertEquals("SweepFunction.Alias", permission.path("FunctionName").path("Ref").asText());
        assertEquals("events.amazonaws.com", permission.path("Principal").asText());
        assertEquals("SweepScheduleRule", permission.path("SourceArn").path("Fn::GetAtt").get(0).asText());
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
                    // only the sweep reads its own earlier reports (sweeps/*), to resume where the last one stopped
                    assertTrue(Set.of("${ConfigBucket.Arn}/clusters/*", "${ConfigBucket.Arn}/defaults/*",
                            "${ConfigBucket.Arn}/runs/*").contains(key)
                            || key.equals("${ConfigBucket.Arn}/sweeps/*") && function.equals("SweepFunction"),
                            where + " " + key);
                } else {
                    assertEquals("s3:PutObject", action, where);
                    writes.computeIfAbsent(key, k -> new TreeSet<>()).add(function);
                }
            }
        }));
        assertEquals(Set.of("ResolveFunction"), writes.get("${ConfigBucket.Arn}/runs/*/plan.json"), writes.toString());
        assertEquals(batchFunctions, writes.get("${ConfigBucket.Arn}/runs/*/outcomes/*"), writes.toString());
        assertEquals(Set.of("ReportFunction"), writes.get("${ConfigBucket.Arn}/reports/*"), writes.toString());
        assertEquals(Set.of("SweepFunction"), writes.get("${ConfigBucket.Arn}/sweeps/*"), writes.toString());
        assertEquals(4, writes.size(), writes.toString());
    }

    @Test
    void listBucket_isLimitedToThePrefixesEachFunctionReads() {
        allStatements().forEach((where, statement) -> {
            if (actions(statement).contains("s3:ListBucket")) {
                JsonNode prefixes = statement.path("Condition").path("StringLike").path("s3:prefix");
                assertTrue(prefixes.isArray() && !prefixes.isEmpty(), where + " lists the whole bucket");
                Set<String> allowed = where.startsWith("SweepFunction/")
                        ? Set.of("clusters/*", "defaults/*", "reports/*", "sweeps/*")
                        : Set.of("clusters/*", "defaults/*", "runs/*");
                prefixes.forEach(p -> assertTrue(allowed.contains(p.asText()), where + " " + p));
            }
        });
    }

    /**
     * A Task whose invocation hangs (a Lambda service problem, not the function) must not hold the run and its
     * cluster's lock for the state machine's 2 hours: every Task times out, after its function's own Timeout (the
     * function's timeout is a retried Lambda error; the Task's is States.Timeout, caught on to the Report) and at
     * most a minute later.
     */
    @Test
    void everyTask_hasATimeoutThatFitsItsFunctionsTimeout() {
        JsonNode substitutions = template.resource("PodIdentityStateMachine").path("Properties")
                .path("DefinitionSubstitutions");
        int globalTimeout = template.root().at("/Globals/Function/Timeout").asInt();
        List<String> problems = new ArrayList<>();
        List<JsonNode> tasks = new ArrayList<>();
        collectTasks(ProjectFiles.readJson(ProjectFiles.stateMachine()).path("States"), tasks);
        assertTrue(tasks.size() >= 10, "tasks: " + tasks.size());
        for (JsonNode task : tasks) {
            String resource = task.path("Resource").asText();
            String key = resource.substring(2, resource.length() - 1);
            String function = substitutions.path(key).path("Ref").asText().replace(".Alias", "");
            JsonNode timeout = template.resource(function).at("/Properties/Timeout");
            int functionTimeout = timeout.isMissingNode() ? globalTimeout : timeout.asInt();
            int taskTimeout = task.path("TimeoutSeconds").asInt(0);
            if (taskTimeout <= functionTimeout || taskTimeout > functionTimeout + 60) {
                problems.add(resource + ": TimeoutSeconds " + taskTimeout + " for a function with Timeout "
                        + functionTimeout);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static void collectTasks(JsonNode states, List<JsonNode> into) {
        states.forEach(state -> {
            if ("Task".equals(state.path("Type").asText())) {
                into.add(state);
            }
            collectTasks(state.path("ItemProcessor").path("States"), into);
            state.path("Branches").forEach(branch -> collectTasks(branch.path("States"), into));
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

    @Test
    void lockTable_isEncryptedRecoverableWithTtl_andOnlyTheLockFunctionReachesItsItems() {
        JsonNode table = template.resource("ClusterLockTable").path("Properties");
        assertEquals("PAY_PER_REQUEST", table.path("BillingMode").asText());
        assertEquals("lockId", table.path("KeySchema").get(0).path("AttributeName").asText());
        assertTrue(table.path("SSESpecification").path("SSEEnabled").asBoolean());
        assertEquals("expiresAt", table.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(table.path("TimeToLiveSpecification").path("Enabled").asBoolean());
        assertTrue(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());

        allStatements().forEach((where, statement) -> actions(statement).forEach(action -> {
            if (action.startsWith("dynamodb:")) {
                assertTrue(where.startsWith("LockFunction/"), where + " " + action);
                assertTrue(Set.of("dynamodb:UpdateItem", "dynamodb:GetItem").contains(action), action);
                assertEquals("[\"ClusterLockTable\",\"Arn\"]", resources(statement).get(0).path("Fn::GetAtt").toString());
            }
        }));
        JsonNode describe = statements("LockFunction").get("LockFunction/DescribeExecutionsOfThisStateMachine");
        assertEquals(List.of("states:DescribeExecution"), actions(describe));
        String machineName = template.resource("PodIdentityStateMachine").path("Properties").path("Name")
                .path("Fn::Sub").asText();
        assertEquals("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:" + machineName + ":*",
                resources(describe).get(0).path("Fn::Sub").asText(), "exactly this state machine's executions");

        JsonNode env = template.resource("LockFunction").path("Properties").path("Environment").path("Variables");
        assertEquals("ClusterLockTable", env.path("LOCK_TABLE").path("Ref").asText());
        assertEquals("LockLeaseSeconds", env.path("LOCK_LEASE_SECONDS").path("Ref").asText());
        int timeout = ProjectFiles.readJson(ProjectFiles.stateMachine()).path("TimeoutSeconds").asInt();
        assertEquals(timeout, template.parameter("LockLeaseSeconds").path("Default").asInt(),
                "by default a lease lasts as long as a run may");
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

    // ------------------------------------------------------------------ guardrails in IAM

    static final List<String> ROLE_WRITERS = List.of("AssociationFunction", "AddonFunction");
    static final String OWNED_TAG = "aws:ResourceTag/pod-identity-autopilot/managed-by";

    @Test
    void roleWriters_denyTheDeniedManagedPolicies_whateverElseTheyAreGranted() {
        for (String function : ROLE_WRITERS) {
            JsonNode deny = statements(function).get(function + "/DenyDeniedManagedPolicies");
            assertEquals("Deny", deny.path("Effect").asText(), function);
            assertEquals(List.of("iam:AttachRolePolicy"), actions(deny), function);
            assertEquals("*", deny.path("Resource").asText(), function);
            assertEquals("DeniedPolicyArns", deny.path("Condition").path("ArnLike").path("iam:PolicyARN").path("Ref").asText(),
                    function);
        }
    }

    @Test
    void roleWriters_denyRemovingOrSwappingTheBoundary() {
        for (String function : ROLE_WRITERS) {
            JsonNode removal = statements(function).get(function + "/DenyBoundaryRemoval");
            assertEquals("Deny", removal.path("Effect").asText(), function);
            assertEquals(List.of("iam:DeleteRolePermissionsBoundary"), actions(removal), function);
            assertEquals("*", removal.path("Resource").asText(), function);
            assertTrue(removal.path("Condition").isMissingNode(), function + " denies every removal");

            JsonNode swaps = statements(function).get(function + "/DenyBoundarySwaps");
            assertEquals("Deny", swaps.path("Effect").asText(), function);
            assertEquals(List.of("iam:PutRolePermissionsBoundary"), actions(swaps), function);
            JsonNode other = swaps.path("Condition").path("StringNotLike").path("iam:PermissionsBoundary").path("Fn::If");
            assertEquals("HasPermissionsBoundary", other.get(0).asText(), function);
            assertEquals("PermissionsBoundaryArn", other.get(1).path("Ref").asText(), function);
            // Issue 13: without a configured boundary the stack's default one is the only boundary allowed.
            assertEquals("DefaultPermissionsBoundary", other.get(2).path("Ref").asText(), function);
        }
        allows().forEach((where, statement) -> assertFalse(actions(statement).contains("iam:DeleteRolePermissionsBoundary"),
                where + " grants removing a boundary"));
    }

    @Test
    void writesToExistingRoles_touchOnlyOwnedRolesUnderThePath() {
        Set<String> converging = Set.of("iam:DetachRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary",
                "iam:DeleteRole");
        List<String> seen = new ArrayList<>();
        allows().forEach((where, statement) -> {
            if (actions(statement).stream().noneMatch(converging::contains)) {
                return;
            }
            seen.add(where);
            assertEquals(ROLE_PATH_ARN, resources(statement).get(0).path("Fn::Sub").asText(), where);
            JsonNode condition = statement.path("Condition");
            List<JsonNode> branches = condition.has("Fn::If")
                    ? List.of(condition.get("Fn::If").get(1), condition.get("Fn::If").get(2)) : List.of(condition);
            for (JsonNode branch : branches) {
                assertEquals("pod-identity-autopilot", branch.path("StringEquals").path(OWNED_TAG).asText(),
                        where + " may change roles it does not own");
            }
        });
        assertEquals(List.of("AssociationFunction/ConvergeOwnedRolesUnderPath", "AssociationFunction/SetBoundaryOfOwnedRoles",
                "AddonFunction/ConvergeOwnedRolesUnderPath", "AddonFunction/SetBoundaryOfOwnedRoles",
                "PruneFunction/DeleteOwnedRolesUnderPath"), seen);
    }

    @Test
    void boundary_canOnlyBeSetToTheConfiguredOne() {
        for (String function : ROLE_WRITERS) {
            JsonNode set = statements(function).get(function + "/SetBoundaryOfOwnedRoles");
            JsonNode branches = set.path("Condition").path("Fn::If");
            assertEquals("HasPermissionsBoundary", branches.get(0).asText(), function);
            assertEquals("PermissionsBoundaryArn",
                    branches.get(1).path("StringEquals").path("iam:PermissionsBoundary").path("Ref").asText(), function);
            JsonNode put = statements(function).get(function + "/PutInlinePolicies").path("Condition").path("Fn::If");
            assertEquals("PermissionsBoundaryArn",
                    put.get(1).path("StringEquals").path("iam:PermissionsBoundary").path("Ref").asText(),
                    function + " puts inline policies only on roles that carry the boundary");
        }
    }

    // ------------------------------------------------------------------ issue 13: the IAM holes closed

    @Test
    void deniedPolicies_areOneListForCodeAndTemplate() {
        assertEquals(String.join(",", Guardrails.DEFAULT_DENIED_POLICY_ARNS),
                template.parameter("DeniedPolicyArns").path("Default").asText().strip());
    }

    @Test
    void theStacksOwnPolicies_liveUnderThePathNoConfigMayAttach() {
        Map<String, JsonNode> policies = template.resourcesOfType("AWS::IAM::ManagedPolicy");
        policies.remove("DefaultPermissionsBoundary"); // a boundary, under the role path; judged by its content
        assertFalse(policies.isEmpty());
        policies.forEach((id, policy) -> assertEquals(Guardrails.APPLICATION_POLICY_PATH,
                policy.at("/Properties/Path").asText(), id + " is the application's: under its own path"));
    }

    @Test
    void defaultBoundary_existsWhenNoneIsConfigured_andDeniesIamWritesAndRoleHopping() {
        JsonNode boundary = template.resource("DefaultPermissionsBoundary");
        assertEquals("AWS::IAM::ManagedPolicy", boundary.path("Type").asText());
        assertEquals("CreatesDefaultBoundary", boundary.path("Condition").asText());
        Map<String, JsonNode> bySid = new LinkedHashMap<>();
        boundary.at("/Properties/PolicyDocument/Statement").forEach(st -> bySid.put(st.path("Sid").asText(), st));
        assertEquals("Deny", bySid.get("NoIamWrites").path("Effect").asText());
        List<String> denied = actions(bySid.get("NoIamWrites"));
        for (String write : List.of("iam:PassRole", "iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy",
                "iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy", "iam:CreateAccessKey", "iam:TagRole")) {
            assertTrue(denied.stream().anyMatch(p -> write.matches(p.replace("*", ".*"))), write);
        }
        assertEquals("Deny", bySid.get("NoAccountAdministration").path("Effect").asText());
        assertTrue(actions(bySid.get("NoAccountAdministration")).contains("organizations:*"));
        JsonNode hop = bySid.get("NoRolesNobodyMarkedAssignable");
        assertEquals("Deny", hop.path("Effect").asText());
        assertTrue(actions(hop).contains("sts:AssumeRole"));
        assertEquals("true", hop.at("/Condition/StringNotEquals").path("aws:ResourceTag/pod-identity-autopilot/assignable")
                .asText());
    }

    @Test
    void roleCreation_alwaysNeedsABoundary_theConfiguredOrTheDefault() {
        for (String function : ROLE_WRITERS) {
            JsonNode branches = statements(function).get(function + "/CreateOwnedRolesUnderPath").path("Condition")
                    .path("Fn::If");
            assertEquals("DefaultPermissionsBoundary",
                    branches.get(2).path("StringEquals").path("iam:PermissionsBoundary").path("Ref").asText(), function);
        }
    }

    @Test
    void tagRole_onlyOnOwnedRoles_andNeverSetsOwnershipOrOptInKeys() {
        for (String function : ROLE_WRITERS) {
            statements(function).forEach((where, statement) -> {
                if (statement.path("Effect").asText().equals("Allow") && actions(statement).contains("iam:TagRole")) {
                    assertEquals("pod-identity-autopilot", statement.path("Condition").path("StringEquals")
                            .path(OWNED_TAG).asText(), where + " may tag roles it does not own");
                }
            });
            JsonNode deny = statements(function).get(function + "/DenyOwnershipTagsAfterCreate");
            assertEquals("Deny", deny.path("Effect").asText(), function);
            List<String> keys = new ArrayList<>();
            deny.at("/Condition/ForAnyValue:StringEquals/aws:TagKeys").forEach(k -> keys.add(k.asText()));
            assertEquals(List.of("pod-identity-autopilot/managed-by", "pod-identity-autopilot/cluster",
                    "pod-identity-autopilot/assignable", "pod-identity-autopilot/migration"), keys, function);
        }
    }

    @Test
    void trustUpdates_underThePath_needOwnership() {
        JsonNode st = statements("TrustPolicyFunction").get("TrustPolicyFunction/UpdateTrustOfOwnedRolesUnderPath");
        assertEquals("pod-identity-autopilot", st.path("Condition").path("StringEquals").path(OWNED_TAG).asText());
    }

    @Test
    void passRole_onAnyRoleOnlyWhenEksctlBehaviourIsRestored() {
        for (String function : ROLE_WRITERS) {
            statements(function).forEach((where, statement) -> {
                if (!actions(statement).contains("iam:PassRole")) {
                    return;
                }
                JsonNode resource = statement.path("Resource");
                boolean anyRole = ("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*")
                        .equals(resource.path("Fn::Sub").asText());
                if (anyRole) {
                    JsonNode equals = statement.path("Condition").path("StringEquals");
                    assertTrue(equals.path("aws:ResourceTag/pod-identity-autopilot/assignable").asText().equals("true")
                            || equals.path("aws:ResourceTag/pod-identity-autopilot/migration").asText().equals("allowed"),
                            where + " passes any role");
                }
                if (resource.has("Fn::If") && !resource.path("Fn::If").get(0).asText().equals("HasAllowedRoleArnPatterns")) {
                    assertEquals("AllowsUnmarkedRoles", resource.path("Fn::If").get(0).asText(), where);
                    JsonNode marked = resource.path("Fn::If").get(2);
                    // AllowedRoleArnPatterns, when set, are added to the role path in the same statement
                    if (marked.has("Fn::If")) {
                        assertEquals("HasAllowedRoleArnPatterns", marked.path("Fn::If").get(0).asText(), where);
                        marked = marked.path("Fn::If").get(2);
                    }
                    assertEquals(ROLE_PATH_ARN, marked.path("Fn::Sub").asText(), where);
                }
            });
        }
    }

    /** Both write roles through the same RoleEnsurer: what one may do to a role, the other may too, no more. */
    @Test
    void roleWriters_carryTheSameRoleWritingStatements() {
        assertEquals(iamWrites("AssociationFunction"), iamWrites("AddonFunction"));
    }

    private static Map<String, JsonNode> iamWrites(String function) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        statements(function).forEach((where, statement) -> {
            String sid = where.substring(where.indexOf('/') + 1);
            // the Addon function alone passes addons' IRSA roles (passRole_isOnlyToPodIdentity)
            if (actions(statement).stream().anyMatch(TemplateTest::isIamWrite) && !IRSA_PASS_ROLE.contains(sid)) {
                out.put(sid, statement);
            }
        });
        return out;
    }

    /**
     * A group of statements is written once (issue 17): no two policy documents in template.yaml (a function's or the
     * state machine's inline {@code Statement} lists, the stack's {@code AWS::IAM::ManagedPolicy} resources) share two
     * or more statements, compared without their Sid. A group several functions need is an {@code
     * AWS::IAM::ManagedPolicy} those functions name by {@code !Ref} in their Policies; a single statement may recur,
     * since a policy holding it would be longer than the copies. No role gets the same statement twice either.
     */
    @Test
    void noGroupOfStatements_isWrittenTwice() {
        Map<String, List<String>> documents = new LinkedHashMap<>();
        policyDocuments().forEach((name, statements) -> documents.put(name, withoutSids(statements)));
        assertTrue(documents.size() > 10, documents.keySet().toString());
        List<String> repeats = new ArrayList<>();
        List<String> names = new ArrayList<>(documents.keySet());
        for (int i = 0; i < names.size(); i++) {
            List<String> a = documents.get(names.get(i));
            if (new java.util.HashSet<>(a).size() != a.size()) {
                repeats.add(names.get(i) + " writes a statement twice");
            }
            for (int j = i + 1; j < names.size(); j++) {
                List<String> shared = new ArrayList<>(new java.util.LinkedHashSet<>(a));
                shared.retainAll(documents.get(names.get(j)));
                if (shared.size() > 1) {
                    JsonNode statements = statementsOf(names.get(i));
                    List<String> sids = new ArrayList<>();
                    statements.forEach(st -> {
                        if (shared.contains(canonical(st, true))) {
                            sids.add(st.path("Sid").asText("(no Sid)"));
                        }
                    });
                    repeats.add(names.get(i) + " and " + names.get(j) + " both write " + sids);
                }
            }
        }
        assertEquals(List.of(), repeats, "define a group of statements once: an AWS::IAM::ManagedPolicy that the "
                + "functions needing all of it name by !Ref in their Policies");
        for (String function : template.resourcesOfType("AWS::Serverless::Function").keySet()) {
            List<String> all = withoutSids(ProjectFiles.JSON.valueToTree(statements(function).values()));
            assertEquals(new java.util.HashSet<>(all).size(), all.size(), function + " gets a statement twice");
        }
    }

    /** Every policy document template.yaml writes, by "Resource Policies[i]" or managed policy id, to its statements. */
    private static Map<String, JsonNode> policyDocuments() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        List<String> policyHolders = new ArrayList<>(template.resourcesOfType("AWS::Serverless::Function").keySet());
        policyHolders.add("PodIdentityStateMachine");
        for (String holder : policyHolders) {
            int n = 0;
            for (JsonNode policy : template.resource(holder).path("Properties").path("Policies")) {
                if (policy.has("Statement")) {
                    out.put(holder + " Policies[" + n + "]", policy.path("Statement"));
                }
                n++;
            }
        }
        template.resourcesOfType("AWS::IAM::ManagedPolicy").forEach((id, policy) ->
                out.put(id, policy.at("/Properties/PolicyDocument/Statement")));
        return out;
    }

    private static JsonNode statementsOf(String document) {
        return policyDocuments().get(document);
    }

    /** Each statement as canonical JSON (keys sorted, Sid left out). */
    private static List<String> withoutSids(JsonNode statements) {
        List<String> out = new ArrayList<>();
        statements.forEach(statement -> out.add(canonical(statement, true)));
        return out;
    }

    private static String canonical(JsonNode node, boolean dropSid) {
        if (node.isObject()) {
            Map<String, String> sorted = new java.util.TreeMap<>();
            node.properties().forEach(e -> {
                if (!(dropSid && e.getKey().equals("Sid"))) {
                    sorted.put(e.getKey(), canonical(e.getValue(), false));
                }
            });
            StringBuilder out = new StringBuilder("{");
            sorted.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
            return out.append('}').toString();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(canonical(item, false)));
            return "[" + String.join(",", items) + "]";
        }
        return node.toString();
    }

    // ------------------------------------------------------------------ guardrail parameters

    static final Map<String, String> GUARDRAIL_VARIABLES = Map.of(
            "PermissionsBoundaryArn", "PERMISSIONS_BOUNDARY_ARN",
            "DeniedPolicyArns", "DENIED_POLICY_ARNS",
            "AllowedAccountIds", "ALLOWED_ACCOUNT_IDS",
            "AllowedRoleArnPatterns", "ALLOWED_ROLE_ARN_PATTERNS",
            "AllowedNamespaces", "ALLOWED_NAMESPACES",
            "AllowWildcardInlinePolicies", "ALLOW_WILDCARD_INLINE_POLICIES",
            "AllowUnmarkedRoles", "ALLOW_UNMARKED_ROLES",
            "AllowedPrivilegedActions", "ALLOWED_PRIVILEGED_ACTIONS",
            "MaxAssociations", "MAX_ASSOCIATIONS",
            "MaxConfigBytes", "MAX_CONFIG_BYTES");

    @Test
    void guardrailParameters_reachResolveAndTheSweepOnly_eachWithADefaultAndDescription() {
        GUARDRAIL_VARIABLES.forEach((parameter, variable) -> {
            JsonNode p = template.parameter(parameter);
            assertTrue(p.has("Default"), parameter);
            assertFalse(p.path("Description").asText().isBlank(), parameter);
            assertTrue(template.resource("ResolveFunction").at("/Properties/Environment/Variables").has(variable),
                    variable + " reaches Resolve");
            assertFalse(template.root().at("/Globals/Function/Environment/Variables").has(variable), variable);
            // Issue 13: the sweep's plan-only Resolve judges with the deployment's guardrails too.
            assertTrue(template.resource("SweepFunction").at("/Properties/Environment/Variables").has(variable),
                    variable + " reaches the sweep");
            template.resourcesOfType("AWS::Serverless::Function").forEach((id, f) -> {
                if (!id.equals("ResolveFunction") && !id.equals("SweepFunction")) {
                    assertFalse(f.at("/Properties/Environment/Variables").has(variable), id + " gets " + variable);
                }
            });
        });
        assertEquals("false", template.parameter("AllowWildcardInlinePolicies").path("Default").asText());
        assertEquals(5000, template.parameter("MaxAssociations").path("Default").asInt());
        assertEquals(5000, template.parameter("MaxAssociations").path("MaxValue").asInt());
        assertEquals(ReadLimits.DEFAULT.maxBytes(), template.parameter("MaxConfigBytes").path("Default").asInt());
        assertEquals(RunSettings.MAX_CONFIG_BYTES_CAP, template.parameter("MaxConfigBytes").path("MaxValue").asInt());
    }

    @Test
    void guardrailParameters_atTheirDefaults_giveTheSafeGuardrails_withThisAccountOnly() {
        Map<String, String> env = new StackParameters(template, "111122223333", Map.of())
                .environment(List.of("ResolveFunction"));
        Guardrails g = RunSettings.from(env::get).guardrails();
        assertEquals("/pod-identity-autopilot/", g.rolePath());
        assertEquals(Set.of("111122223333"), g.allowedAccounts(), "empty AllowedAccountIds means this stack's account");
        assertFalse(g.allowWildcardInline());
        assertFalse(g.namespaces().restricts());
        assertTrue(g.deniedPolicies().containsAll(Set.of("AdministratorAccess", "IAMFullAccess", "PowerUserAccess")));
        assertEquals(5_000, g.maxAssociations());
        assertEquals(4 * 1024 * 1024, g.maxConfigBytes());

        Map<String, String> set = new StackParameters(template, "111122223333", Map.of(
                "AllowedAccountIds", "444455556666,777788889999", "AllowedNamespaces", "prod-*=payments|web;*=*"))
                .environment(List.of("ResolveFunction"));
        Guardrails configured = RunSettings.from(set::get).guardrails();
        assertEquals(Set.of("444455556666", "777788889999"), configured.allowedAccounts());
        assertEquals("prod-*=payments|web;*=*", configured.namespaces().toString());
        assertEquals("template.yaml has no parameter AllowedNamespace", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> new StackParameters(template, "111122223333",
                        Map.of("AllowedNamespace", "x"))).getMessage(), "a misspelt override is not silently ignored");
    }

    @Test
    void guardrailParameterPatterns_acceptWhatTheFunctionsParse_andRefuseTheRest() {
        assertPattern("AllowedNamespaces", List.of("", "prod-*=payments|web;*=*", "prod=payments", "dev=*;", "*=team-*|kube-system"),
                List.of("prod", "prod=", "=payments", "prod=Payments", "prod=a;;dev=b", "prod=a b"));
        assertPattern("AllowedAccountIds", List.of("", "111122223333", "111122223333,444455556666"),
                List.of("1111", "111122223333,", "111122223333 ,444455556666", "aws"));
        assertPattern("AllowedRoleArnPatterns", List.of("", "arn:aws:iam::111122223333:role/workloads/*",
                        "arn:aws:iam::*:role/app-*,arn:aws-cn:iam::111122223333:role/x"),
                List.of("role/*", "*", "arn:aws:iam::111122223333:user/x"));
        for (String ok : List.of("prod-*=payments|web;*=*", "prod=payments", "dev=*;")) {
            NamespaceAllowList.parse(ok);
        }
    }

    private static void assertPattern(String parameter, List<String> accepted, List<String> refused) {
        Pattern pattern = Pattern.compile(template.parameter(parameter).path("AllowedPattern").asText());
        accepted.forEach(v -> assertTrue(pattern.matcher(v).matches(), parameter + " refuses " + v));
        refused.forEach(v -> assertFalse(pattern.matcher(v).matches(), parameter + " accepts " + v));
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

    /** The statements that grant (Allow); the explicit denies are checked on their own. */
    private static Map<String, JsonNode> allows() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        allStatements().forEach((where, statement) -> {
            if (statement.path("Effect").asText().equals("Allow")) {
                out.put(where, statement);
            }
        });
        return out;
    }

    /**
     * Every statement of every function and of the state machine, inline or in a managed policy of the stack it names
     * by {@code !Ref}, keyed "Resource/Sid".
     */
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
            JsonNode document = stackManagedPolicy(policy).map(p -> p.at("/Properties/PolicyDocument")).orElse(policy);
            assertTrue(document.has("Statement"), resource + " uses a policy template or an AWS managed policy; only "
                    + "statements written in template.yaml (inline, or in a managed policy of the stack) are allowed");
            for (JsonNode statement : document.path("Statement")) {
                assertTrue(Set.of("Allow", "Deny").contains(statement.path("Effect").asText()), resource);
                out.put(resource + "/" + statement.path("Sid").asText("#" + n++), statement);
            }
        }
        return out;
    }

    /** The stack's {@code AWS::IAM::ManagedPolicy} a {@code Policies} entry names by {@code !Ref}, if it does. */
    private static java.util.Optional<JsonNode> stackManagedPolicy(JsonNode policiesEntry) {
        String id = policiesEntry.path("Ref").asText("");
        JsonNode resource = template.resources().path(id);
        return resource.path("Type").asText().equals("AWS::IAM::ManagedPolicy") ? java.util.Optional.of(resource)
                : java.util.Optional.empty();
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
