package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.naming.Owner;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.config.SourceMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** A plan being built: steps, trust needs merged per role, problems. One per {@link Planner#plan} call. */
final class Draft {
    final ClusterConfig config;
    final Action action;
    final ClusterState observed;
    final PlanOptions options;
    final PlanningPolicies policies;
    final String cluster;
    final ObservedIndex lookup;
    private final SourceMap source;

    private final Map<String, Step> steps = new LinkedHashMap<>();
    private final List<Plan.Unchanged> unchanged = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, TrustNeed> trust = new LinkedHashMap<>();
    /** Set when some step creates a pod identity association, which only works with the agent running. */
    boolean needsAgent;
    /** Set when the request asks for the agent itself (onboard, or the agent listed among addons to create). */
    boolean agentRequested;
    /** The config's {@code eks-pod-identity-agent} entry, whose version, configuration and tags the install uses. */
    Step.InstallAgent agentEntry;

    Draft(ClusterConfig config, Action action, ClusterState observed, PlanOptions options, PlanningPolicies policies) {
        this.config = config;
        this.action = action;
        this.observed = observed;
        this.options = options;
        this.policies = policies;
        this.cluster = observed.clusterName();
        this.lookup = new ObservedIndex(observed);
        this.source = config.source() == null ? SourceMap.empty() : config.source();
    }

    void add(Step step) {
        Step previous = steps.putIfAbsent(step.id(), step);
        if (previous != null) {
            throw new IllegalStateException("two steps with id " + step.id() + ": " + previous + " and " + step);
        }
    }

    void unchanged(String id, String description) {
        unchanged.add(new Plan.Unchanged(id, description));
    }

    void warn(String message) {
        warnings.add(message);
    }

    void error(String path, String message) {
        problems.add(Problem.error(path, source.positionOf(path), message));
    }

    int stepCount() {
        return steps.size();
    }

    boolean hasPendingTrust() {
        return !trust.isEmpty();
    }

    boolean hasErrors() {
        return !problems.isEmpty();
    }

    /** Ask for a trust change on an existing role; several asks for one role become one step. */
    void trust(ClusterState.Role role, Owner owner, boolean addPods, String removeOidcProviderArn,
               String usedBy) {
        TrustNeed need = trust.computeIfAbsent(role.name(), n -> new TrustNeed(role.arn(), role.name(), owner));
        need.addPods |= addPods;
        if (removeOidcProviderArn != null) {
            need.removeOidc = removeOidcProviderArn;
        }
        need.usedBy.add(usedBy);
    }

    PlanResult finish() {
        if (!problems.isEmpty()) {
            problems.sort(Problem.BY_POSITION);
            return new PlanResult.Refused(problems);
        }
        for (TrustNeed need : trust.values()) {
            if (need.addPods || need.removeOidc != null) {
                add(new Step.UpdateTrustPolicy(need.arn, need.name, need.owner, need.addPods, need.removeOidc,
                        List.copyOf(need.usedBy)));
            }
        }
        String agentId = "agent/" + Step.InstallAgent.ADDON;
        if ((needsAgent || agentRequested) && !observed.autoMode() && observed.agent() == null) {
            add(agentEntry != null ? agentEntry : new Step.InstallAgent(cluster));
        } else if (agentRequested && observed.autoMode()) {
            unchanged(agentId, "the pod identity agent is built in to EKS Auto Mode");
        } else if (agentRequested) {
            unchanged(agentId, "addon \"" + Step.InstallAgent.ADDON + "\" is installed");
        }
        boolean planOnly = options.dryRun() || (action == Action.MIGRATE_TO_POD_IDENTITY && !options.approve());
        return new PlanResult.Planned(new Plan(cluster, action, planOnly, List.copyOf(steps.values()), unchanged,
                warnings));
    }

    private static final class TrustNeed {
        final String arn;
        final String name;
        final Owner owner;
        boolean addPods;
        String removeOidc;
        final TreeSet<String> usedBy = new TreeSet<>();

        TrustNeed(String arn, String name, Owner owner) {
            this.arn = arn;
            this.name = name;
            this.owner = owner;
        }
    }
}
