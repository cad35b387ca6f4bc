package dev.podidentity.autopilot.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of {@code addons}.
 *
 * @param podIdentityAssociations null when omitted, which differs from {@code []} on update: omitted keeps the
 *                                addon's associations (and is an error when it has some), {@code []} removes all
 * @param namespace               {@code namespaceConfig.namespace}: where EKS installs the addon; null for its
 *                                default. EKS fixes it at creation ("immutable after addon creation")
 */
public record Addon(
        String name,
        String version,
        Map<String, String> tags,
        String resolveConflicts,
        String configurationValues,
        String serviceAccountRoleARN,
        List<String> attachPolicyARNs,
        Map<String, Object> attachPolicy,
        Set<String> wellKnownPolicies,
        String permissionsBoundary,
        List<PodIdentityAssociationSpec> podIdentityAssociations,
        Boolean useDefaultPodIdentityAssociations,
        String namespace) {

    public static final String POD_IDENTITY_AGENT = "eks-pod-identity-agent";

    public Addon {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        attachPolicyARNs = attachPolicyARNs == null ? List.of() : List.copyOf(attachPolicyARNs);
        wellKnownPolicies = wellKnownPolicies == null ? Set.of() : Set.copyOf(wellKnownPolicies);
        podIdentityAssociations = podIdentityAssociations == null ? null : List.copyOf(podIdentityAssociations);
    }

    /** eksctl's HasIRSAPoliciesSet: policies for an OIDC-trusted role. */
    public boolean hasIrsaPolicies() {
        return !attachPolicyARNs.isEmpty() || !wellKnownPolicies.isEmpty() || attachPolicy != null;
    }

    /** eksctl's HasIRSASet. */
    public boolean hasIrsa() {
        return hasIrsaPolicies() || (serviceAccountRoleARN != null && !serviceAccountRoleARN.isEmpty());
    }

    /** eksctl's HasPodIDsSet: written and non-empty. */
    public boolean hasPodIdentityAssociations() {
        return podIdentityAssociations != null && !podIdentityAssociations.isEmpty();
    }

    public boolean podIdentityAssociationsOmitted() {
        return podIdentityAssociations == null;
    }

    /** {@code configurationValues} as the JSON EKS takes (eksctl converts YAML); null when none or not an object. */
    public String configurationValuesJson() {
        String json = ConfigurationValues.toJson(configurationValues).orElse(null);
        return json == null || json.isEmpty() ? null : json;
    }

    public boolean useDefaults() {
        return Boolean.TRUE.equals(useDefaultPodIdentityAssociations);
    }
}
