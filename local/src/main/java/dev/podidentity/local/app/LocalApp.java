package dev.podidentity.local.app;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.PacingHooks;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.iam.IamClient;
import dev.podidentity.autopilot.aws.AwsClusterAccess;
import dev.podidentity.autopilot.kube.Fabric8Kubernetes;
import dev.podidentity.autopilot.kube.KubernetesClients;
import dev.podidentity.autopilot.naming.ExecutionNames;
import dev.podidentity.autopilot.port.KubernetesPort;
import dev.podidentity.autopilot.run.phase.BatchSettings;
import dev.podidentity.autopilot.run.resolve.IrsaServiceAccounts;
import dev.podidentity.autopilot.run.lock.LockSettings;
import dev.podidentity.autopilot.run.RunSettings;
import dev.podidentity.autopilot.app.Services;
import dev.podidentity.local.LocalCloud;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import dev.podidentity.autopilot.lambda.Log;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application deployed on the local cloud as SAM would deploy it: the handlers named by template.yaml
 * answer Lambda Invoke in-process, the state machine is the real ASL with the template's substitutions, and
 * events go through the template's EventBridge patterns to the dispatcher. Wait states are shortened to
 * {@code waitSeconds} so a cluster that takes minutes to create in AWS takes seconds here; so are Retry intervals
 * ({@code IntervalSeconds} = {@code waitSeconds}, {@code MaxDelaySeconds} at most 4 × that), with the same attempts.
 */
public final class LocalApp {
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{(\\w+)}");
    private static final Pattern WAIT_SECONDS = Pattern.compile("\"Seconds\"\\s*:\\s*\\d+");
    private static final String DISPATCHER = "DispatcherFunction";
    private static final Pattern RETRY_INTERVAL = Pattern.compile("\"IntervalSeconds\"\\s*:\\s*\\d+");
    private static final Pattern RETRY_MAX_DELAY = Pattern.compile("\"MaxDelaySeconds\"\\s*:\\s*(\\d+)");
    /** Progress for nobody: {@link #follow} then reads the run's history only once it has ended. */
    public static final Consumer<String> NO_PROGRESS = line -> { };

    private final LocalCloud cloud;
    private final CfnTemplate template;
    private final String bucket;
    private final Services services;
    private final Supplier<Services> newServices;
    private final EventRules rules;
    private final String stateMachineArn;
    private final String lockTable;
    private final Map<String, String> functionByRule = new HashMap<>();
    private final EventInbox inbox;

    /** The state machine's top-level states and their types, for the progress lines. */
    private final Map<String, String> stateTypes = new HashMap<>();

    private static Path functionLog;
    /** The state machine's name as template.yaml gives it: ${AWS::StackName}-runs. */
    static final String STATE_MACHINE = LocalDeployment.STACK + "-runs";

