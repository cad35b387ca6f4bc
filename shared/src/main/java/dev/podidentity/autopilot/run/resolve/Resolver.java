package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.run.phase.BatchSettings;
import dev.podidentity.autopilot.run.RunArtifacts;
import dev.podidentity.autopilot.run.RunSettings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.guard.GuardrailCheck;
import dev.podidentity.autopilot.observe.ClusterObserver;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.OffboardPlanner;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.PlanOptions;
import dev.podidentity.autopilot.plan.PlanResult;
import dev.podidentity.autopilot.plan.PlanText;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.autopilot.run.contract.PlanSummary;
import dev.podidentity.autopilot.run.contract.ResolveOutput;
import dev.podidentity.autopilot.run.contract.ResolveTask;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import dev.podidentity.autopilot.concurrent.BackgroundRead;
import java.util.Optional;
import java.util.Set;

/**
 * The Resolve task, the brain of a run, which writes nothing: normalise the request, load and judge the config
 * (validation, then guardrails), observe the cluster, plan, and hand the state machine one item per step.
 */
public final class Resolver {
    private final RequestedConfig configs;
    private final ClusterObserver observer;
    private final IamRoles iam;
    private final Planner planner;
    private final IrsaServiceAccounts irsa;
    private final RunSettings settings;
    private final KubernetesAccessCheck access;
    private final RunArtifacts artifacts;
    private final BatchSettings batches;
    private final InstantSource clock;

