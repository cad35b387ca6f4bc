package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.Addon;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.policy.IdentityPolicyGrammar;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.autopilot.concurrent.BackgroundRead;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What AWS would refuse half-way through a run, refused by Resolve before anything is written: a role the config
 * names ({@code roleARN}, {@code targetRoleARN}, an addon's {@code serviceAccountRoleARN}) in this account that IAM
 * does not have, and a managed policy ({@code permissionPolicyARNs}, {@code attachPolicyARNs},
 * {@code permissionsBoundaryARN}) that {@code GetPolicy} does not find. Roles of other accounts cannot be read from
 * here and are left to the guardrails. Each problem names the config line.
 */
final class ConfigReferences {
    /** From this many role names on, one ListRoles answers them all instead of a GetRole each. */
    static final int LIST_FROM = 20;
    /** IAM reads in flight at once (GetRole of the roles named, GetPolicy of the policies named). */
    static final int READS_AT_ONCE = 8;

    private ConfigReferences() {
    }

    /** The problems, empty when every reference exists; nothing is read for actions that name no roles to use. */
    static List<Problem> check(IamRoles iam, ClusterConfig config, Action action, String accountId) {
        if (action == Action.GET || action == Action.DELETE || action == Action.DELETE_ADDON || config == null) {
            return List.of();
        }
        Map<String, String> roles = new LinkedHashMap<>();   // path -> role ARN
        Map<String, String> policies = new LinkedHashMap<>(); // path -> policy ARN
        if (config.iam() != null) {
            collect("iam.podIdentityAssociations", config.iam().podIdentityAssociations(), roles, policies);
        }
        List<Addon> addons = config.addonsOrEmpty();
        for (int i = 0; i < addons.size(); i++) {
            Addon a = addons.get(i);
            String p = "addons[" + i + "]";
            put(roles, p + ".serviceAccountRoleARN", a.serviceAccountRoleARN());
            list(policies, p + ".attachPolicyARNs", a.attachPolicyARNs());
            put(policies, p + ".permissionsBoundary", a.permissionsBoundary());
            if (a.podIdentityAssociations() != null) {
                collect(p + ".podIdentityAssociations", a.podIdentityAssociations(), roles, policies);
            }
        }
        List<Problem> problems = new ArrayList<>();
        Set<String> existing = existingRoles(iam, roles.values(), accountId);
        roles.forEach((path, arn) -> {
            String name = ourRoleName(arn, accountId);
            if (name != null && !existing.contains(name)) {
                problems.add(Problem.error(path, config.source().positionOf(path), "role "
                        + IdentityPolicyGrammar.quote(arn) + " does not exist in account " + accountId
                        + "; EKS would refuse it (create the role first, or correct the ARN)"));
            }
        });
        List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(policies.values()));
        List<Boolean> exist = BackgroundRead.each(distinct, READS_AT_ONCE, iam::policyExists,
                "interrupted while reading the config's managed policies");
        Map<String, Boolean> found = new HashMap<>();
        for (int i = 0; i < distinct.size(); i++) {
            found.put(distinct.get(i), exist.get(i));
        }
        policies.forEach((path, arn) -> {
            if (!found.get(arn)) {
                problems.add(Problem.error(path, config.source().positionOf(path), "managed policy "
                        + IdentityPolicyGrammar.quote(arn) + " does not exist; IAM would refuse to attach it"));
            }
        });
        return problems;
    }

    private static void collect(String list, List<PodIdentityAssociationSpec> specs, Map<String, String> roles,
                                Map<String, String> policies) {
        for (int i = 0; i < specs.size(); i++) {
            PodIdentityAssociationSpec s = specs.get(i);
            String p = list + "[" + i + "]";
            put(roles, p + ".roleARN", s.roleARN());
            put(roles, p + ".targetRoleARN", s.targetRoleARN());
            list(policies, p + ".permissionPolicyARNs", s.permissionPolicyARNs());
            put(policies, p + ".permissionsBoundaryARN", s.permissionsBoundaryARN());
        }
    }

    private static void list(Map<String, String> into, String path, List<String> arns) {
        for (int i = 0; i < arns.size(); i++) {
            put(into, path + "[" + i + "]", arns.get(i));
        }
    }

    private static void put(Map<String, String> into, String path, String arn) {
        if (arn != null && !arn.isEmpty() && arn.startsWith("arn:")) {
            into.put(path, arn);
        }
    }

    /** The role's name when the ARN is a role of this account; null otherwise (other account, not a role ARN). */
    private static String ourRoleName(String arn, String accountId) {
        return Arns.role(arn).toOptional().filter(r -> arn.split(":")[4].equals(accountId)).map(r -> r.name())
                .orElse(null);
    }

    private static Set<String> existingRoles(IamRoles iam, java.util.Collection<String> arns, String accountId) {
        Set<String> names = new HashSet<>();
        arns.forEach(arn -> {
            String name = ourRoleName(arn, accountId);
            if (name != null) {
                names.add(name);
            }
        });
        if (names.size() >= LIST_FROM) {
            Set<String> all = new HashSet<>(iam.listRoleNames("/"));
            names.retainAll(all);
            return names;
        }
        List<String> asked = List.copyOf(names);
        List<Boolean> exist = BackgroundRead.each(asked, READS_AT_ONCE, n -> iam.getRole(n).isPresent(),
                "interrupted while reading the roles the config names");
        Set<String> existing = new HashSet<>();
        for (int i = 0; i < asked.size(); i++) {
            if (exist.get(i)) {
                existing.add(asked.get(i));
            }
        }
        return existing;
    }
}
