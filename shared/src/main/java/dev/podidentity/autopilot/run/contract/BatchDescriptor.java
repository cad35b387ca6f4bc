package dev.podidentity.autopilot.run.contract;

import dev.podidentity.autopilot.plan.Phase;

import java.util.Optional;

/**
 * One Map item's steps: [{@code from}, {@code to}) of {@code phase} in the stored plan. Boxed, so a missing number
 * is told apart from 0 and refused by name.
 */
public record BatchDescriptor(String phase, Integer batch, Integer from, Integer to) {
    /** The plan phase this batch belongs to, when {@code phase} names one of the four batch phases. */
    public Optional<Phase> planPhase() {
        return RunPhases.BATCH_PHASES.stream().filter(p -> p.label().equals(phase)).findFirst();
    }

    public boolean complete() {
        return phase != null && batch != null && from != null && to != null;
    }

    @Override
    public String toString() {
        return phase + "-" + batch + " [" + from + ", " + to + ")";
    }
}
