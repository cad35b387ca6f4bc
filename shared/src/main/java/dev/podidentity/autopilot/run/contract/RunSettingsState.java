package dev.podidentity.autopilot.run.contract;

/** {@code $.settings}: filled in by the Prepare state from the stack's parameters. */
public record RunSettingsState(int mapMaxConcurrency) {
}
