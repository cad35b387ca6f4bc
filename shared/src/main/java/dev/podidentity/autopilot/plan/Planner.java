package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.Addon;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a validated config, an action and the observed cluster into a {@link Plan}. Reads only; deterministic
 * (same inputs, same plan: steps sorted by phase and id, ids derived from resources); what is already right
 * becomes no step. Rules that need the observed cluster (eksctl's update rules, the addon "omitted vs []" rule,
 * addon-owned associations) are checked here and refuse the whole plan with every problem found.
 *
 * <h2>What apply prunes</h2>
 * Apply (and onboard) deletes only standalone associations that carry our ownership tags for this cluster and
 * that the config no longer declares, each with its role when we created that role for that same association, plus
 * a role of ours that a declared association stopped using. It never deletes addon-owned associations, associations
 * or roles someone else made (eksctl, the console, Terraform), migrated associations (they are not tagged as ours),
 * addons the config does not list, or service accounts. A config is thus the full truth about what we made, and
 * only about that: taking an entry out of the file undoes exactly what adding it did.
 */
public final class Planner {
    private final PlanningPolicies policies;

    public Planner(PlanningPolicies policies) {
        this.policies = Objects.requireNonNull(policies, "policies");
    }

    public PlanResult plan(ClusterConfig config, Action action, ClusterState observed, PlanOptions options) {
        ClusterConfig desired = IrsaEquivalents.effective(config, action);
        Draft draft = new Draft(desired, action, observed, options, policies);
        if (IrsaEquivalents.concerns(action)) {
            IrsaEquivalents.warnServiceAccounts(draft);
        }
        String configName = desired.metadata() == null ? null : desired.metadata().name();
        if (configName != null && !configName.equals(observed.clusterName())) {
            draft.error("metadata.name", "metadata.name \"" + configName + "\" is not the cluster being planned (\""
                    + observed.clusterName() + "\")");
            return draft.finish();
        }
        if (observed.status() == ClusterState.ClusterStatus.DELETING
                || observed.status() == ClusterState.ClusterStatus.FAILED) {
            draft.error("metadata.name", "cluster \"" + observed.clusterName() + "\" is " + observed.status()
                    + "; nothing can be changed");
            return draft.finish();
        }
        if (action != Action.GET && !observed.isActive()) {
            draft.add(new Step.WaitForCluster(observed.clusterName(), observed.status()));
        }
        RoleResolver roles = new RoleResolver(draft);
        AssociationPlanner associations = new AssociationPlanner(draft, roles);
        AddonPlanner addons = new AddonPlanner(draft, roles);
        switch (action) {
            case APPLY, ONBOARD -> {
                draft.agentRequested = action == Action.ONBOARD;
                associations.planDeclared();
                addons.planAll(AddonPlanner.Mode.APPLY);
                associations.prune();
            }
            case CREATE -> associations.planDeclared();
            case UPDATE -> associations.planUpdate();
            case DELETE -> associations.planDelete();
            case GET -> associations.planGet();
            case CREATE_ADDON -> addons.planAll(AddonPlanner.Mode.CREATE);
            case UPDATE_ADDON -> addons.planAll(AddonPlanner.Mode.UPDATE);
            case DELETE_ADDON -> addons.planAll(AddonPlanner.Mode.DELETE);
            case MIGRATE_TO_POD_IDENTITY -> new MigrationPlanner(draft).plan();
        }
        return draft.finish();
    }

    /**
     * What Resolve must read from IAM before planning, given the config and what it has observed of the cluster so
     * far (associations, addons, addon support, IRSA service accounts): roles by ARN (those in use or named) and by
     * name (those we would create, to find them at any path and refuse to take over someone else's).
     */
    public RoleLookups rolesToObserve(ClusterConfig config, Action action, ClusterState observedSoFar) {
        ClusterConfig desired = IrsaEquivalents.effective(config, action);
        Set<String> arns = new TreeSet<>();
        Set<String> names = new TreeSet<>();
        if (action == Action.GET) {
            return new RoleLookups(arns, names); // get reports associations; its entries are filters, not roles
        }
        String cluster = observedSoFar.clusterName();
        observedSoFar.associations().forEach(a -> addIfPresent(arns, a.roleArn()));
        observedSoFar.addons().forEach(a -> {
            if (a.serviceAccountRoleArn() != null && !a.serviceAccountRoleArn().isEmpty()) {
                arns.add(a.serviceAccountRoleArn());
            }
        });
        observedSoFar.irsaServiceAccounts().forEach(sa -> addIfPresent(arns, sa.roleArn()));
        if (desired.iam() != null) {
            for (PodIdentityAssociationSpec spec : desired.iam().podIdentityAssociations()) {
                if (spec.hasRoleArn()) {
                    arns.add(spec.roleARN());
                } else {
                    names.add(nonEmptyOr(spec.roleName(),
                            () -> policies.roleNameForAssociation(cluster, spec.namespace(), spec.serviceAccountName())));
                }
            }
        }
        for (Addon addon : desired.addonsOrEmpty()) {
            List<PodIdentityAssociationSpec> specs = addon.podIdentityAssociations() == null ? List.of()
                    : addon.podIdentityAssociations();
            for (PodIdentityAssociationSpec spec : specs) {
                if (spec.hasRoleArn()) {
                    arns.add(spec.roleARN());
                } else {
                    names.add(nonEmptyOr(spec.roleName(),
                            () -> policies.roleNameForAddon(cluster, addon.name(), spec.serviceAccountName())));
                }
            }
            if (addon.useDefaults() || desired.autoApplyPodIdentityAssociations()
                    || (addon.hasIrsaPolicies() && IrsaEquivalents.optedIn(desired))) {
                observedSoFar.support(addon.name(), addon.version()).ifPresent(s ->
                        s.podIdentityConfiguration().forEach(c ->
                                names.add(policies.roleNameForAddon(cluster, addon.name(), c.serviceAccount()))));
            }
        }
        return new RoleLookups(Set.copyOf(arns), Set.copyOf(names));
    }

    /** Roles Resolve should read: {@code GetRole} by name for each ARN's name and each name. */
    public record RoleLookups(Set<String> arns, Set<String> names) {
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null && !value.isEmpty()) {
            set.add(value);
        }
    }

    private static String nonEmptyOr(String s, java.util.function.Supplier<String> fallback) {
        return s == null || s.isEmpty() ? fallback.get() : s;
    }
}
