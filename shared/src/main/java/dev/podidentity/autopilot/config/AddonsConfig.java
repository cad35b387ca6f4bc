package dev.podidentity.autopilot.config;

/** {@code addonsConfig}. */
public record AddonsConfig(Boolean autoApplyPodIdentityAssociations, Boolean disableDefaultAddons) {
}
