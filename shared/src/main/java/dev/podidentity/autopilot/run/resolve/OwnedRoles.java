package dev.podidentity.autopilot.run.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.naming.RoleNames;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.OffboardPlanner;
import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.PlanJson;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.autopilot.concurrent.BackgroundRead;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The roles this application made for a cluster, found under the role path by their ownership tags: what offboarding
 * deletes, and what an apply reclaims when nothing uses them any more (a run that created a role and failed before
 * its association, a config entry dropped while its association was already gone). ListRoles gives names and
 * creation times only, so GetRole (for the tags) is asked only of the roles nothing in the plan or the cluster names.
 */
final class OwnedRoles {
    /** GetRole calls in flight at once when reclaiming (IAM's read rate is shared by the account). */
    static final int READS_AT_ONCE = 8;
    private final IamRoles iam;
    private final String rolePath;

    OwnedRoles(IamRoles iam, String rolePath) {
        this.iam = iam;
        this.rolePath = rolePath;
    }

    /** The step that deletes a role of ours that has no association left, named after its ownership tags. */
    static Step.DeleteAssociation deleteStep(IamRoles.IamRole role, String reason) {
        return OffboardPlanner.deleteStep(new OffboardPlanner.ListedRole(role.name(), role.arn(), role.tags()), reason);
    }

    /** What reclaiming found: the roles to delete, and the unused ones kept because they are younger than the grace. */
    record Reclaim(List<Step> steps, List<String> kept) {
    }

    /**
     * The roles of ours for the cluster that neither the plan (any role ARN a step names) nor the cluster (an
     * association's role, an addon's IRSA role) uses, created longer than {@code grace} ago.
     */
    Reclaim unused(String cluster, Plan plan, ClusterState observed, Duration grace, Instant now) {
        return unused(cluster, plan, observed, () -> listed(), grace, now);
    }

    /** ListRoles of the role path (all pages): what {@link #unused} reads first, which no plan changes. */
    List<IamRoles.RoleSummary> listed() {
        return iam.listRoles(rolePath);
    }

    /**
     * {@link #unused(String, Plan, ClusterState, Duration, Instant)} with the role path's listing given: Resolve
     * starts that ListRoles beside observing the cluster, and its value (or its error) is taken here, where it was
     * read before.
     */
    Reclaim unused(String cluster, Plan plan, ClusterState observed,
                   java.util.function.Supplier<List<IamRoles.RoleSummary>> listing, Duration grace, Instant now) {
        Set<String> named = new HashSet<>();
        for (Step step : plan.steps()) {
            collectRoleNames(PlanJson.mapper().valueToTree(step), named);
        }
        observed.associations().forEach(a -> addName(a.roleArn(), named));
        observed.addons().forEach(a -> addName(a.serviceAccountRoleArn(), named));
        Set<String> ids = new HashSet<>();
        plan.steps().forEach(s -> ids.add(s.id()));
        List<Step> steps = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        // The path holds the roles of every cluster the stack serves: a role whose name says it was made for another
        // cluster is not read (with many clusters, most of them), and the others are read at once.
        List<IamRoles.RoleSummary> candidates = listing.get().stream()
                .filter(summary -> !named.contains(summary.name()))
                .filter(summary -> !RoleNames.namesAnotherCluster(summary.name(), cluster))
                .toList();
        List<Optional<IamRoles.IamRole>> read = BackgroundRead.each(candidates, READS_AT_ONCE,
                summary -> iam.getRole(summary.name()), "interrupted while reading the roles of ours");
        for (int i = 0; i < candidates.size(); i++) {
            IamRoles.RoleSummary summary = candidates.get(i);
            // A role that web identities may assume (IRSA) can be in use without any association: never reclaimed.
            Optional<IamRoles.IamRole> role = read.get(i)
                    .filter(r -> OwnershipTags.isOwnedBy(r.tags(), cluster))
                    .filter(r -> r.trustPolicyJson() == null || !r.trustPolicyJson().contains("Federated"));
            if (role.isEmpty()) {
                continue;
            }
            Step.DeleteAssociation step = deleteStep(role.get(), "reclaimed: made for cluster \"" + cluster
                    + "\", and no association uses it and no config entry names it");
            if (ids.contains(step.id())) {
                continue; // the plan already acts on that service account; the next run looks again
            }
            Duration age = summary.createDate() == null ? grace : Duration.between(summary.createDate(), now);
            if (age.compareTo(grace) < 0) {
                kept.add("role \"" + summary.name() + "\" of ours is unused but was created " + age.toMinutes()
                        + " minute(s) ago; kept for now (a run in flight may be about to use it; reclaimed after "
                        + grace.toMinutes() + " minutes)");
            } else {
                steps.add(step);
                ids.add(step.id());
            }
        }
        return new Reclaim(steps, kept);
    }

    private static void collectRoleNames(JsonNode node, Set<String> names) {
        if (node.isTextual()) {
            addName(node.asText(), names);
        } else {
            node.forEach(child -> collectRoleNames(child, names));
        }
    }

    private static void addName(String arn, Set<String> names) {
        if (arn != null && arn.startsWith("arn:") && arn.contains(":role/")) {
            Arns.role(arn).toOptional().ifPresent(r -> names.add(r.name()));
        }
    }
}
