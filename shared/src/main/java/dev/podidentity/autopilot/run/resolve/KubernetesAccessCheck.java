package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolve's look ahead at Kubernetes access: when the plan has steps that call the cluster's API (create a service
 * account, remove an IRSA annotation, delete a service account we created), each function role that makes those
 * calls needs an access entry on the cluster. A missing one becomes a plan warning with the commands to fix it,
 * before anything is written; on a CONFIG_MAP-only cluster the warning points at aws-auth instead. Read-only.
 */
public final class KubernetesAccessCheck {
    /** The access policy the README recommends for the functions' roles (namespaces and service accounts). */
    static final String ACCESS_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

    private final EksApi eks;
    private final List<String> principals;

    public KubernetesAccessCheck(EksApi eks, List<String> principals) {
        this.eks = eks;
        this.principals = principals == null ? List.of() : List.copyOf(principals);
    }

    List<String> warnings(String cluster, Plan plan, boolean migrate) {
        if (principals.isEmpty() || !(migrate || needsKubernetes(plan))) {
            return List.of();
        }
        Optional<List<String>> entries = eks.listAccessEntryPrincipals(cluster);
        List<String> out = new ArrayList<>();
        if (entries.isEmpty()) {
            out.add("cluster \"" + cluster + "\" uses aws-auth only (authentication mode CONFIG_MAP): map the roles "
                    + String.join(", ", principals) + " in kube-system/aws-auth (mapRoles, a group bound to the "
                    + "permissions in the README), or switch the cluster to API_AND_CONFIG_MAP");
            return out;
        }
        for (String principal : principals) {
            if (!entries.get().contains(principal)) {
                out.add("role " + principal + " has no access entry on cluster \"" + cluster + "\"; its Kubernetes "
                        + "steps will be refused. Create one: aws eks create-access-entry --cluster-name " + cluster
                        + " --principal-arn " + principal + " && aws eks associate-access-policy --cluster-name "
                        + cluster + " --principal-arn " + principal + " --policy-arn " + ACCESS_POLICY
                        + " --access-scope type=cluster");
            }
        }
        return out;
    }

    private static boolean needsKubernetes(Plan plan) {
        for (Step step : plan.steps()) {
            if (step instanceof Step.RemoveIrsaAnnotation
                    || step instanceof Step.EnsureRoleAndAssociation e && e.createServiceAccount()
                    || step instanceof Step.DeleteAssociation d && d.associationId() != null) {
                return true;
            }
        }
        return false;
    }
}
