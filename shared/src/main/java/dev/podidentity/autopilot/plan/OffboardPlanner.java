package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.naming.OwnershipTags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Offboarding a deleted cluster: its associations went with it; what is left of ours are the roles we created for it,
 * recognised by their ownership tags. Each becomes a deletion; a role another cluster or nobody owns is not touched.
 * Pure: the roles under the role path are read by the caller.
 */
public final class OffboardPlanner {
    /** A role under the role path, as IAM lists it. */
    public record ListedRole(String name, String arn, Map<String, String> tags) {
    }

    private OffboardPlanner() {
    }

    public static Plan plan(String cluster, boolean dryRun, List<ListedRole> roles) {
        List<Step> steps = new ArrayList<>();
        for (ListedRole role : roles) {
            if (!OwnershipTags.isOwnedBy(role.tags(), cluster)) {
                continue;
            }
            steps.add(deleteStep(role, "cluster \"" + cluster + "\" was deleted; its associations went with it"));
        }
        return new Plan(cluster, Action.OFFBOARD, dryRun, steps, List.of(), List.of());
    }

    /** The step that deletes a role of ours whose association is gone, named after its ownership tags. */
    public static Step.DeleteAssociation deleteStep(ListedRole role, String reason) {
        Map<String, String> tags = role.tags();
        String addon = tags.get(OwnershipTags.ADDON);
        String namespace = addon != null ? "addon:" + addon : tags.getOrDefault(OwnershipTags.NAMESPACE, "");
        String sa = tags.getOrDefault(OwnershipTags.SERVICE_ACCOUNT, role.name());
        return new Step.DeleteAssociation(null, namespace, sa, role.arn(), role.arn(), reason);
    }
}
