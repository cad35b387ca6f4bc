package dev.podidentity.autopilot.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.guard.ConfigJudgement;
import dev.podidentity.autopilot.guard.GuardrailCheck;
import dev.podidentity.autopilot.guard.IamFacts;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.observe.ClusterObserver;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.PlanJson;
import dev.podidentity.autopilot.plan.PlanOptions;
import dev.podidentity.autopilot.plan.PlanResult;
import dev.podidentity.autopilot.plan.PlanText;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.IamRoles;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Resolve task, the brain of a run, which writes nothing: normalise the request, load and judge the config
 * (validation, then guardrails), observe the cluster, plan, and hand the state machine one item per step.
 */
public final class Resolver {
    /** Fields of the execution input besides the eksctl association fields of console requests. */
    static final Set<String> INPUT_FIELDS = Set.of("action", "cluster", "dryRun", "approve",
            "removeOidcProviderTrustRelationship", "preserve", "trigger", "configKey", "configVersion", "addon",
            "addonsConfig");

    private static final ObjectMapper STEPS = PlanJson.mapper();

    private final ConfigStore store;
    private final ClusterObserver observer;
    private final IamRoles iam;
    private final Planner planner;
    private final IrsaServiceAccounts irsa;
    private final RunSettings settings;
    private final KubernetesAccessCheck access;
    private final RunArtifacts artifacts;
    private final int batchSize;

    public Resolver(ConfigStore store, ClusterObserver observer, IamRoles iam, Planner planner,
                    IrsaServiceAccounts irsa, RunSettings settings, KubernetesAccessCheck access,
                    RunArtifacts artifacts, int batchSize) {
        this.access = access;
        this.artifacts = artifacts;
        this.batchSize = batchSize;
        this.store = store;
        this.observer = observer;
        this.iam = iam;
        this.planner = planner;
        this.irsa = irsa;
        this.settings = settings;
    }

    /**
     * The Resolve task: {@code {"input": <the execution input>, "execution": <the execution name>}}. The name keys
     * the plan artifact, so a retried Resolve overwrites its own.
     */
    public ObjectNode resolveTask(JsonNode task) {
        if (task == null || !task.path("input").isObject() || !task.path("execution").isTextual()) {
            throw new InvalidInputException("Resolve takes {\"input\": <the execution input>, \"execution\": "
                    + "<the execution name>} (statemachine/README.md)");
        }
        return resolve(task.get("input"), task.get("execution").asText());
    }

    /** Plans the request, writes the plan to the config bucket, and returns the run the state machine carries. */
    public ObjectNode resolve(JsonNode input, String execution) {
        RunRequest request = RunRequest.from(input);
        if (execution == null || execution.isBlank()) {
            throw new InvalidInputException("execution: the execution name must be set");
        }
        return RunOutput.publish(full(request), execution, artifacts, settings.configBucket(), batchSize);
    }

    /**
     * The same plan as {@link #resolve}, whole and unpublished: nothing is written, not even the plan artifact
     * (the sweep's drift check, which may only write its own report).
     */
    public ObjectNode preview(JsonNode input) {
        return full(RunRequest.from(input));
    }

    /** The whole run for a request, before it is published: {@link #resolve} and {@link #preview} both start here. */
    private ObjectNode full(RunRequest request) {
        return request.action() == Action.OFFBOARD ? offboard(request) : plan(request);
    }

