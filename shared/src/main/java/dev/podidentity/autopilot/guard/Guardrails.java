package dev.podidentity.autopilot.guard;

import dev.podidentity.autopilot.config.tree.ReadLimits;

import java.util.List;
import java.util.Set;

/**
 * What a config in the bucket may ask for. Whoever can write the bucket can ask for IAM roles; these limits keep
 * that from becoming a way to escalate privileges. They come from the stack's parameters (environment variables
 * of the Resolve function, see {@code RunSettings}) and are enforced before anything is planned; the functions' own
 * IAM policies enforce the role path, the boundary, the denied policies and ownership a second time.
 *
 * @param rolePath                 every role we create lives under it
 * @param permissionsBoundaryArn   every role we create carries it; null for none
 * @param deniedPolicies           managed policies no created role may get, by ARN or by name
 *                                 ({@code AdministratorAccess} matches the AWS managed policy in every partition)
 * @param allowWildcardInline      let inline policies grant {@code *}, {@code iam:*}, {@code Allow}+{@code NotAction},
 *                                 {@code iam:PassRole} or {@code sts:AssumeRole} on every resource
 * @param allowedRoleArnPatterns   globs ({@code *} any run of characters) an existing {@code roleARN} must match;
 *                                 empty allows any
 * @param allowedAccounts          accounts a {@code roleARN}, {@code targetRoleARN} or addon
 *                                 {@code serviceAccountRoleARN} may live in; empty allows any (the stack passes its
 *                                 own account when the parameter is empty)
 * @param namespaces               per cluster, the namespaces a config may give permissions to
 * @param maxAssociations          associations per config (EKS's default per-cluster quota is 5,000)
 * @param maxConfigBytes           size of a config file
 * @param allowedPrivilegedActions privilege-escalating actions (e.g. {@code iam:PassRole}) inline policies may grant
 *                                 on named resources; compared case-insensitively
 * @param allowUnmarkedRoles       eksctl's behaviour: a config may hand any existing role to a workload, not only roles
 *                                 made for the cluster, marked assignable or matching {@code allowedRoleArnPatterns}
 */
