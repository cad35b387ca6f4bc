package dev.podidentity.autopilot.plan;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hash lookups over a {@link ClusterState}, built once per plan: with 5,000 associations (the EKS quota) the
 * state's own linear lookups made planning quadratic.
 */
final class ObservedIndex {
    private final Map<String, ClusterState.Association> byKey = new HashMap<>();
    private final Map<String, ClusterState.Association> byArn = new HashMap<>();
    private final Map<String, ClusterState.Role> rolesByName = new HashMap<>();
    private final Map<String, Integer> associationsPerRole = new HashMap<>();

    ObservedIndex(ClusterState state) {
        for (ClusterState.Association a : state.associations()) {
            byKey.putIfAbsent(a.key(), a);
            if (a.roleArn() != null) {
                associationsPerRole.merge(a.roleArn(), 1, Integer::sum);
            }
            if (a.associationArn() != null) {
                byArn.putIfAbsent(a.associationArn(), a);
            }
        }
        for (ClusterState.Role r : state.roles().values()) {
            rolesByName.putIfAbsent(r.name(), r);
        }
    }

    Optional<ClusterState.Association> association(String namespace, String serviceAccount) {
        return Optional.ofNullable(byKey.get(namespace + "/" + serviceAccount));
    }

    Optional<ClusterState.Association> associationByArn(String arn) {
        return Optional.ofNullable(byArn.get(arn));
    }

    /** How many associations use the role. */
    int associationsUsing(String roleArn) {
        return associationsPerRole.getOrDefault(roleArn, 0);
    }

    Optional<ClusterState.Role> roleNamed(String name) {
        return Optional.ofNullable(rolesByName.get(name));
    }
}