    private ObjectNode plan(RunRequest request) {
        Loaded loaded = loadConfig(request);
        Optional<String> newer = newerUpload(request);
        if (newer.isPresent()) {
            return superseded(request, newer.get());
        }
        ClusterConfig config = loaded.config();
        boolean migrate = request.action() == Action.MIGRATE_TO_POD_IDENTITY;
        List<ClusterState.IrsaServiceAccount> irsaAccounts = migrate ? irsaAccounts(request.cluster(), config)
                : List.of();
        ClusterState observed = observer.observe(request.cluster(), config, request.action(), irsaAccounts);
        PlanOptions options = new PlanOptions(settings.guardrails().rolePath(),
                settings.guardrails().permissionsBoundaryArn(), request.removeOidcProviderTrustRelationship(),
                request.approve(), request.dryRun());
        PlanResult result = planner.plan(config, request.action(), observed, options);
        if (result instanceof PlanResult.Refused refused) {
            throw invalid(loaded.source(), refused.problems());
        }
        Plan plan = ((PlanResult.Planned) result).plan();
        List<String> refused = GuardrailCheck.checkMigrations(request.cluster(), plan.steps(), settings.guardrails());
        if (!refused.isEmpty()) {
            throw new InvalidInputException("the plan for cluster \"" + request.cluster() + "\" is refused by the "
                    + "guardrails; nothing was changed", refused);
        }
        ObjectNode run = run(request, plan, context(request, observed), agentBusy(observed));
        if (migrate) {
            addRestarts(run, request.cluster(), plan, irsaAccounts);
        }
        List<String> accessWarnings = access == null ? List.of() : access.warnings(request.cluster(), plan, migrate);
        if (!accessWarnings.isEmpty()) {
            ArrayNode warnings = ((ObjectNode) run.get("summary")).withArray("warnings");
            accessWarnings.forEach(warnings::add);
            List<String> lines = new ArrayList<>();
            lines.add("kubernetes access:");
            accessWarnings.forEach(w -> lines.add("  " + w));
            insertBeforeCounts(run, lines);
        }
        return run;
    }

    /**
     * The cluster's annotated service accounts, plus the config's {@code iam.serviceAccounts} with an
     * {@code attachRoleARN} that the cluster does not show annotated (e.g. {@code roleOnly} ones whose annotation
     * lives in a Helm chart not yet deployed).
     */
    private List<ClusterState.IrsaServiceAccount> irsaAccounts(String cluster, ClusterConfig config) {
        List<ClusterState.IrsaServiceAccount> found = new ArrayList<>(irsa.find(cluster));
        if (config != null && config.iam() != null) {
            Set<String> seen = new java.util.HashSet<>();
            found.forEach(sa -> seen.add(sa.key()));
            for (var sa : config.iam().serviceAccounts()) {
                String ns = sa.namespace() == null || sa.namespace().isEmpty() ? "default" : sa.namespace();
                if (sa.attachRoleARN() != null && !sa.attachRoleARN().isEmpty() && seen.add(ns + "/" + sa.name())) {
                    found.add(new ClusterState.IrsaServiceAccount(ns, sa.name(), sa.attachRoleARN()));
                }
            }
        }
        return found;
    }