public record Guardrails(
        String rolePath,
        String permissionsBoundaryArn,
        Set<String> deniedPolicies,
        boolean allowWildcardInline,
        List<String> allowedRoleArnPatterns,
        Set<String> allowedAccounts,
        NamespaceAllowList namespaces,
        int maxAssociations,
        int maxConfigBytes,
        Set<String> allowedPrivilegedActions,
        boolean allowUnmarkedRoles) {

    /**
     * Managed policies no created role may get: the default of the template's {@code DeniedPolicyArns}, word for word
     * ({@code TemplateTest} holds them equal). They make a workload an administrator of the account or of its IAM, or
     * let it pass roles to services that run code ({@code AWSLambda_FullAccess}, {@code AWSCloudFormationFullAccess}).
     */
    public static final List<String> DEFAULT_DENIED_POLICY_ARNS = List.of(
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/AdministratorAccess-Amplify",
            "arn:aws:iam::aws:policy/AdministratorAccess-AWSElasticBeanstalk",
            "arn:aws:iam::aws:policy/IAMFullAccess",
            "arn:aws:iam::aws:policy/PowerUserAccess",
            "arn:aws:iam::aws:policy/AWSOrganizationsFullAccess",
            "arn:aws:iam::aws:policy/job-function/SystemAdministrator",
            "arn:aws:iam::aws:policy/AWSSSOMasterAccountAdministrator",
            "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
            "arn:aws:iam::aws:policy/AWSCloudFormationFullAccess");

    /**
     * The IAM path of the customer managed policies the stack itself creates (the functions' shared statement groups in
     * {@code template.yaml}, which {@code TemplateTest} holds to it). They carry the application's rights, so no config
     * may attach one to a workload's role; the role writers' IAM denies it too ({@code DenyApplicationPolicies}).
     */
    public static final String APPLICATION_POLICY_PATH = "/pod-identity-autopilot-internal/";

    /** The same list as a set. */
    public static final Set<String> DEFAULT_DENIED_POLICIES = Set.copyOf(DEFAULT_DENIED_POLICY_ARNS);

    /** EKS's default quota of pod identity associations per cluster. */
    public static final int EKS_ASSOCIATION_QUOTA = 5_000;

    public Guardrails {
        rolePath = rolePath == null || rolePath.isEmpty() ? "/" : rolePath;
        permissionsBoundaryArn = permissionsBoundaryArn == null || permissionsBoundaryArn.isBlank()
                ? null : permissionsBoundaryArn;
        deniedPolicies = deniedPolicies == null ? Set.of() : Set.copyOf(deniedPolicies);
        allowedRoleArnPatterns = allowedRoleArnPatterns == null ? List.of() : List.copyOf(allowedRoleArnPatterns);
        allowedAccounts = allowedAccounts == null ? Set.of() : Set.copyOf(allowedAccounts);
        namespaces = namespaces == null ? NamespaceAllowList.NONE : namespaces;
        allowedPrivilegedActions = allowedPrivilegedActions == null ? Set.of()
                : allowedPrivilegedActions.stream().map(a -> a.toLowerCase(java.util.Locale.ROOT))
                        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public static Guardrails defaults() {
        return new Guardrails("/", null, DEFAULT_DENIED_POLICIES, false, List.of(), Set.of(), NamespaceAllowList.NONE,
                EKS_ASSOCIATION_QUOTA, ReadLimits.DEFAULT.maxBytes(), Set.of(), false);
    }

    /** How much of a config file the loader reads: the default limits with this deployment's size. */
    public ReadLimits readLimits() {
        return ReadLimits.DEFAULT.withMaxBytes(maxConfigBytes);
    }

    public Guardrails withRolePath(String path) {
        return new Guardrails(path, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, allowedAccounts, namespaces, maxAssociations, maxConfigBytes, allowedPrivilegedActions, allowUnmarkedRoles);
    }

    public Guardrails withPermissionsBoundary(String arn) {
        return new Guardrails(rolePath, arn, deniedPolicies, allowWildcardInline, allowedRoleArnPatterns,
                allowedAccounts, namespaces, maxAssociations, maxConfigBytes, allowedPrivilegedActions, allowUnmarkedRoles);
    }

    public Guardrails withDeniedPolicies(Set<String> denied) {
        return new Guardrails(rolePath, permissionsBoundaryArn, denied, allowWildcardInline, allowedRoleArnPatterns,
                allowedAccounts, namespaces, maxAssociations, maxConfigBytes, allowedPrivilegedActions, allowUnmarkedRoles);
    }

    public Guardrails withAllowWildcardInline(boolean allow) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allow, allowedRoleArnPatterns,
                allowedAccounts, namespaces, maxAssociations, maxConfigBytes, allowedPrivilegedActions, allowUnmarkedRoles);
    }

    public Guardrails withAllowedRoleArnPatterns(List<String> patterns) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline, patterns,
                allowedAccounts, namespaces, maxAssociations, maxConfigBytes, allowedPrivilegedActions, allowUnmarkedRoles);
    }

    public Guardrails withAllowedAccounts(Set<String> accounts) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, accounts, namespaces, maxAssociations, maxConfigBytes, allowedPrivilegedActions, allowUnmarkedRoles);
    }

    public Guardrails withNamespaces(NamespaceAllowList allowList) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, allowedAccounts, allowList, maxAssociations, maxConfigBytes, allowedPrivilegedActions, allowUnmarkedRoles);
    }

    public Guardrails withMaxAssociations(int max) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, allowedAccounts, namespaces, max, maxConfigBytes, allowedPrivilegedActions, allowUnmarkedRoles);
    }

    public Guardrails withMaxConfigBytes(int max) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, allowedAccounts, namespaces, maxAssociations, max, allowedPrivilegedActions, allowUnmarkedRoles);
    }

    public Guardrails withAllowedPrivilegedActions(Set<String> actions) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, allowedAccounts, namespaces, maxAssociations, maxConfigBytes, actions,
                allowUnmarkedRoles);
    }

    public Guardrails withAllowUnmarkedRoles(boolean allow) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, allowedAccounts, namespaces, maxAssociations, maxConfigBytes,
                allowedPrivilegedActions, allow);
    }
}
