package dev.podidentity.autopilot.guard;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a config in the bucket may ask for. Whoever can write the bucket can ask for IAM roles; these limits keep
 * that from becoming a way to escalate privileges. They come from the stack's parameters (environment variables
 * of the functions) and are enforced before anything is planned; the functions' own IAM policy enforces the role
 * path and boundary a second time.
 *
 * @param rolePath                 every role we create lives under it
 * @param permissionsBoundaryArn   every role we create carries it; null for none
 * @param deniedPolicies           managed policies no created role may get, by ARN or by name
 *                                 ({@code AdministratorAccess} matches the AWS managed policy in every partition)
 * @param allowWildcardInline      let inline policies grant {@code *}, {@code iam:*}, {@code iam:PassRole} or
 *                                 {@code sts:AssumeRole} on every resource
 * @param allowedRoleArnPatterns   globs ({@code *} any run of characters) an existing {@code roleARN} must match;
 *                                 empty allows any role in the cluster's account
 * @param allowedTargetAccounts    accounts a {@code targetRoleARN} may live in; empty allows any
 * @param namespaceAllowList       per cluster name, globs a namespace must match; a cluster absent from the map
 *                                 has no restriction
 * @param maxAssociations          associations per config (EKS's per-cluster quota is 5,000)
 */
public record Guardrails(
        String rolePath,
        String permissionsBoundaryArn,
        Set<String> deniedPolicies,
        boolean allowWildcardInline,
        List<String> allowedRoleArnPatterns,
        Set<String> allowedTargetAccounts,
        Map<String, List<String>> namespaceAllowList,
        int maxAssociations) {

    /** AWS managed policies that would make a workload an administrator of the account, or of its IAM. */
    public static final Set<String> DEFAULT_DENIED_POLICIES = Set.of(
            "AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AWSOrganizationsFullAccess",
            "AdministratorAccess-Amplify", "AdministratorAccess-AWSElasticBeanstalk", "AWSCloudFormationFullAccess",
            "AWSLambda_FullAccess", "AmazonEKSClusterPolicy", "SecurityAudit");

    public Guardrails {
        rolePath = rolePath == null || rolePath.isEmpty() ? "/" : rolePath;
        permissionsBoundaryArn = permissionsBoundaryArn == null || permissionsBoundaryArn.isBlank()
                ? null : permissionsBoundaryArn;
        deniedPolicies = deniedPolicies == null ? Set.of() : Set.copyOf(deniedPolicies);
        allowedRoleArnPatterns = allowedRoleArnPatterns == null ? List.of() : List.copyOf(allowedRoleArnPatterns);
        allowedTargetAccounts = allowedTargetAccounts == null ? Set.of() : Set.copyOf(allowedTargetAccounts);
        namespaceAllowList = namespaceAllowList == null ? Map.of() : Map.copyOf(namespaceAllowList);
    }

    public static Guardrails defaults() {
        return new Guardrails("/", null, DEFAULT_DENIED_POLICIES, false, List.of(), Set.of(), Map.of(), 5_000);
    }

    public Guardrails withRolePath(String path) {
        return new Guardrails(path, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, allowedTargetAccounts, namespaceAllowList, maxAssociations);
    }

    public Guardrails withPermissionsBoundary(String arn) {
        return new Guardrails(rolePath, arn, deniedPolicies, allowWildcardInline, allowedRoleArnPatterns,
                allowedTargetAccounts, namespaceAllowList, maxAssociations);
    }

    public Guardrails withDeniedPolicies(Set<String> denied) {
        return new Guardrails(rolePath, permissionsBoundaryArn, denied, allowWildcardInline, allowedRoleArnPatterns,
                allowedTargetAccounts, namespaceAllowList, maxAssociations);
    }

    public Guardrails withAllowWildcardInline(boolean allow) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allow, allowedRoleArnPatterns,
                allowedTargetAccounts, namespaceAllowList, maxAssociations);
    }

    public Guardrails withAllowedRoleArnPatterns(List<String> patterns) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline, patterns,
                allowedTargetAccounts, namespaceAllowList, maxAssociations);
    }

    public Guardrails withAllowedTargetAccounts(Set<String> accounts) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, accounts, namespaceAllowList, maxAssociations);
    }

    public Guardrails withNamespaceAllowList(Map<String, List<String>> allowList) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, allowedTargetAccounts, allowList, maxAssociations);
    }

    public Guardrails withMaxAssociations(int max) {
        return new Guardrails(rolePath, permissionsBoundaryArn, deniedPolicies, allowWildcardInline,
                allowedRoleArnPatterns, allowedTargetAccounts, namespaceAllowList, max);
    }
}
