package dev.podidentity.autopilot.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of {@code iam.podIdentityAssociations} or of an addon's {@code podIdentityAssociations}; every field
 * eksctl has. Absent fields are null (or empty collections), so "not written" and "written as false" differ where
 * eksctl's rules need it ({@code disableSessionTags}).
 *
 * @param wellKnownPolicies the eksctl keys set to true, e.g. {@code autoScaler}
 * @param permissionPolicy  the inline policy document as written (maps, lists, strings)
 */
public record PodIdentityAssociationSpec(
        String namespace,
        String serviceAccountName,
        Boolean createServiceAccount,
        String roleARN,
        String roleName,
        Map<String, Object> permissionPolicy,
        String permissionPolicyName,
        List<String> permissionPolicyARNs,
        Set<String> wellKnownPolicies,
        String permissionsBoundaryARN,
        Map<String, String> tags,
        String targetRoleARN,
        Boolean disableSessionTags,
        String policy) {

    public PodIdentityAssociationSpec {
        permissionPolicyARNs = permissionPolicyARNs == null ? List.of() : List.copyOf(permissionPolicyARNs);
        wellKnownPolicies = wellKnownPolicies == null ? Set.of() : Set.copyOf(wellKnownPolicies);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** {@code namespace/serviceAccountName}, the identity of an association within a cluster. */
    public String key() {
        return (namespace == null ? "" : namespace) + "/" + (serviceAccountName == null ? "" : serviceAccountName);
    }

    public boolean hasRoleArn() {
        return roleARN != null && !roleARN.isEmpty();
    }

    /** True when the entry asks us to create a role (it declares permissions rather than an existing role). */
    public boolean declaresPermissions() {
        return permissionPolicy != null || !permissionPolicyARNs.isEmpty() || !wellKnownPolicies.isEmpty();
    }

    public boolean createsServiceAccount() {
        return Boolean.TRUE.equals(createServiceAccount);
    }
}
