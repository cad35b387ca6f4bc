package dev.podidentity.autopilot.config;

import java.util.List;

/**
 * The parts of an eksctl {@code ClusterConfig} (apiVersion eksctl.io/v1alpha5) that this application acts on.
 * Other sections of the file (vpc, nodeGroups, ...) are accepted and ignored, so real eksctl files load unchanged.
 *
 * @param addons        null when the file has no {@code addons} key
 * @param source        where each field path stands in the file, for error messages
 */
public record ClusterConfig(
        String apiVersion,
        String kind,
        Metadata metadata,
        Iam iam,
        List<Addon> addons,
        AddonsConfig addonsConfig,
        AutoModeConfig autoModeConfig,
        String ipFamily,
        SourceMap source) {

    public static final String API_VERSION = "eksctl.io/v1alpha5";
    public static final String KIND = "ClusterConfig";

    public List<Addon> addonsOrEmpty() {
        return addons == null ? List.of() : addons;
    }

    public boolean autoModeEnabled() {
        return autoModeConfig != null && Boolean.TRUE.equals(autoModeConfig.enabled());
    }

    public boolean autoApplyPodIdentityAssociations() {
        return addonsConfig != null && Boolean.TRUE.equals(addonsConfig.autoApplyPodIdentityAssociations());
    }

    /** A copy whose metadata.name is {@code name}: the default config applied to a newly created cluster. */
    public ClusterConfig withClusterName(String name) {
        Metadata m = metadata == null ? new Metadata(name, null, java.util.Map.of()) : metadata.withName(name);
        return new ClusterConfig(apiVersion, kind, m, iam, addons, addonsConfig, autoModeConfig, ipFamily, source);
    }
}
