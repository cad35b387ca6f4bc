package dev.podidentity.autopilot.run;

import dev.podidentity.autopilot.guard.Guardrails;
import dev.podidentity.autopilot.guard.NamespaceAllowList;
import dev.podidentity.autopilot.naming.ArnResult;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.naming.RoleNames;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The deployment's settings, from the functions' environment (the stack's parameters).
 *
 * @param configBucket       where cluster configs, the default config and reports live
 * @param defaultConfigKey   the config applied to a new cluster that has none of its own
 * @param clusterWaitChecks  status checks before giving up on a cluster becoming ACTIVE (30 s apart)
 * @param addonWaitChecks    status checks before giving up on the agent becoming ACTIVE (10 s apart)
 * @param kubernetesPrincipals the function roles that call the clusters' Kubernetes API, which need access
 *                           entries ({@code KUBERNETES_PRINCIPAL_ARNS}); empty: Resolve does not check
 * @param orphanRoleGrace    how old a role of ours that nothing uses must be before an apply reclaims it
 *                           ({@code ORPHAN_ROLE_GRACE_MINUTES}): younger ones may belong to a run in flight
 */
public record RunSettings(String configBucket, Guardrails guardrails, String defaultConfigKey, int clusterWaitChecks,
                          int addonWaitChecks, List<String> kubernetesPrincipals, java.time.Duration orphanRoleGrace) {

    /** Longer than a run may last (the state machine's TimeoutSeconds, 2 hours). */
    public static final java.time.Duration DEFAULT_ORPHAN_ROLE_GRACE = java.time.Duration.ofMinutes(180);

    public RunSettings {
        kubernetesPrincipals = kubernetesPrincipals == null ? List.of() : List.copyOf(kubernetesPrincipals);
        orphanRoleGrace = orphanRoleGrace == null ? DEFAULT_ORPHAN_ROLE_GRACE : orphanRoleGrace;
    }

    public RunSettings(String configBucket, Guardrails guardrails, String defaultConfigKey, int clusterWaitChecks,
                       int addonWaitChecks, List<String> kubernetesPrincipals) {
        this(configBucket, guardrails, defaultConfigKey, clusterWaitChecks, addonWaitChecks, kubernetesPrincipals,
                DEFAULT_ORPHAN_ROLE_GRACE);
    }

    public static final String DEFAULT_CONFIG_KEY = "defaults/cluster.yaml";

    public static RunSettings fromEnvironment() {
        return from(System::getenv);
    }

    public static RunSettings from(Function<String, String> env) {
        String bucket = env.apply("CONFIG_BUCKET");
        String principals = env.apply("KUBERNETES_PRINCIPAL_ARNS");
        List<String> kubernetes = principals == null ? List.of() : list(principals);
        String grace = env.apply("ORPHAN_ROLE_GRACE_MINUTES");
        java.time.Duration orphanGrace = DEFAULT_ORPHAN_ROLE_GRACE;
        if (grace != null && !grace.isBlank()) {
            try {
                orphanGrace = java.time.Duration.ofMinutes(Math.max(0, Integer.parseInt(grace.trim())));
            } catch (NumberFormatException e) {
                throw new IllegalStateException("OrphanRoleGraceMinutes (ORPHAN_ROLE_GRACE_MINUTES): \"" + grace
                        + "\" is not a whole number of minutes");
            }
        }
        return new RunSettings(bucket, guardrails(env), DEFAULT_CONFIG_KEY, 50, 30, kubernetes, orphanGrace);
    }

    /** Largest config file a deployment may allow (stack parameter MaxConfigBytes's MaxValue). */
    public static final int MAX_CONFIG_BYTES_CAP = 16 * 1024 * 1024;

    /**
     * The guardrails from the stack's parameters. A malformed value stops the function at its first request with
     * every problem named by parameter and variable, rather than running with a guardrail silently off.
     */
    public static Guardrails guardrails(Function<String, String> env) {
        List<String> problems = new ArrayList<>();
        Guardrails g = Guardrails.defaults();
        String rolePath = orDefault(env.apply("ROLE_PATH"), "/pod-identity-autopilot/");
        RoleNames.validatePath(rolePath).forEach(p -> problems.add(setting("RolePath", "ROLE_PATH", p)));
        g = g.withRolePath(rolePath);
        String boundary = env.apply("PERMISSIONS_BOUNDARY_ARN");
        if (boundary != null && !boundary.isBlank()
                && !(Arns.policy(boundary.trim()) instanceof ArnResult.Valid<Arns.PolicyArn>)) {
            problems.add(setting("PermissionsBoundaryArn", "PERMISSIONS_BOUNDARY_ARN",
                    "\"" + boundary + "\" is not a managed policy ARN"));
        }
        g = g.withPermissionsBoundary(boundary == null ? null : boundary.trim());
        String denied = env.apply("DENIED_POLICY_ARNS");
        if (denied != null && !denied.isBlank()) {
            g = g.withDeniedPolicies(deniedPolicies(denied));
        }
        List<String> accounts = list(env.apply("ALLOWED_ACCOUNT_IDS"));
        accounts.stream().filter(a -> !ACCOUNT_ID.matcher(a).matches()).forEach(a -> problems.add(setting(
                "AllowedAccountIds", "ALLOWED_ACCOUNT_IDS", "\"" + a + "\" is not a 12-digit account id")));
        g = g.withAllowedAccounts(Set.copyOf(accounts));
        List<String> patterns = list(env.apply("ALLOWED_ROLE_ARN_PATTERNS"));
        patterns.stream().filter(p -> !ROLE_ARN_GLOB.matcher(p).matches()).forEach(p -> problems.add(setting(
                "AllowedRoleArnPatterns", "ALLOWED_ROLE_ARN_PATTERNS", "\"" + p + "\" is not a role ARN pattern "
                        + "(arn:PARTITION:iam::ACCOUNT:role/NAME, \"*\" for any run of characters)")));
        g = g.withAllowedRoleArnPatterns(patterns);
        try {
            g = g.withNamespaces(NamespaceAllowList.parse(env.apply("ALLOWED_NAMESPACES")));
        } catch (IllegalArgumentException e) {
            problems.add(setting("AllowedNamespaces", "ALLOWED_NAMESPACES", e.getMessage()));
        }
        String wildcard = orDefault(env.apply("ALLOW_WILDCARD_INLINE_POLICIES"), "false").trim();
        if (!wildcard.equals("true") && !wildcard.equals("false")) {
            problems.add(setting("AllowWildcardInlinePolicies", "ALLOW_WILDCARD_INLINE_POLICIES",
                    "\"" + wildcard + "\" is neither true nor false"));
        }
        g = g.withAllowWildcardInline(wildcard.equals("true"));
        g = g.withMaxAssociations(number(env, "MaxAssociations", "MAX_ASSOCIATIONS", g.maxAssociations(), 1,
                Guardrails.EKS_ASSOCIATION_QUOTA, problems));
        g = g.withMaxConfigBytes(number(env, "MaxConfigBytes", "MAX_CONFIG_BYTES", g.maxConfigBytes(), 1024,
                MAX_CONFIG_BYTES_CAP, problems));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the deployment's guardrail settings are not valid; fix the stack "
                    + "parameters:\n  " + String.join("\n  ", problems));
        }
        return g;
    }

    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final Pattern ROLE_ARN_GLOB = Pattern.compile("arn:[a-z*-]+:iam::[0-9*]{1,12}:role/[\\w+=,.@/*-]+");

    private static int number(Function<String, String> env, String parameter, String variable, int fallback, int min,
                              int max, List<String> problems) {
        String text = env.apply(variable);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(setting(parameter, variable, String.format("\"%s\" is not a whole number from %,d to %,d",
                text, min, max)));
        return fallback;
    }

    private static String setting(String parameter, String variable, String problem) {
        return parameter + " (" + variable + "): " + problem;
    }

    private static List<String> list(String commaList) {
        return commaList == null ? new ArrayList<>() : new ArrayList<>(Arrays.stream(commaList.split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList());
    }

    public RunSettings withGuardrails(Guardrails g) {
        return new RunSettings(configBucket, g, defaultConfigKey, clusterWaitChecks, addonWaitChecks,
                kubernetesPrincipals, orphanRoleGrace);
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