    /**
     * Pods read their credentials when they start: after the migration, running pods of a migrated service account
     * keep their IRSA web identity until restarted. The plan and the report name their workloads.
     */
    private void addRestarts(ObjectNode run, String cluster, Plan plan,
                             List<ClusterState.IrsaServiceAccount> irsaAccounts) {
        Set<String> annotationRemoved = new java.util.HashSet<>();
        for (Step step : plan.stepsIn(Phase.PRUNE)) {
            if (step instanceof Step.RemoveIrsaAnnotation r) {
                annotationRemoved.add(r.namespace() + "/" + r.serviceAccount());
            }
        }
        ObjectNode restarts = JsonNodeFactory.instance.objectNode();
        List<String> lines = new ArrayList<>();
        boolean annotationStays = false;
        for (Step step : plan.stepsIn(Phase.ASSOCIATE)) {
            if (step instanceof Step.MigrateServiceAccount m) {
                String key = m.namespace() + "/" + m.serviceAccount();
                List<String> workloads = irsa.workloadsUsing(cluster, m.namespace(), m.serviceAccount());
                ArrayNode list = restarts.putArray(key);
                workloads.forEach(list::add);
                boolean stays = !annotationRemoved.contains(key);
                annotationStays |= stays;
                lines.add("  " + key + ": " + (workloads.isEmpty() ? "no running pods" : String.join(", ", workloads))
                        + (stays ? " (IRSA annotation stays)" : ""));
            }
        }
        for (Step step : plan.stepsIn(Phase.ADDONS)) {
            if (step instanceof Step.MigrateAddon m) {
                // the addon's service account, found where discovery saw it annotated with the addon's role
                for (ClusterState.IrsaServiceAccount sa : irsaAccounts) {
                    if (sa.name().equals(m.serviceAccount()) && sa.roleArn().equals(m.roleArn())) {
                        List<String> workloads = irsa.workloadsUsing(cluster, sa.namespace(), sa.name());
                        ArrayNode list = restarts.putArray(sa.key());
                        workloads.forEach(list::add);
                        lines.add("  " + sa.key() + " (addon " + m.name() + "): " + (workloads.isEmpty()
                                ? "no running pods" : String.join(", ", workloads)));
                    }
                }
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        ObjectNode summary = (ObjectNode) run.get("summary");
        summary.set("restartWorkloads", restarts);
        summary.put("restartNote", RESTART_NOTE + (annotationStays ? " " + ANNOTATION_NOTE : ""));
        lines.add(0, "restart (" + RESTART_NOTE + "):");
        if (annotationStays) {
            lines.add("  " + ANNOTATION_NOTE);
        }
        insertBeforeCounts(run, lines);
    }

    /** Adds lines to the plan text before its closing "N changes, M unchanged", so the plan still ends with it. */
    private static void insertBeforeCounts(ObjectNode run, List<String> lines) {
        String text = run.path("planText").asText();
        java.util.regex.Matcher end = java.util.regex.Pattern.compile("(?m)^\\d+ changes?, ").matcher(text);
        int at = end.find() ? end.start() : text.length();
        run.put("planText", text.substring(0, at) + String.join("\n", lines) + "\n" + text.substring(at));
    }

    static final String RESTART_NOTE = "running pods keep their IRSA credentials until restarted; restart these "
            + "workloads after the migration";
    static final String ANNOTATION_NOTE = "while a service account keeps its IRSA annotation, restarted pods still "
            + "get IRSA first (the SDKs' default credential chain); remove it with "
            + "\"removeOidcProviderTrustRelationship\": true, then restart";

    private static ObjectNode context(RunRequest request, ClusterState observed) {
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.put("cluster", request.cluster());
        context.put("account", observed.accountId());
        context.put("region", observed.region());
        context.put("partition", observed.partition());
        return context;
    }

    private static boolean agentBusy(ClusterState observed) {
        return observed.agent() != null && !"ACTIVE".equals(observed.agent().status());
    }

    /**
     * The version of the config object now current, when this run was started by the upload of another version. Runs
     * for uploads may start, or win the cluster's lock, in any order: checked after the config is read and again on
     * every re-plan after waiting for the lock, this keeps an older upload's run from undoing a newer one's. Console
     * runs name a version on purpose (a rollback) and are never superseded.
     */
    private Optional<String> newerUpload(RunRequest request) {
        if (!"s3".equals(request.raw().path("trigger").path("type").asText()) || request.configKey() == null
                || request.configVersion() == null || store == null) {
            return Optional.empty();
        }
        return store.currentVersion(request.configKey()).filter(current -> !current.equals(request.configVersion()));
    }

    /** A run that stands down for a newer upload's: no steps; the report says why (statemachine/README.md). */
    private static ObjectNode superseded(RunRequest request, String current) {
        Plan nothing = new Plan(request.cluster(), request.action(), false, List.of(), List.of(), List.of());
        ObjectNode run = run(request, nothing, JsonNodeFactory.instance.objectNode().put("cluster", request.cluster()),
                false);
        String why = request.configKey() + " was replaced after this run's upload (version " + request.configVersion()
                + "; now " + current + "): the newer upload's run applies it; this run changed nothing";
        run.put("superseded", true);
        run.put("planText", "superseded: " + why + "\n0 changes, 0 unchanged\n");
        ObjectNode summary = (ObjectNode) run.get("summary");
        summary.putObject("superseded").put("configKey", request.configKey())
                .put("version", request.configVersion()).put("currentVersion", current);
        summary.withArray("warnings").add("superseded: " + why);
        return run;
    }

    /**
     * The whole run for any plan: the Resolve fields (statemachine/README.md) plus {@code context} and every step
     * per phase in {@code phases}, which {@link RunOutput#publish} moves to the plan artifact.
     */
    private static ObjectNode run(RunRequest request, Plan plan, ObjectNode context, boolean agentBusy) {
        ObjectNode run = JsonNodeFactory.instance.objectNode();
        run.put("action", request.action().wireName());
        run.put("cluster", request.cluster());
        boolean planOnly = plan.planOnly() || request.dryRun() || request.action() == Action.GET
                || (request.action() == Action.MIGRATE_TO_POD_IDENTITY && !request.approve());
        run.put("planOnly", planOnly);
        run.put("waitForCluster", !plan.stepsIn(Phase.WAIT_ACTIVE).isEmpty());
        boolean installAgent = !plan.stepsIn(Phase.AGENT).isEmpty();
        run.put("installAgent", installAgent);
        boolean needsAgent = !plan.stepsIn(Phase.ASSOCIATE).isEmpty() || !plan.stepsIn(Phase.ADDONS).isEmpty();
        run.put("waitForAgent", !installAgent && agentBusy && needsAgent);
        run.set("context", context);
        ObjectNode phases = run.putObject("phases");
        phases.set("trust", steps(plan.stepsIn(Phase.TRUST)));
        phases.set("associate", steps(plan.stepsIn(Phase.ASSOCIATE)));
        phases.set("addons", steps(plan.stepsIn(Phase.ADDONS)));
        phases.set("prune", steps(plan.stepsIn(Phase.PRUNE)));
        run.put("planText", PlanText.render(plan));
        ObjectNode summary = run.putObject("summary");
        summary.put("changes", plan.changeCount());
        summary.put("unchanged", plan.unchanged().size());
        ArrayNode warnings = summary.putArray("warnings");
        plan.warnings().forEach(w -> warnings.add(String.valueOf(w)));
        for (Step step : plan.stepsIn(Phase.REPORT)) {
            if (step instanceof Step.ReportAssociations report) {
                summary.set("associations", STEPS.valueToTree(report.associations()));
            }
        }
        return run;
    }

    private static ArrayNode steps(List<Step> steps) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Step step : steps) {
            out.add(STEPS.<JsonNode>valueToTree(step));
        }
        return out;
    }

