package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * {@code get}: the cluster's pod identity associations in eksctl's {@code --output json} shape. Unlike eksctl it
 * reads every page. The list summaries carry no role, so each listed association is described once.
 */
public final class AssociationReader {
    private final EksApi eks;

    public AssociationReader(EksApi eks) {
        this.eks = Objects.requireNonNull(eks, "eks");
    }

    /**
     * @param namespace      null for all namespaces
     * @param serviceAccount null for all service accounts (only with a namespace, as in eksctl)
     */
    public List<Step.AssociationSummary> get(String cluster, String namespace, String serviceAccount) {
        List<Step.AssociationSummary> found = new ArrayList<>();
        for (EksApi.AssociationRef ref : eks.listAssociations(cluster, emptyToNull(namespace),
                emptyToNull(serviceAccount))) {
            // gone between list and describe: not there any more, so not reported
            eks.describeAssociation(cluster, ref.associationId()).ifPresent(a -> found.add(summary(a)));
        }
        found.sort(Comparator.comparing(Step.AssociationSummary::namespace)
                .thenComparing(Step.AssociationSummary::serviceAccountName));
        return found;
    }

    private static Step.AssociationSummary summary(ClusterState.Association a) {
        return new Step.AssociationSummary(a.associationArn(), a.namespace(), a.serviceAccount(), a.roleArn(),
                a.ownerArn() == null || a.ownerArn().isEmpty() ? null : a.ownerArn());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
