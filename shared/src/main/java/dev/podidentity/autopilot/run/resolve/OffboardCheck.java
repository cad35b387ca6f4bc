package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Step;

import java.util.List;
import java.util.Optional;

/**
 * Offboarding deletes what we made for a cluster, so it runs only for a cluster that is gone: EKS answers
 * ResourceNotFound, or the cluster is DELETING and the run waits until it is gone (the state machine's cluster wait,
 * which for offboard waits for NOT_FOUND). Any other status (a console offboard of a live cluster, a late or
 * redriven DeleteCluster event for a cluster created again under the same name) refuses the run before anything is
 * changed, naming the status.
 */
final class OffboardCheck {
    private OffboardCheck() {
    }

    /** No steps when the cluster is gone, a wait while it is DELETING; otherwise the refusal. */
    static List<Step> waitUntilGone(String cluster, Optional<String> status) {
        if (status.isEmpty()) {
            return List.of();
        }
        if ("DELETING".equals(status.get())) {
            return List.of(new Step.WaitForCluster(cluster, ClusterState.ClusterStatus.DELETING));
        }
        throw new InvalidInputException("offboard of cluster \"" + cluster + "\" refused: the cluster exists and is "
                + status.get() + "; offboarding deletes its roles only once EKS says the cluster is gone; nothing "
                + "was changed");
    }
}