    private LocalApp(LocalCloud cloud, int waitSeconds, int mapConcurrency, Function<RunSettings, RunSettings> tune,
                     Map<String, String> parameters, Map<String, String> environment) {
        routeFunctionLogs();
        this.cloud = cloud;
        this.template = CfnTemplate.load();
        this.bucket = "pod-identity-autopilot-config-" + cloud.accountId();
        this.rules = EventRules.fromTemplate(template, bucket, parameters);
        // The template names it ${AWS::StackName}-runs; the Lock function's policy is written against that name.
        this.stateMachineArn = "arn:aws:states:" + cloud.region() + ":" + cloud.accountId()
                + ":stateMachine:" + STATE_MACHINE;
        // The environment template.yaml gives the functions, from the parameters' defaults and the overrides.
        StackParameters stack = new StackParameters(template, cloud.accountId(), parameters);
        Map<String, String> env = new HashMap<>(stack.environment(List.of("ResolveFunction", "AssociationFunction")));
        env.put("CONFIG_BUCKET", bucket);
        env.put("KUBERNETES_PRINCIPAL_ARNS", String.join(",", kubernetesPrincipals(cloud)));
        // The stack's environment has the deployment's MapMaxConcurrency; without one, this deployment's default.
        if (!parameters.containsKey("MapMaxConcurrency")) {
            env.put("MAP_MAX_CONCURRENCY", Integer.toString(mapConcurrency));
        }
        BatchSettings batches = BatchSettings.from(env::get);
        RunSettings settings = tune.apply(RunSettings.from(env::get));
        this.lockTable = "pod-identity-autopilot-locks";
        env.put("LOCK_TABLE", lockTable);
        env.put("LOCK_LEASE_SECONDS", template.parameter("LockLeaseSeconds").path("Default").asText());
        env.putAll(environment);
        createLockTable();
        // IAM and EKS as the functions' clients in AWS see them: a batch paces its writes through these hooks.
        ClientOverrideConfiguration paced = ClientOverrideConfiguration.builder()
                .retryStrategy(PacingHooks.retries(AwsRetryStrategy.defaultRetryStrategy()))
                .addExecutionInterceptor(PacingHooks.interceptor()).build();
        AwsClients clients = AwsClients.of(cloud.closing(cloud.client(IamClient.builder().overrideConfiguration(paced))),
                        cloud.closing(cloud.client(EksClient.builder().overrideConfiguration(paced))), cloud.s3(),
                        cloud.sts(), cloud.sfn())
                .withDynamoDb(cloud.dynamoDb()).withEventBridge(cloud.eventBridge());
        // One set of services per function, as each Lambda function has its own container: nothing one function
        // holds in memory (a plan Resolve just wrote, a cluster's Kubernetes client) is seen by another, so every
        // read a function makes reaches the gateway and its IAM check, as in AWS. The functions' real Kubernetes
        // path: DescribeCluster through the gateway names the cluster's mock API server, an EKS token is signed for
        // the local credentials, fabric8 talks HTTP to it.
        this.newServices = () -> {
            KubernetesPort kubernetes = new Fabric8Kubernetes(KubernetesClients.using(
                    new AwsClusterAccess(cloud.eks(), cloud.credentials(), cloud.region(), Clock.systemUTC())));
            return Services.of(clients, settings, LockSettings.from(env::get), batches, kubernetes,
                    IrsaServiceAccounts.from(kubernetes), stateMachineArn);
        };
        // the operator's own (tests call the resolver directly): not any function's
        this.services = newServices.get();
        this.inbox = new EventInbox(cloud);
        ProjectFiles.readJson(ProjectFiles.stateMachine()).path("States").fields()
                .forEachRemaining(state -> stateTypes.put(state.getKey(), state.getValue().path("Type").asText()));
        registerFunctions();
        enforceIam(parameters, stack);
        deployStateMachine(waitSeconds, batches.mapConcurrency());
        grantKubernetesAccess();
        for (Map.Entry<String, JsonNode> rule : template.resourcesOfType("AWS::Events::Rule").entrySet()) {
            String target = rule.getValue().path("Properties").path("Targets").path(0).path("Arn").path("Ref").asText();
            functionByRule.put(rule.getKey(), target.replace(".Alias", ""));
        }
    }

    /**
     * The customer managed policies the stack creates (the default permissions boundary, the statement groups the
     * functions share), as CloudFormation would: their documents resolved for this deployment.
     */
    private void createManagedPolicies(StackParameters stack, dev.podidentity.local.iam.TemplatePolicies policies) {
        for (Map.Entry<String, StackParameters.ManagedPolicy> e : stack.managedPolicies().entrySet()) {
            StackParameters.ManagedPolicy policy = e.getValue();
            String document = policies.managedPolicyDocument(e.getKey()).toString();
            try {
                cloud.iam().createPolicy(r -> r.policyName(policy.name()).path(policy.path()).policyDocument(document));
            } catch (software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException alreadyThere) {
                // another app on the same local cloud created it
            }
        }
    }

    /**
     * Every AWS call a function makes from now on is authorized against its role from template.yaml (translated by
     * SAM, resolved for this deployment's parameters and resource names); see docs/permissions.md.
     */
    private void enforceIam(Map<String, String> parameters, StackParameters stack) {
        JsonNode translated = dev.podidentity.local.iam.SamTranslation.of(ProjectFiles.root());
        String queue = LocalDeployment.STACK + "-DispatchFailureQueue";
        Map<String, String> given = new HashMap<>();
        given.put("ConfigBucket", bucket);
        given.put("ConfigBucket.Arn", "arn:aws:s3:::" + bucket);
        given.put("PodIdentityStateMachine", stateMachineArn);
        given.put("PodIdentityStateMachine.Name", STATE_MACHINE);
        given.put("ClusterLockTable", lockTable);
        given.put("ClusterLockTable.Arn", "arn:aws:dynamodb:" + cloud.region() + ":" + cloud.accountId() + ":table/" + lockTable);
        given.put("DispatchFailureQueue.Arn", "arn:aws:sqs:" + cloud.region() + ":" + cloud.accountId() + ":" + queue);
        // the stack's managed policies (the default permissions boundary, the statement groups functions share) under
        // the names createManagedPolicies gives them
        stack.managedPolicies().forEach((id, policy) -> given.put(id, policy.arn()));
        var deployment = LocalDeployment.of(translated, cloud.accountId(), cloud.region(), parameters, given);
        var policies = new dev.podidentity.local.iam.TemplatePolicies(translated, deployment);
        createManagedPolicies(stack, policies);
        cloud.enforceIam(policies, role -> deployment.physical().apply(role).orElse(role));
    }

