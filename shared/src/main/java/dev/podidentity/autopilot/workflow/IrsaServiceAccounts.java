package dev.podidentity.autopilot.workflow;

import dev.podidentity.autopilot.plan.ClusterState;

import java.util.List;

/** Where migration finds the service accounts that use IRSA (annotated {@code eks.amazonaws.com/role-arn}). */
@FunctionalInterface
public interface IrsaServiceAccounts {
    List<ClusterState.IrsaServiceAccount> find(String cluster);

    IrsaServiceAccounts NONE = cluster -> List.of();
}