    /**
     * A deleted cluster took its associations with it; what is left of ours are the roles we created for it,
     * found by their ownership tags under the role path. Nothing else is touched.
     */
    private ObjectNode offboard(RunRequest request) {
        List<Step> steps = new ArrayList<>();
        for (String name : iam.listRoleNames(settings.guardrails().rolePath())) {
            Optional<IamRoles.IamRole> role = iam.getRole(name);
            if (role.isEmpty() || !OwnershipTags.isOwnedBy(role.get().tags(), request.cluster())) {
                continue;
            }
            Map<String, String> tags = role.get().tags();
            String addon = tags.get(OwnershipTags.ADDON);
            String namespace = addon != null ? "addon:" + addon : tags.getOrDefault(OwnershipTags.NAMESPACE, "");
            String sa = tags.getOrDefault(OwnershipTags.SERVICE_ACCOUNT, name);
            steps.add(new Step.DeleteAssociation(null, namespace, sa, role.get().arn(), role.get().arn(),
                    "cluster \"" + request.cluster() + "\" was deleted; its associations went with it"));
        }
        Plan plan = new Plan(request.cluster(), Action.OFFBOARD, request.dryRun(), steps, List.of(), List.of());
        return run(request, plan, JsonNodeFactory.instance.objectNode().put("cluster", request.cluster()), false);
    }

    record Loaded(ClusterConfig config, String source) {
    }

