package dev.podidentity.autopilot.policy;

import dev.podidentity.autopilot.naming.Partition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything attached to a role we create: managed policy ARNs (user ARNs first, then well-known ones, duplicates
 * dropped, as eksctl orders them), inline policies by name, and the optional permissions boundary.
 *
 * <p>Inline policy naming: the user's {@code permissionPolicy} is named {@code permissionPolicyName} when given,
 * else {@value #DEFAULT_PERMISSION_POLICY_NAME} (eksctl's default, so eksctl users find what they expect). We use
 * the names as given; eksctl prefixes them with its stack name, which we do not have. Well-known inline policies
 * keep eksctl's names ({@code PolicyAutoScaling}, ...), so a user name that equals one of them is refused.
 */
public record RolePermissions(List<String> managedPolicyArns, List<InlinePolicy> inlinePolicies,
                              Optional<String> permissionsBoundaryArn) {

    public static final String DEFAULT_PERMISSION_POLICY_NAME = "Policy1";

    public RolePermissions {
        managedPolicyArns = List.copyOf(new LinkedHashSet<>(managedPolicyArns));
        inlinePolicies = List.copyOf(inlinePolicies);
        Set<String> names = new java.util.HashSet<>();
        for (InlinePolicy policy : inlinePolicies) {
            if (!names.add(policy.name())) {
                throw new IllegalArgumentException("two inline policies are named " + policy.name());
            }
        }
        permissionsBoundaryArn = permissionsBoundaryArn.filter(arn -> !arn.isBlank());
    }

    /**
     * Builds the permissions from an association's (or addon association's) fields as plain values; any of them
     * may be {@code null} or empty.
     *
     * @throws IllegalArgumentException when {@code permissionPolicyName} is given without a {@code permissionPolicy},
     *                                  is not a valid IAM policy name, or collides with a well-known policy name
     */
    public static RolePermissions of(Collection<String> permissionPolicyArns,
                                     Set<WellKnownPolicy> wellKnownPolicies,
                                     PolicyDocument permissionPolicy,
                                     String permissionPolicyName,
                                     String permissionsBoundaryArn,
                                     Partition partition) {
        WellKnownPolicies.Expansion expansion = WellKnownPolicies.expand(
                wellKnownPolicies == null ? Set.of() : wellKnownPolicies, partition);
        List<String> managed = new ArrayList<>();
        if (permissionPolicyArns != null) {
            managed.addAll(permissionPolicyArns);
        }
        managed.addAll(expansion.managedPolicyArns());

        List<InlinePolicy> inline = new ArrayList<>();
        boolean named = permissionPolicyName != null && !permissionPolicyName.isEmpty();
        if (permissionPolicy == null && named) {
            throw new IllegalArgumentException("permissionPolicyName requires permissionPolicy to be set");
        }
        if (permissionPolicy != null) {
            String name = named ? permissionPolicyName : DEFAULT_PERMISSION_POLICY_NAME;
            if (!InlinePolicy.isValidName(name)) {
                throw new IllegalArgumentException("permissionPolicyName \"" + name
                        + "\" must be 1-128 characters of letters, digits and +=,.@_-");
            }
            if (WellKnownPolicies.INLINE_POLICY_NAMES.contains(name)) {
                throw new IllegalArgumentException("permissionPolicyName \"" + name
                        + "\" is the name of a well-known policy; choose another name");
            }
            inline.add(new InlinePolicy(name, permissionPolicy));
        }
        inline.addAll(expansion.inlinePolicies());
        return new RolePermissions(managed, inline, Optional.ofNullable(permissionsBoundaryArn));
    }

    public Optional<InlinePolicy> inlinePolicy(String name) {
        return inlinePolicies.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** IAM counts all inline policies of a role against one limit; empty when they fit. */
    public Optional<String> inlineSizeProblem() {
        return PolicySize.problem(inlinePolicies.stream().map(InlinePolicy::document).toList(),
                PolicyLimit.ROLE_INLINE_POLICIES);
    }
}