    public Resolver(ConfigStore store, ClusterObserver observer, IamRoles iam, Planner planner,
                    IrsaServiceAccounts irsa, RunSettings settings, KubernetesAccessCheck access,
                    RunArtifacts artifacts, BatchSettings batches, InstantSource clock) {
        this.clock = clock;
        this.access = access;
        this.artifacts = artifacts;
        this.batches = batches;
        this.configs = new RequestedConfig(store, settings, new IamGuardrailFacts(iam));
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
    public ResolveOutput resolveTask(ResolveTask task) {
        if (task == null || task.input() == null || !task.input().isObject() || task.execution() == null) {
            throw new InvalidInputException("Resolve takes {\"input\": <the execution input>, \"execution\": "
                    + "<the execution name>} (statemachine/README.md)");
        }
        return resolve(task.input(), task.execution());
    }

    /**
     * Plans the request, writes the plan to the config bucket, and returns the run the state machine carries, with
     * the moment planning began (before the first read), which the lock checks the plan's freshness against.
     */
    public ResolveOutput resolve(JsonNode input, String execution) {
        Instant plannedAt = clock.instant();
        RunRequest request = RunRequest.from(input);
        if (execution == null || execution.isBlank()) {
            throw new InvalidInputException("execution: the execution name must be set");
        }
        return RunOutput.publish(full(request), execution, artifacts, settings.configBucket(), batches.batchSize(),
                batches.mapConcurrency(), plannedAt);
    }

    /**
     * The same plan as {@link #resolve}, whole and unpublished: nothing is written, not even the plan artifact
     * (the sweep's drift check, which may only write its own report).
     */
    public ResolvedRun preview(JsonNode input) {
        return full(RunRequest.from(input));
    }

    /** The whole run for a request, before it is published: {@link #resolve} and {@link #preview} both start here. */
    private ResolvedRun full(RunRequest request) {
        return request.action() == Action.OFFBOARD ? offboard(request) : plan(request);
    }

    private ResolvedRun plan(RunRequest request) {
        // What needs nothing of the config starts beside reading it: the cluster's name-only reads (DescribeCluster,
        // ListAddons, ListPodIdentityAssociations) and, for an apply, reclaim's listing of the role path. A config
        // that fails, or was superseded, discards them. Whether a newer upload superseded this one (a HeadObject)
        // is read beside the config itself.
        OwnedRoles owned = new OwnedRoles(iam, settings.guardrails().rolePath());
        try (ClusterObserver.Early early = observer.early(request.cluster());
             BackgroundRead<List<IamRoles.RoleSummary>> ownedListing = request.action() == Action.APPLY
                     ? BackgroundRead.start("owned-roles", owned::listed) : null) {
            RequestedConfig.Loaded loaded;
            Optional<String> newer;
            try (BackgroundRead<Optional<String>> newerRead =
                         BackgroundRead.start("newer-upload", () -> configs.newerUpload(request))) {
                loaded = configs.load(request);
                newer = newerRead.await("interrupted while reading the config's current version");
            }
            if (newer.isPresent()) {
                return superseded(request, newer.get());
            }
            ClusterConfig config = loaded.config();
            boolean migrate = request.action() == Action.MIGRATE_TO_POD_IDENTITY;
            List<ClusterState.IrsaServiceAccount> irsaAccounts = migrate ? irsaAccounts(request.cluster(), config)
                    : List.of();
            return planObserved(request, loaded, config, irsaAccounts, owned, ownedListing, early);
        }
    }

    private ResolvedRun planObserved(RunRequest request, RequestedConfig.Loaded loaded, ClusterConfig config,
                                     List<ClusterState.IrsaServiceAccount> irsaAccounts, OwnedRoles owned,
                                     BackgroundRead<List<IamRoles.RoleSummary>> ownedListing,
                                     ClusterObserver.Early early) {
        boolean migrate = request.action() == Action.MIGRATE_TO_POD_IDENTITY;
        ClusterState observed;
        List<Problem> missing;
        try (ClusterObserver.Observation observation = observer.start(early, config, request.action(),
                irsaAccounts)) {
            // The config's references need only the config and the account: checked beside the rest of observing.
            // Observing's error still comes first, then the references' own error, then the missing ones.
            String account = observation.cluster().accountId();
            try (BackgroundRead<List<Problem>> references = BackgroundRead.start("config-references",
                    () -> ConfigReferences.check(iam, config, request.action(), account))) {
                observed = observation.state();
                missing = references.await("interrupted while reading the roles and policies the config names");
            }
        }
        if (!missing.isEmpty()) {
            throw RequestedConfig.invalid(loaded.source(), missing);
        }
        PlanOptions options = new PlanOptions(settings.guardrails().rolePath(),
                settings.guardrails().permissionsBoundaryArn(), request.removeOidcProviderTrustRelationship(),
                request.approve(), request.dryRun()).withPreserve(request.preserve());
        PlanResult result = planner.plan(config, request.action(), observed, options);
        if (result instanceof PlanResult.Refused refused) {
            throw RequestedConfig.invalid(loaded.source(), refused.problems());
        }
        Plan plan = reclaim(request, ((PlanResult.Planned) result).plan(), observed, owned, ownedListing);
        List<String> refused = GuardrailCheck.checkMigrations(request.cluster(), plan.steps(), settings.guardrails());
        if (!refused.isEmpty()) {
            throw new InvalidInputException("the plan for cluster \"" + request.cluster() + "\" is refused by the "
                    + "guardrails; nothing was changed", refused);
        }
        Optional<MigrationRestarts> restarts = migrate
                ? MigrationRestarts.of(irsa, request.cluster(), plan, irsaAccounts) : Optional.empty();
        List<String> accessWarnings = access == null ? List.of() : access.warnings(request.cluster(), plan, migrate);
        List<PlanText.Section> sections = new ArrayList<>();
        restarts.ifPresent(r -> sections.add(r.section()));
        if (!accessWarnings.isEmpty()) {
            sections.add(new PlanText.Section("kubernetes access:", accessWarnings.stream().map(w -> "  " + w)
                    .toList()));
        }
        ResolvedRun run = run(request, plan, context(request, observed), agentBusy(observed), sections);
        PlanSummary summary = run.summary();
        if (restarts.isPresent()) {
            summary = summary.withRestarts(new LinkedHashMap<>(restarts.get().workloads()), restarts.get().note());
        }
        return run.withSummary(summary.withWarnings(accessWarnings));
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

    private static ResolvedRun.Context context(RunRequest request, ClusterState observed) {
        return new ResolvedRun.Context(request.cluster(), observed.accountId(), observed.region(),
                observed.partition());
    }

    private static boolean agentBusy(ClusterState observed) {
        return observed.agent() != null && !"ACTIVE".equals(observed.agent().status());
    }

    /** A run that stands down for a newer upload's: no steps; the report says why (statemachine/README.md). */
    private static ResolvedRun superseded(RunRequest request, String current) {
        Plan nothing = new Plan(request.cluster(), request.action(), false, List.of(), List.of(), List.of());
        ResolvedRun run = run(request, nothing, ResolvedRun.Context.of(request.cluster()), false, List.of());
        String why = request.configKey() + " was replaced after this run's upload (version " + request.configVersion()
                + "; now " + current + "): the newer upload's run applies it; this run changed nothing";
        PlanSummary summary = run.summary()
                .withSuperseded(new PlanSummary.Superseded(request.configKey(), request.configVersion(), current))
                .withWarnings(List.of("superseded: " + why));
        return run.asSuperseded("superseded: " + why + "\n0 changes, 0 unchanged\n", summary);
    }

    /**
     * The whole run for any plan: the Resolve fields (statemachine/README.md) plus the context and every step per
     * phase, which {@link RunOutput#publish} moves to the plan artifact.
     */
    private static ResolvedRun run(RunRequest request, Plan plan, ResolvedRun.Context context, boolean agentBusy,
                                   List<PlanText.Section> sections) {
        boolean planOnly = plan.planOnly() || request.dryRun() || request.action() == Action.GET
                || (request.action() == Action.MIGRATE_TO_POD_IDENTITY && !request.approve());
        boolean installAgent = !plan.stepsIn(Phase.AGENT).isEmpty();
        boolean needsAgent = !plan.stepsIn(Phase.ASSOCIATE).isEmpty() || !plan.stepsIn(Phase.ADDONS).isEmpty();
        ResolvedRun.Phases phases = new ResolvedRun.Phases(plan.stepsIn(Phase.AGENT), plan.stepsIn(Phase.TRUST),
                plan.stepsIn(Phase.ASSOCIATE), plan.stepsIn(Phase.ADDONS), plan.stepsIn(Phase.PRUNE));
        PlanSummary summary = PlanSummary.of(Math.toIntExact(plan.changeCount()), plan.unchanged().size(),
                plan.warnings().stream().map(String::valueOf).toList());
        for (Step step : plan.stepsIn(Phase.REPORT)) {
            if (step instanceof Step.ReportAssociations report) {
                summary = summary.withAssociations(report.associations());
            }
        }
        return new ResolvedRun(request.action().wireName(), request.cluster(), planOnly,
                !plan.stepsIn(Phase.WAIT_ACTIVE).isEmpty(), installAgent, !installAgent && agentBusy && needsAgent,
                false, context, phases, PlanText.render(plan, sections), summary);
    }

    /** An apply also deletes the roles of ours for its cluster that nothing uses (after the grace period). */
    private Plan reclaim(RunRequest request, Plan plan, ClusterState observed, OwnedRoles owned,
                         BackgroundRead<List<IamRoles.RoleSummary>> listing) {
        if (request.action() != Action.APPLY) {
            return plan;
        }
        OwnedRoles.Reclaim found = owned.unused(request.cluster(), plan, observed,
                () -> listing.await("interrupted while listing the roles of ours"), settings.orphanRoleGrace(),
                java.time.Instant.now());
        List<Step> steps = new ArrayList<>(plan.steps());
        steps.addAll(found.steps());
        List<String> warnings = new ArrayList<>(plan.warnings());
        warnings.addAll(found.kept());
        return new Plan(plan.cluster(), plan.action(), plan.planOnly(), steps, plan.unchanged(), warnings);
    }

    /** Offboarding a deleted cluster: the planner decides which of the listed roles are ours to delete. */
    private ResolvedRun offboard(RunRequest request) {
        // only for a cluster EKS no longer has (a DELETING one is waited out first); any other status refuses
        List<Step> wait = OffboardCheck.waitUntilGone(request.cluster(), observer.clusterStatus(request.cluster()));
        List<OffboardPlanner.ListedRole> roles = new ArrayList<>();
        for (String name : iam.listRoleNames(settings.guardrails().rolePath())) {
            iam.getRole(name).ifPresent(r -> roles.add(new OffboardPlanner.ListedRole(name, r.arn(), r.tags())));
        }
        Plan planned = OffboardPlanner.plan(request.cluster(), request.dryRun(), roles);
        List<Step> steps = new ArrayList<>(wait);
        steps.addAll(planned.steps());
        Plan plan = new Plan(planned.cluster(), planned.action(), planned.planOnly(), steps, planned.unchanged(),
                planned.warnings());
        return run(request, plan, ResolvedRun.Context.of(request.cluster()), false, List.of());
    }
}