    /** The template's lock table (key schema, billing, TTL attribute) under this app's table name. */
    private void createLockTable() {
        JsonNode table = template.resource("ClusterLockTable").path("Properties");
        List<AttributeDefinition> attributes = new ArrayList<>();
        table.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText())
                .build()));
        List<KeySchemaElement> keys = new ArrayList<>();
        table.path("KeySchema").forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        try {
            cloud.dynamoDb().createTable(b -> b.tableName(lockTable).attributeDefinitions(attributes).keySchema(keys)
                    .billingMode(table.path("BillingMode").asText()));
        } catch (ResourceInUseException exists) {
            return;
        }
        JsonNode ttl = table.path("TimeToLiveSpecification");
        cloud.dynamoDb().updateTimeToLive(b -> b.tableName(lockTable).timeToLiveSpecification(t -> t
                .attributeName(ttl.path("AttributeName").asText()).enabled(ttl.path("Enabled").asBoolean())));
    }

    /** The roles SAM makes for the functions that call Kubernetes (template output KubernetesPrincipalArns). */
    public static List<String> kubernetesPrincipals(LocalCloud cloud) {
        return List.of("ResolveFunction", "AssociationFunction", "PruneFunction").stream()
                .map(f -> "arn:aws:iam::" + cloud.accountId() + ":role/pod-identity-autopilot-" + f + "Role").toList();
    }

    /**
     * What docs/kubernetes-access.md asks an operator to do after deploying: an access entry with cluster-admin access for each
     * Kubernetes-calling function role on every cluster that exists. Clusters created later get none, and
     * Resolve's access check says so.
     */
    private void grantKubernetesAccess() {
        for (String cluster : cloud.eks().listClusters().clusters()) {
            for (String principal : kubernetesPrincipals(cloud)) {
                try {
                    cloud.eks().createAccessEntry(b -> b.clusterName(cluster).principalArn(principal));
                } catch (software.amazon.awssdk.services.eks.model.ResourceInUseException exists) {
                    continue;
                }
                cloud.eks().associateAccessPolicy(b -> b.clusterName(cluster).principalArn(principal)
                        .policyArn("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")
                        .accessScope(a -> a.type("cluster")));
            }
        }
    }

    /**
     * The functions' JSON log lines go to one file per JVM (local/target/local-functions.log, or the file the system
     * property {@code local.functionLog} names: each parallel test JVM has its own), as CloudWatch Logs would keep them
     * apart from what a person watches: ./run-local's progress, a test's output.
     */
    public static synchronized Path functionLog() {
        routeFunctionLogs();
        return functionLog;
    }

    private static synchronized void routeFunctionLogs() {
        if (functionLog != null) {
            return;
        }
        try {
            String named = System.getProperty("local.functionLog");
            Path file = named == null || named.isBlank()
                    ? ProjectFiles.root().resolve("local/target/local-functions.log") : Path.of(named).toAbsolutePath();
            Files.createDirectories(file.getParent());
            Log.sendTo(new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8));
            functionLog = file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the function log", e);
        }
    }

    public static LocalApp deploy(LocalCloud cloud) {
        return new LocalApp(cloud, 1, 5, s -> s, Map.of(), Map.of());
    }

    /**
     * Deployed with stack parameters and with function environment variables the template does not set (a test's
     * shortcut, e.g. {@code LOCK_WAIT_CHECKS=2} so a locked-out run gives up in seconds).
     */
    public static LocalApp deploy(LocalCloud cloud, Map<String, String> parameters, Map<String, String> environment) {
        return new LocalApp(cloud, 1, 5, s -> s, parameters, environment);
    }

    /**
     * Deployed with some stack parameters set (name to value, as {@code sam deploy --parameter-overrides} takes
     * them, e.g. {@code SweepEnabled=true}); the others keep template.yaml's defaults.
     */
    public static LocalApp deploy(LocalCloud cloud, Map<String, String> parameters) {
        return new LocalApp(cloud, 1, 5, s -> s, parameters, Map.of());
    }

    public static LocalApp deploy(LocalCloud cloud, int waitSeconds, int mapConcurrency,
                                  Function<RunSettings, RunSettings> tune) {
        return new LocalApp(cloud, waitSeconds, mapConcurrency, tune, Map.of(), Map.of());
    }

    public LocalCloud cloud() {
        return cloud;
    }

    public Services services() {
        return services;
    }

    /** The events the application put on the default bus (run-finished, sweep findings), as a rule receives them. */
    public EventInbox inbox() {
        return inbox;
    }

    public String bucket() {
        return bucket;
    }

    public String stateMachineArn() {
        return stateMachineArn;
    }

    /** The DynamoDB table of the per-cluster run locks. */
    public String lockTable() {
        return lockTable;
    }

    /**
     * Delivers one event as AWS would: an EventBridge event through the template's rules to the dispatcher, a
     * console input straight to StartExecution (as an operator does); then follows the execution to its end.
     */
    public Delivery deliver(JsonNode delivered, Consumer<String> progress, Duration timeout) throws Exception {
        JsonNode event = delivered.has("detail-type") && delivered.has("source")
                ? asUploadedHere(delivered, progress) : delivered;
        if (event.has("detail-type") && event.has("source")) {
            List<String> matched = rules.matches(event);
            if (matched.isEmpty()) {
                return new Delivery(List.of(), List.of(), "no enabled rule in template.yaml matches this event; nothing "
                        + "runs" + (rules.disabledRuleIds().isEmpty() ? "" : " (disabled: "
                        + String.join(", ", rules.disabledRuleIds()) + ")"), Map.of());
            }
            List<Run> runs = new ArrayList<>();
            Map<String, JsonNode> answers = new java.util.LinkedHashMap<>();
            for (String rule : matched) {
                String function = functionByRule.get(rule);
                progress.accept("event matched " + rule + " -> " + function);
                JsonNode answer = ProjectFiles.JSON.readTree(cloud.lambdas().invoke(function, event.toString()));
                if (DISPATCHER.equals(function)) {
                    progress.accept(function + ": " + answer);
                } else {
                    answers.put(function, answer); // a function that does its job itself (the sweep): its answer is the result
                }
                if (answer.path("started").asBoolean(false)) {
                    runs.add(follow(answer.path("executionArn").asText(), progress, timeout));
                }
            }
            return new Delivery(matched, runs, runs.isEmpty() && answers.isEmpty() ? "no execution started" : null,
                    answers);
        }
        String action = event.path("action").asText("");
        String cluster = event.path("cluster").asText("");
        String trigger = event.path("trigger").path("id").asText(UUID.randomUUID().toString());
        String name = ExecutionNames.forTrigger(cluster.isEmpty() ? "unknown" : cluster, trigger,
                action.isEmpty() ? "run" : action);
        progress.accept("console input: starting execution " + name);
        String arn;
        try {
            arn = cloud.sfn().startExecution(b -> b.stateMachineArn(stateMachineArn).name(name)
                    .input(event.toString())).executionArn();
        } catch (software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException e) {
            return new Delivery(List.of(), List.of(), "an execution named " + name + " already exists (same trigger id)",
                    Map.of());
        }
        return new Delivery(List.of(), List.of(follow(arn, progress, timeout)), null, Map.of());
    }

    /**
     * An S3 Object Created event names the version its upload made. The world seeded that object with its own
     * version id, so the event is pointed at the object's current version here, as if the upload had just happened.
     */
    private JsonNode asUploadedHere(JsonNode event, Consumer<String> progress) {
        JsonNode object = event.path("detail").path("object");
        if (!"aws.s3".equals(event.path("source").asText()) || !object.has("key")
                || !bucket.equals(event.path("detail").path("bucket").path("name").asText())) {
            return event;
        }
        String key = object.path("key").asText();
        try {
            String version = cloud.s3().headObject(b -> b.bucket(bucket).key(key)).versionId();
            if (version != null && !version.equals(object.path("version-id").asText())) {
                JsonNode copy = event.deepCopy();
                ((com.fasterxml.jackson.databind.node.ObjectNode) copy.path("detail").path("object"))
                        .put("version-id", version);
                progress.accept("s3://" + bucket + "/" + key + " is at version " + version + " in this world; "
                        + "the event names that version");
                return copy;
            }
        } catch (software.amazon.awssdk.services.s3.model.S3Exception missing) {
            progress.accept("s3://" + bucket + "/" + key + " is not in this world's bucket");
        }
        return event;
    }

    /**
     * Polls the execution until it ends, reporting each top-level state as it is left, with the time since the
     * execution started: work (tasks, Maps) with how long it took, decisions (Choice, Pass, Wait) indented and
     * quieter; failed tasks and the state the run failed in. States inside a Map's iterations are not listed.
     */
    public Run follow(String executionArn, Consumer<String> progress, Duration timeout) throws InterruptedException {
        // Nobody reads the lines (the benchmarks): the history is read once, at the end, so that the measured run does
        // not share moto with reads of its own growing history (a few hundred ms each at 40 calls in flight).
        boolean quiet = progress == NO_PROGRESS;
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        DescribeExecutionResponse d;
        int transitions = 0;
        java.time.Instant started = null;
        Map<String, java.time.Instant> entered = new HashMap<>();
        long historyRead = 0;
        while (true) {
            d = cloud.sfn().describeExecution(b -> b.executionArn(executionArn));
            boolean running = d.status() == ExecutionStatus.RUNNING;
            // The whole history is read at most once a second while the run goes on (for the progress lines) and once
            // at its end: read every 100 ms it is a steady load on moto's Step Functions engine, which shares the
            // CPU with the run it reports on (thousands of events in a large run).
            if (running && (quiet || System.nanoTime() - historyRead < 1_000_000_000L)) {
                if (System.nanoTime() > deadline) {
                    cloud.sfn().stopExecution(b -> b.executionArn(executionArn).error("LocalTimeout")
                            .cause("./run-local gave up after " + timeout.toSeconds() + " s"));
                    d = cloud.sfn().describeExecution(b -> b.executionArn(executionArn));
                    running = false;
                } else {
                    Thread.sleep(100);
                    continue;
                }
            }
            historyRead = System.nanoTime();
            List<HistoryEvent> events = history(executionArn);
            for (int i = seen; i < events.size(); i++) {
                HistoryEvent e = events.get(i);
                started = started == null ? e.timestamp() : started;
                String line = describe(e, started, entered);
                if (line != null) {
                    progress.accept(line);
                }
                if (e.stateEnteredEventDetails() != null) {
                    transitions++;
                }
            }
            seen = events.size();
            if (!running || d.status() != ExecutionStatus.RUNNING) {
                break;
            }
            if (System.nanoTime() > deadline) {
                cloud.sfn().stopExecution(b -> b.executionArn(executionArn).error("LocalTimeout")
                        .cause("./run-local gave up after " + timeout.toSeconds() + " s"));
                d = cloud.sfn().describeExecution(b -> b.executionArn(executionArn));
                break;
            }
            Thread.sleep(100);
        }
        Duration took = d.startDate() == null || d.stopDate() == null ? null
                : Duration.between(d.startDate(), d.stopDate());
        return new Run(executionArn, d.statusAsString(), d.output(), d.error(), d.cause(), transitions, took);
    }

    /** Every history event of an execution, all pages. */
    public List<HistoryEvent> history(String arn) {
        List<HistoryEvent> all = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            var page = cloud.sfn().getExecutionHistory(b -> b.executionArn(arn).nextToken(t).maxResults(1000));
            all.addAll(page.events());
            token = page.nextToken();
        } while (token != null);
        return all;
    }

    private String describe(HistoryEvent e, java.time.Instant started, Map<String, java.time.Instant> entered) {
        double at = Duration.between(started, e.timestamp()).toMillis() / 1000.0;
        if (e.stateEnteredEventDetails() != null) {
            String name = e.stateEnteredEventDetails().name();
            entered.put(name, e.timestamp());
            return "Fail".equals(stateTypes.get(name)) ? String.format("%7.1f s  x %s", at, name) : null;
        }
        if (e.stateExitedEventDetails() != null) {
            String name = e.stateExitedEventDetails().name();
            String type = stateTypes.get(name);
            if (type == null) {
                return null; // a state inside a Map's iterations
            }
            java.time.Instant from = entered.getOrDefault(name, e.timestamp());
            double took = Duration.between(from, e.timestamp()).toMillis() / 1000.0;
            return switch (type) {
                case "Task", "Map", "Parallel" -> String.format("%7.1f s  %-24s %6.1f s", at, name, took);
                case "Wait" -> String.format("%7.1f s      %s (waited %.1f s)", at, name, took);
                default -> String.format("%7.1f s      %s", at, name);
            };
        }
        if (e.taskFailedEventDetails() != null) {
            return String.format("%7.1f s  ! a task failed: %s (the state machine retries or catches it)", at,
                    e.taskFailedEventDetails().error());
        }
        if (e.lambdaFunctionFailedEventDetails() != null) {
            return String.format("%7.1f s  ! %s", at, e.lambdaFunctionFailedEventDetails().error());
        }
        return null;
    }

    /** The template's handler for each function, constructed on services of its own, answering Lambda Invoke. */
    private void registerFunctions() {
        template.resourcesOfType("AWS::Serverless::Function").forEach((logicalId, resource) -> {
            String handler = resource.path("Properties").path("Handler").asText();
            String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
            RequestStreamHandler instance;
            try {
                instance = (RequestStreamHandler) Class.forName(className).getConstructor(Services.class)
                        .newInstance(newServices.get());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(logicalId + ": handler " + className
                        + " from template.yaml cannot be constructed with Services", e);
            }
            cloud.lambdas().register(logicalId, payload -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                instance.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
                return out.toString(StandardCharsets.UTF_8);
            });
        });
    }

    private void deployStateMachine(int waitSeconds, int mapConcurrency) {
        JsonNode substitutions = template.resource("PodIdentityStateMachine").path("Properties")
                .path("DefinitionSubstitutions");
        String asl = ProjectFiles.read(ProjectFiles.stateMachine());
        Matcher m = SUBSTITUTION.matcher(asl);
        StringBuilder definition = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            JsonNode value = substitutions.path(key);
            String replacement;
            if (key.equals("MapMaxConcurrency")) {
                replacement = Integer.toString(mapConcurrency);
            } else if (value.has("Ref") && value.path("Ref").asText().endsWith(".Alias")) {
                String function = value.path("Ref").asText().replace(".Alias", "");
                replacement = "arn:aws:lambda:" + cloud.region() + ":" + cloud.accountId() + ":function:" + function
                        + ":live";
            } else {
                throw new IllegalStateException("statemachine substitution ${" + key + "} is not a function alias "
                        + "or MapMaxConcurrency in template.yaml: " + value);
            }
            m.appendReplacement(definition, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(definition);
        String waits = WAIT_SECONDS.matcher(definition).replaceAll("\"Seconds\": " + waitSeconds);
        // Retries keep their attempts, backoff rate and jitter, on the same shortened clock as the Wait states.
        String intervals = RETRY_INTERVAL.matcher(waits).replaceAll("\"IntervalSeconds\": " + waitSeconds);
        String body = RETRY_MAX_DELAY.matcher(intervals).replaceAll(d -> "\"MaxDelaySeconds\": "
                + Math.min(Integer.parseInt(d.group(1)), 4 * waitSeconds));
        cloud.sfn().createStateMachine(b -> b.name(STATE_MACHINE).definition(body)
                .roleArn("arn:aws:iam::" + cloud.accountId() + ":role/pod-identity-autopilot-state-machine"));
    }

    /**
     * What became of one event: the rules it matched, the executions it started, and the answers of targets that are
     * not the dispatcher (function logical id to its output).
     */
    public record Delivery(List<String> matchedRules, List<Run> runs, String note, Map<String, JsonNode> answers) {
    }

    /** One execution's end: status, output (the report summary or the plan), and its state transitions. */
    /** {@code duration}: from the execution's start to its stop as Step Functions records them (null if running). */
    public record Run(String executionArn, String status, String output, String error, String cause,
                      int stateTransitions, Duration duration) {
        public boolean succeeded() {
            return "SUCCEEDED".equals(status);
        }

        public JsonNode outputJson() {
            try {
                return output == null ? ProjectFiles.JSON.nullNode() : ProjectFiles.JSON.readTree(output);
            } catch (Exception e) {
                return ProjectFiles.JSON.getNodeFactory().textNode(output);
            }
        }
    }
}
