package dev.podidentity.local.eks;

import java.util.Optional;

/** Where cluster existence comes from (moto's EKS), so that one store decides whether a cluster exists. */
@FunctionalInterface
public interface ClusterDirectory {
    /** The cluster's ARN and moto status, or empty if moto has no such cluster in that region. */
    Optional<ClusterRecord> find(String region, String clusterName);

    record ClusterRecord(String name, String arn, String status) {
    }
}