    /** The config the request stands for, validated and checked against the guardrails; nothing is read twice. */
    Loaded loadConfig(RunRequest request) {
        String cluster = request.cluster();
        byte[] bytes;
        String source;
        boolean isDefault = false;
        if (request.configKey() != null) {
            source = request.configKey();
            bytes = read(source, request.configVersion()).orElseThrow(() -> new InvalidInputException(
                    "config " + describe(source, request.configVersion()) + " does not exist in bucket "
                            + settings.configBucket()));
            // The default config serves every new cluster: its metadata.name is a placeholder.
            isDefault = source.equals(settings.defaultConfigKey());
        } else if (request.action() == Action.APPLY) {
            throw new InvalidInputException("apply needs configKey: the config object to apply (clusters/"
                    + cluster + ".yaml)");
        } else if (request.action() == Action.ONBOARD) {
            Optional<Map.Entry<String, byte[]>> own = clusterConfig(cluster);
            if (own.isPresent()) {
                source = own.get().getKey();
                bytes = own.get().getValue();
            } else {
                Optional<byte[]> fallback = read(settings.defaultConfigKey(), null);
                source = fallback.isPresent() ? settings.defaultConfigKey() : "(no config: agent only)";
                bytes = fallback.orElseGet(() -> RequestConfigs.empty(cluster));
                isDefault = fallback.isPresent();
            }
        } else {
            source = RequestConfigs.CONSOLE_SOURCE;
            bytes = RequestConfigs.fromConsole(request.action(), cluster, request.raw());
        }
        LoadResult loaded = new ConfigLoader(settings.guardrails().readLimits()).load(bytes, source);
        if (loaded.config() == null) {
            throw invalid(source, loaded.problems());
        }
        ClusterConfig config = isDefault ? loaded.config().withClusterName(cluster) : loaded.config();
        List<Problem> problems = new ArrayList<>(loaded.problems());
        problems.addAll(ConfigJudgement.judge(config, request.action(), settings.guardrails(), iamFacts()));
        String declared = config.metadata() == null ? null : config.metadata().name();
        if (declared != null && !declared.equals(cluster)) {
            problems.add(Problem.error("metadata.name", config.source().positionOf("metadata.name"),
                    "the config is for cluster \"" + declared + "\" but the run is for \"" + cluster + "\""
                            + (request.configKey() != null ? "; a file under clusters/ must be named after its "
                            + "metadata.name (clusters/" + declared + ".yaml)" : "")));
        }
        if (problems.stream().anyMatch(Problem::isError)) {
            throw invalid(source, problems);
        }
        return new Loaded(config, source);
    }

    /** What the guardrails read from IAM: the tags of the roles a config names, the policies it attaches. */
    private IamFacts iamFacts() {
        return new IamFacts() {
            @Override
            public boolean known() {
                return true;
            }

            @Override
            public Optional<Map<String, String>> roleTags(String roleArn) {
                String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
                // A role of that name in this account is the one named only when the whole ARN (account, path) agrees.
                return iam.getRole(name).filter(r -> r.arn().equals(roleArn)).map(IamRoles.IamRole::tags);
            }

            @Override
            public Optional<String> policyDocument(String policyArn) {
                return iam.defaultPolicyDocument(policyArn);
            }
        };
    }

    private Optional<Map.Entry<String, byte[]>> clusterConfig(String cluster) {
        for (String ext : List.of("yaml", "yml", "json")) {
            String key = "clusters/" + cluster + "." + ext;
            Optional<byte[]> bytes = read(key, null);
            if (bytes.isPresent()) {
                return Optional.of(Map.entry(key, bytes.get()));
            }
        }
        return Optional.empty();
    }

    /** A config object, read no further than the MaxConfigBytes guardrail: a larger one is refused unread. */
    private Optional<byte[]> read(String key, String version) {
        int max = settings.guardrails().maxConfigBytes();
        try {
            return store.read(key, version, max);
        } catch (ConfigStore.TooLarge e) {
            throw invalid(key, List.of(Problem.error("", dev.podidentity.autopilot.config.Position.START,
                    String.format("guardrail MaxConfigBytes: the file is %,d bytes; the limit is %,d bytes",
                            e.size(), max))));
        }
    }

