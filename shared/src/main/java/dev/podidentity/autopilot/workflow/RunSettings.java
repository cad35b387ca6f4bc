package dev.podidentity.autopilot.workflow;

import dev.podidentity.autopilot.guard.Guardrails;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The deployment's settings, from the functions' environment (the stack's parameters).
 *
 * @param configBucket       where cluster configs, the default config and reports live
 * @param defaultConfigKey   the config applied to a new cluster that has none of its own
 * @param clusterWaitChecks  status checks before giving up on a cluster becoming ACTIVE (30 s apart)
 * @param addonWaitChecks    status checks before giving up on the agent becoming ACTIVE (10 s apart)
 * @param kubernetesPrincipals the function roles that call the clusters' Kubernetes API, which need access
 *                           entries ({@code KUBERNETES_PRINCIPAL_ARNS}); empty: Resolve does not check
 */
public record RunSettings(String configBucket, Guardrails guardrails, String defaultConfigKey, int clusterWaitChecks,
                          int addonWaitChecks, List<String> kubernetesPrincipals) {

    public RunSettings {
        kubernetesPrincipals = kubernetesPrincipals == null ? List.of() : List.copyOf(kubernetesPrincipals);
    }

    public static final String DEFAULT_CONFIG_KEY = "defaults/cluster.yaml";

    public static RunSettings fromEnvironment() {
        return from(System::getenv);
    }

    public static RunSettings from(Function<String, String> env) {
        String bucket = env.apply("CONFIG_BUCKET");
        Guardrails g = Guardrails.defaults()
                .withRolePath(orDefault(env.apply("ROLE_PATH"), "/pod-identity-autopilot/"))
                .withPermissionsBoundary(env.apply("PERMISSIONS_BOUNDARY_ARN"));
        String denied = env.apply("DENIED_POLICY_ARNS");
        if (denied != null && !denied.isBlank()) {
            g = g.withDeniedPolicies(deniedPolicies(denied));
        }
        String principals = env.apply("KUBERNETES_PRINCIPAL_ARNS");
        List<String> kubernetes = principals == null ? List.of() : Arrays.stream(principals.split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
        return new RunSettings(bucket, g, DEFAULT_CONFIG_KEY, 50, 30, kubernetes);
    }

    public RunSettings withGuardrails(Guardrails g) {
        return new RunSettings(configBucket, g, defaultConfigKey, clusterWaitChecks, addonWaitChecks,
                kubernetesPrincipals);
    }

    /** An AWS managed policy given by ARN is denied by name too, so it is denied in every partition. */
    static Set<String> deniedPolicies(String commaList) {
        Set<String> out = new LinkedHashSet<>();
        for (String item : Arrays.stream(commaList.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            out.add(item);
            if (item.contains(":iam::aws:policy/")) {
                out.add(item.substring(item.lastIndexOf('/') + 1));
            }
        }
        return out;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
