package dev.podidentity.autopilot.port;

/**
 * The Kubernetes side of a step: service accounts and the IRSA annotation. Implemented in a later issue; until
 * then {@link #notImplemented()} reports every call as skipped, saying why.
 */
public interface KubernetesPort {

    /** Creates ns/sa (and the namespace) unless they exist. Returns what was done, for the step's outcome. */
    Result createServiceAccount(String cluster, String namespace, String serviceAccount);

    /** Removes {@code eks.amazonaws.com/role-arn} from ns/sa, leaving the rest of it alone. */
    Result removeIrsaAnnotation(String cluster, String namespace, String serviceAccount);

    /** What a Kubernetes call did. */
    record Result(boolean changed, boolean skipped, String reason) {
    }

    /** Every call is SKIPPED: the Kubernetes client is not part of this build yet. */
    static KubernetesPort notImplemented() {
        return new KubernetesPort() {
            @Override
            public Result createServiceAccount(String cluster, String namespace, String serviceAccount) {
                return new Result(false, true, "service account " + namespace + "/" + serviceAccount
                        + " not created: Kubernetes access is not implemented yet; create it yourself");
            }

            @Override
            public Result removeIrsaAnnotation(String cluster, String namespace, String serviceAccount) {
                return new Result(false, true, "annotation eks.amazonaws.com/role-arn on " + namespace + "/"
                        + serviceAccount + " not removed: Kubernetes access is not implemented yet; remove it yourself");
            }
        };
    }
}
