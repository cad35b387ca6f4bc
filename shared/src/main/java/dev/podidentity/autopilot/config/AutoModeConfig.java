package dev.podidentity.autopilot.config;

/** {@code autoModeConfig}: on an Auto Mode cluster the pod identity agent is built in. */
public record AutoModeConfig(Boolean enabled) {
}