    private static String describe(String key, String version) {
        return key + (version == null ? "" : " (version " + version + ")");
    }

    static InvalidInputException invalid(String source, List<Problem> problems) {
        List<String> lines = problems.stream().filter(Problem::isError).sorted(Problem.BY_POSITION)
                .map(p -> p.format(source)).toList();
        return new InvalidInputException(source + " is not valid; nothing was changed", lines);
    }

    /** The execution input, with its fields checked: an unknown field is an error, not silently dropped. */
    record RunRequest(Action action, String cluster, boolean dryRun, boolean approve,
                      boolean removeOidcProviderTrustRelationship, String configKey, String configVersion,
                      JsonNode raw) {

        static RunRequest from(JsonNode input) {
            if (input == null || !input.isObject()) {
                throw new InvalidInputException("the execution input must be a JSON object with at least "
                        + "\"action\" and \"cluster\"");
            }
            List<String> problems = new ArrayList<>();
            String actionName = text(input, "action");
            Action action = actionName == null ? null : Action.fromWireName(actionName).orElse(null);
            if (actionName == null) {
                problems.add("action: must be set (apply, onboard, create, get, update, delete, create-addon, "
                        + "update-addon, delete-addon, migrate-to-pod-identity)");
            } else if (action == null) {
                problems.add("action: unknown action \"" + actionName + "\"");
            }
            String cluster = text(input, "cluster");
            if (cluster == null || cluster.isEmpty()) {
                problems.add("cluster: must be set");
            }
            checkTypes(input, problems);
            if (problems.isEmpty() && !CLUSTER_NAME.matcher(cluster).matches()) {
                problems.add("cluster: \"" + cluster + "\" is not an EKS cluster name (1-100 letters, digits, - and _,"
                        + " a letter or digit first)");
            }
            String key = text(input, "configKey");
            if (key != null && input.get("configKey").isTextual() && !configKeyAllowed(key)) {
                problems.add("configKey: \"" + key + "\" is not a config in the bucket: configs are clusters/<cluster>"
                        + ".yaml (.yml, .json) or under defaults/, at most 1024 bytes, without \"..\"");
            }
            for (Iterator<String> it = input.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!INPUT_FIELDS.contains(field) && !RequestConfigs.ASSOCIATION_FIELDS.contains(field)) {
                    problems.add(field + ": unknown field in the execution input");
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidInputException("the execution input is not valid; nothing was changed", problems);
            }
            return new RunRequest(action, cluster, input.path("dryRun").asBoolean(false),
                    input.path("approve").asBoolean(false),
                    input.path("removeOidcProviderTrustRelationship").asBoolean(false),
                    text(input, "configKey"), text(input, "configVersion"), input);
        }

        private static String text(JsonNode node, String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }

        private static final java.util.regex.Pattern CLUSTER_NAME =
                java.util.regex.Pattern.compile("[0-9A-Za-z][A-Za-z0-9_-]{0,99}");

        /** The run's own fields have one JSON type each; "dryRun": "false" is a mistake, not false. */
        private static void checkTypes(JsonNode input, List<String> problems) {
            for (String field : List.of("action", "cluster", "configKey", "configVersion")) {
                JsonNode v = input.get(field);
                if (v != null && !v.isNull() && !v.isTextual()) {
                    problems.add(field + ": must be a string, got " + typeOf(v));
                }
            }
            for (String field : List.of("dryRun", "approve", "removeOidcProviderTrustRelationship")) {
                JsonNode v = input.get(field);
                if (v != null && !v.isNull() && !v.isBoolean()) {
                    problems.add(field + ": must be true or false, got " + typeOf(v) + " " + v);
                }
            }
        }

        private static String typeOf(JsonNode v) {
            return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        }

        /** Resolve may read clusters/ and defaults/ only (its IAM policy says the same). */
        static boolean configKeyAllowed(String key) {
            return (key.startsWith("clusters/") || key.startsWith("defaults/")) && !key.contains("..")
                    && key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 1024;
        }
    }
}
