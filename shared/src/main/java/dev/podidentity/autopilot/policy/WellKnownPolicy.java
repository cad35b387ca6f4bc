package dev.podidentity.autopilot.policy;

import java.util.Locale;
import java.util.Optional;

/**
 * eksctl's {@code wellKnownPolicies} flags, in eksctl's expansion order. {@link #yamlKey()} is the key in a
 * ClusterConfig file; {@link #fromKey(String)} also accepts the CLI's case-insensitive spelling.
 */
public enum WellKnownPolicy {
    IMAGE_BUILDER("imageBuilder"),
    AUTO_SCALER("autoScaler"),
    AWS_LOAD_BALANCER_CONTROLLER("awsLoadBalancerController"),
    EXTERNAL_DNS("externalDNS"),
    CERT_MANAGER("certManager"),
    EBS_CSI_CONTROLLER("ebsCSIController"),
    EFS_CSI_CONTROLLER("efsCSIController");

    private final String yamlKey;

    WellKnownPolicy(String yamlKey) {
        this.yamlKey = yamlKey;
    }

    public String yamlKey() {
        return yamlKey;
    }

    /** The flag for a YAML key; the match ignores case, as eksctl's {@code --well-known-policies} flag does. */
    public static Optional<WellKnownPolicy> fromKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        String lower = key.toLowerCase(Locale.ROOT);
        for (WellKnownPolicy policy : values()) {
            if (policy.yamlKey.toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(policy);
            }
        }
        return Optional.empty();
    }
}
