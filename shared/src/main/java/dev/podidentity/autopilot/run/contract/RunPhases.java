package dev.podidentity.autopilot.run.contract;

import dev.podidentity.autopilot.plan.Phase;

import java.util.List;

/** The phases the state machine runs as Maps of batches, in order; their labels name the state's lists. */
public final class RunPhases {
    public static final List<Phase> BATCH_PHASES = List.of(Phase.TRUST, Phase.ASSOCIATE, Phase.ADDONS, Phase.PRUNE);
    /** {@code trust, associate, addons, prune}: the keys of {@code $.run}'s batch lists and of {@code $.outcomes}. */
    public static final List<String> LABELS = BATCH_PHASES.stream().map(Phase::label).toList();

    private RunPhases() {
    }

    /** Of four per-phase values in {@link #BATCH_PHASES}' order, the one for {@code label}. */
    public static <T> T pick(String label, T trust, T associate, T addons, T prune) {
        return switch (label) {
            case "trust" -> trust;
            case "associate" -> associate;
            case "addons" -> addons;
            case "prune" -> prune;
            default -> throw new IllegalArgumentException("not a batch phase: " + label);
        };
    }
}
