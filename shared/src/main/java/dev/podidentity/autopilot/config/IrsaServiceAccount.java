package dev.podidentity.autopilot.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** One entry of {@code iam.serviceAccounts}: an IRSA (OIDC-federated) service account, a migration source. */
public record IrsaServiceAccount(
        String name,
        String namespace,
        List<String> attachPolicyARNs,
        Set<String> wellKnownPolicies,
        Map<String, Object> attachPolicy,
        String attachRoleARN,
        String permissionsBoundary,
        String roleName,
        Boolean roleOnly,
        Map<String, String> tags) {

    public IrsaServiceAccount {
        attachPolicyARNs = attachPolicyARNs == null ? List.of() : List.copyOf(attachPolicyARNs);
        wellKnownPolicies = wellKnownPolicies == null ? Set.of() : Set.copyOf(wellKnownPolicies);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** eksctl defaults an IRSA service account's namespace to {@code default}. */
    public String effectiveNamespace() {
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    public String key() {
        return effectiveNamespace() + "/" + (name == null ? "" : name);
    }
}
