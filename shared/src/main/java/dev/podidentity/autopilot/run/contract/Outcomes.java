package dev.podidentity.autopilot.run.contract;

import java.util.List;

/** {@code $.outcomes}: InstallAgent's outcome (or null) and one result per batch of each phase, in batch order. */
public record Outcomes(StepOutcome agent, List<BatchResult> trust, List<BatchResult> associate,
                       List<BatchResult> addons, List<BatchResult> prune) {
    /** The batch results of one phase, by its label; empty when the state has none. */
    public List<BatchResult> of(String phase) {
        List<BatchResult> results = switch (phase) {
            case "trust" -> trust;
            case "associate" -> associate;
            case "addons" -> addons;
            case "prune" -> prune;
            default -> throw new IllegalArgumentException("not a batch phase: " + phase);
        };
        return results == null ? List.of() : results;
    }
}
