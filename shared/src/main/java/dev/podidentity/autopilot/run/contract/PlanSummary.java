package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.podidentity.autopilot.plan.Step;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plan's summary, {@code $.run.summary}: what the plan changes and warns about, and per action what only that
 * action has. Absent fields are left out. In the state it is bounded (statemachine/README.md): at most
 * {@code warnings} 50 ({@code warningsOmitted} counts the rest), and a {@code get}'s association list past 64 KB is
 * only in the plan object ({@code associationCount}, {@code associationsIn} say so). The Report copies it into its
 * summary's {@code plan}, and lifts the migration's two restart fields beside it.
 *
 * @param associations     {@code get}: the associations, as {@code eksctl get podidentityassociation -o json}
 * @param superseded       a run that stood down for a newer upload of its config: which version replaced it
 * @param restartWorkloads {@code migrate-to-pod-identity}: per account, the workloads whose pods still hold IRSA
 *                         credentials, in plan order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"changes", "unchanged", "warnings", "warningsOmitted", "associations", "associationCount",
        "associationsIn", "superseded", "restartWorkloads", "restartNote"})
public record PlanSummary(int changes, int unchanged, List<String> warnings, Integer warningsOmitted,
                          List<Step.AssociationSummary> associations, Integer associationCount,
                          String associationsIn, Superseded superseded, Map<String, List<String>> restartWorkloads,
                          String restartNote) {
    public PlanSummary {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** What the config's newer upload is: {@code configKey} at {@code currentVersion}, not this run's {@code version}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Superseded(String configKey, String version, String currentVersion) {
    }

    public static PlanSummary of(int changes, int unchanged, List<String> warnings) {
        return new PlanSummary(changes, unchanged, warnings, null, null, null, null, null, null, null);
    }

    public PlanSummary withAssociations(List<Step.AssociationSummary> list) {
        return new PlanSummary(changes, unchanged, warnings, warningsOmitted, list, associationCount,
                associationsIn, superseded, restartWorkloads, restartNote);
    }

    /** The list kept in the plan object only: its size and where it is instead. */
    public PlanSummary withAssociationsIn(int count, String where) {
        return new PlanSummary(changes, unchanged, warnings, warningsOmitted, null, count, where, superseded,
                restartWorkloads, restartNote);
    }

    /** The first {@code keep} warnings, and how many were left out. */
    public PlanSummary withWarningsCut(int keep) {
        if (warnings.size() <= keep) {
            return this;
        }
        return new PlanSummary(changes, unchanged, warnings.subList(0, keep), warnings.size() - keep, associations,
                associationCount, associationsIn, superseded, restartWorkloads, restartNote);
    }

    public PlanSummary withWarnings(List<String> more) {
        List<String> all = new ArrayList<>(warnings);
        all.addAll(more);
        return new PlanSummary(changes, unchanged, all, warningsOmitted, associations, associationCount,
                associationsIn, superseded, restartWorkloads, restartNote);
    }

    public PlanSummary withSuperseded(Superseded by) {
        return new PlanSummary(changes, unchanged, warnings, warningsOmitted, associations, associationCount,
                associationsIn, by, restartWorkloads, restartNote);
    }

    public PlanSummary withRestarts(Map<String, List<String>> workloads, String note) {
        return new PlanSummary(changes, unchanged, warnings, warningsOmitted, associations, associationCount,
                associationsIn, superseded, workloads, note);
    }

    /** The summary without the migration's restart fields, which the Report lifts beside it. */
    public PlanSummary withoutRestarts() {
        return withRestarts(null, null);
    }
}
