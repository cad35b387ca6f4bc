package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;

import java.util.Comparator;
import java.util.List;

/**
 * What a run will do: the steps in execution order (by phase, then by id), what was found already right, and
 * warnings. Pure data; {@link PlanJson} writes and reads it, {@link PlanText} renders it for people.
 *
 * @param planOnly  true when the run stops after planning (dry run, or migrate without approve)
 * @param unchanged things the request names that need no change, sorted by id
 * @param warnings  things worth knowing that do not stop the plan, sorted
 */
public record Plan(String cluster, Action action, boolean planOnly, List<Step> steps, List<Unchanged> unchanged,
                   List<String> warnings) {

    public static final Comparator<Step> EXECUTION_ORDER =
            Comparator.comparing(Step::phase).thenComparing(Step::id);

    public Plan {
        steps = steps == null ? List.of() : steps.stream().sorted(EXECUTION_ORDER).toList();
        unchanged = unchanged == null ? List.of()
                : unchanged.stream().sorted(Comparator.comparing(Unchanged::id)).toList();
        warnings = warnings == null ? List.of() : warnings.stream().sorted().distinct().toList();
    }

    /** Something the request names that is already as asked. */
    public record Unchanged(String id, String description) {
    }

    public List<Step> stepsIn(Phase phase) {
        return steps.stream().filter(s -> s.phase() == phase).toList();
    }

    /** The phases that have steps, in execution order: the state machine can skip the others. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public List<Phase> activePhases() {
        return steps.stream().map(Step::phase).distinct().toList();
    }

    /** Number of steps that change something (report steps only read). */
    public long changeCount() {
        return steps.stream().filter(s -> s.phase() != Phase.REPORT).count();
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return changeCount() == 0;
    }
}
