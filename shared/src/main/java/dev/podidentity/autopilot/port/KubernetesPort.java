package dev.podidentity.autopilot.port;

import dev.podidentity.autopilot.plan.ClusterState;

import java.util.List;

/**
 * The Kubernetes side of a run: service accounts, the IRSA annotation, and the pods that use a service account.
 * {@code kube.Fabric8Kubernetes} implements it against the cluster's API server; {@link #notImplemented()} stands
 * in where no cluster is reachable and reports every write as skipped, saying why.
 */
public interface KubernetesPort {
    /** The IRSA annotation the EKS pod identity webhook reads. */
    String IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";
    /** The label on service accounts (and namespaces) we created; only those are ever deleted by us. */
    String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    String MANAGED_BY = "pod-identity-autopilot";

    /**
     * Creates the namespace if missing and ns/sa labelled {@link #MANAGED_BY_LABEL}; an existing service account is
     * left exactly as it is (it is not ours, so it is not labelled ours).
     */
    Result createServiceAccount(String cluster, String namespace, String serviceAccount);

    /** Removes {@link #IRSA_ANNOTATION} from ns/sa, leaving the rest of it alone. */
    Result removeIrsaAnnotation(String cluster, String namespace, String serviceAccount);

    /** Deletes ns/sa only if it carries our {@link #MANAGED_BY_LABEL}; anyone else's stays. */
    Result deleteServiceAccount(String cluster, String namespace, String serviceAccount);

    /** Every service account, in all namespaces, annotated with {@link #IRSA_ANNOTATION}, sorted by ns/sa. */
    List<ClusterState.IrsaServiceAccount> listIrsaServiceAccounts(String cluster);

    /**
     * The workloads whose pods run as ns/sa now, as {@code Kind namespace/name} of the pods' top owner (Deployment
     * rather than ReplicaSet; the pod itself when it has no owner), sorted. They keep the credentials they started
     * with until restarted.
     */
    List<String> workloadsUsing(String cluster, String namespace, String serviceAccount);

    /** What a Kubernetes call did. */
    record Result(boolean changed, boolean skipped, String reason) {
    }

    /** Writes are SKIPPED and reads find nothing: for runs where no cluster is reachable. */
    static KubernetesPort notImplemented() {
        return new KubernetesPort() {
            @Override
            public Result createServiceAccount(String cluster, String namespace, String serviceAccount) {
                return new Result(false, true, "service account " + namespace + "/" + serviceAccount
                        + " not created: no Kubernetes access in this deployment; create it yourself");
            }

            @Override
            public Result removeIrsaAnnotation(String cluster, String namespace, String serviceAccount) {
                return new Result(false, true, "annotation " + IRSA_ANNOTATION + " on " + namespace + "/"
                        + serviceAccount + " not removed: no Kubernetes access in this deployment; remove it yourself");
            }

            @Override
            public Result deleteServiceAccount(String cluster, String namespace, String serviceAccount) {
                return new Result(false, true, "service account " + namespace + "/" + serviceAccount
                        + " not looked at: no Kubernetes access in this deployment");
            }

            @Override
            public List<ClusterState.IrsaServiceAccount> listIrsaServiceAccounts(String cluster) {
                return List.of();
            }

            @Override
            public List<String> workloadsUsing(String cluster, String namespace, String serviceAccount) {
                return List.of();
            }
        };
    }
}
