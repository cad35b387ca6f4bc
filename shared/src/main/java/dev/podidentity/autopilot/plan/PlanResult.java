package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.config.Problem;

import java.util.List;

/** A plan, or why there is none: problems that need the observed cluster to see (the config itself was valid). */
public sealed interface PlanResult {

    record Planned(Plan plan) implements PlanResult {
    }

    /** Nothing may run: every problem found, each naming the config field it concerns. */
    record Refused(List<Problem> problems) implements PlanResult {
        public Refused {
            problems = List.copyOf(problems);
        }
    }

    /** The plan; throws when refused (for tests and callers that already checked). */
    default Plan orThrow() {
        return switch (this) {
            case Planned p -> p.plan();
            case Refused r -> throw new IllegalStateException("plan refused: " + r.problems());
        };
    }
}
