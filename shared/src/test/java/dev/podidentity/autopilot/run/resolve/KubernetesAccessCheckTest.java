package dev.podidentity.autopilot.run.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Resolve's access look-ahead: only for plans that call Kubernetes, and aws-auth advice on CONFIG_MAP clusters. */
class KubernetesAccessCheckTest {
    private static final String RESOLVE = "arn:aws:iam::111122223333:role/stack-ResolveFunctionRole-A";
    private static final String PRUNE = "arn:aws:iam::111122223333:role/stack-PruneFunctionRole-C";

    /** An EksApi that answers ListAccessEntries only; anything else would be a bug in the check. */
    private static EksApi eks(Optional<List<String>> entries) {
        return (EksApi) Proxy.newProxyInstance(EksApi.class.getClassLoader(), new Class<?>[] {EksApi.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("listAccessEntryPrincipals")) {
                        return entries;
                    }
                    throw new AssertionError("unexpected call " + method.getName());
                });
    }

    private static Plan plan(Step... steps) {
        return new Plan("c", Action.APPLY, false, List.of(steps), List.of(), List.of());
    }

    @Test
    void planWithoutKubernetesSteps_isNotChecked() {
        KubernetesAccessCheck check = new KubernetesAccessCheck(eks(Optional.of(List.of())), List.of(RESOLVE));
        assertEquals(List.of(), check.warnings("c", plan(new Step.InstallAgent("c")), false));
    }

    @Test
    void missingEntries_areNamed_presentOnesAreNot() {
        KubernetesAccessCheck check = new KubernetesAccessCheck(eks(Optional.of(List.of(RESOLVE))),
                List.of(RESOLVE, PRUNE));

        List<String> warnings = check.warnings("c", plan(new Step.RemoveIrsaAnnotation("default", "sa1", "r")), false);

        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("role " + PRUNE + " has no access entry on cluster \"c\""));
        assertTrue(warnings.get(0).contains("--policy-arn arn:aws:eks::aws:cluster-access-policy/"
                + "AmazonEKSClusterAdminPolicy --access-scope type=cluster"), warnings.get(0));
    }

    @Test
    void configMapOnlyCluster_pointsAtAwsAuth() {
        KubernetesAccessCheck check = new KubernetesAccessCheck(eks(Optional.empty()), List.of(RESOLVE));

        List<String> warnings = check.warnings("c", plan(), true);

        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("cluster \"c\" uses aws-auth only (authentication mode CONFIG_MAP): "
                + "map the roles " + RESOLVE + " in kube-system/aws-auth"), warnings.get(0));
    }
}
