package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.port.KubernetesPort;

import java.util.List;

/**
 * Where migration finds the service accounts that use IRSA (annotated {@code eks.amazonaws.com/role-arn}), and the
 * workloads running as each of them (they keep IRSA credentials until restarted).
 */
public interface IrsaServiceAccounts {
    List<ClusterState.IrsaServiceAccount> find(String cluster);

    /** {@code Kind ns/name} of the workloads whose pods run as ns/sa; empty when unknown. */
    default List<String> workloadsUsing(String cluster, String namespace, String serviceAccount) {
        return List.of();
    }

    IrsaServiceAccounts NONE = cluster -> List.of();

    /** The cluster's own service accounts, read through the Kubernetes API. */
    static IrsaServiceAccounts from(KubernetesPort kubernetes) {
        return new IrsaServiceAccounts() {
            @Override
            public List<ClusterState.IrsaServiceAccount> find(String cluster) {
                return kubernetes.listIrsaServiceAccounts(cluster);
            }

            @Override
            public List<String> workloadsUsing(String cluster, String namespace, String serviceAccount) {
                return kubernetes.workloadsUsing(cluster, namespace, serviceAccount);
            }
        };
    }
}
