package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Phase;
import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.PlanText;
import dev.podidentity.autopilot.plan.Step;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pods read their credentials when they start: after the migration, running pods of a migrated service account
 * keep their IRSA web identity until restarted. The plan and the report name their workloads.
 *
 * @param workloads service account ({@code namespace/name}) to the workloads running it, in plan order
 * @param lines     the plan text's lines, one per service account
 */
record MigrationRestarts(Map<String, List<String>> workloads, boolean annotationStays, List<String> lines) {
    static final String RESTART_NOTE = "running pods keep their IRSA credentials until restarted; restart these "
            + "workloads after the migration";
    static final String ANNOTATION_NOTE = "while a service account keeps its IRSA annotation, restarted pods still "
            + "get IRSA first (the SDKs' default credential chain); remove it with "
            + "\"removeOidcProviderTrustRelationship\": true, then restart";

    /** The workloads to restart after a migration plan; empty when it migrates nothing. */
    static Optional<MigrationRestarts> of(IrsaServiceAccounts irsa, String cluster, Plan plan,
                                          List<ClusterState.IrsaServiceAccount> irsaAccounts) {
        Set<String> annotationRemoved = new HashSet<>();
        for (Step step : plan.stepsIn(Phase.PRUNE)) {
            if (step instanceof Step.RemoveIrsaAnnotation r) {
                annotationRemoved.add(r.namespace() + "/" + r.serviceAccount());
            }
        }
        Map<String, List<String>> restarts = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        boolean annotationStays = false;
        for (Step step : plan.stepsIn(Phase.ASSOCIATE)) {
            if (step instanceof Step.MigrateServiceAccount m) {
                String key = m.namespace() + "/" + m.serviceAccount();
                List<String> workloads = irsa.workloadsUsing(cluster, m.namespace(), m.serviceAccount());
                restarts.put(key, List.copyOf(workloads));
                boolean stays = !annotationRemoved.contains(key);
                annotationStays |= stays;
                lines.add("  " + key + ": " + (workloads.isEmpty() ? "no running pods" : String.join(", ", workloads))
                        + (stays ? " (IRSA annotation stays)" : ""));
            }
        }
        for (Step step : plan.stepsIn(Phase.ADDONS)) {
            if (step instanceof Step.MigrateAddon m) {
                // the addon's service account, found where discovery saw it annotated with the addon's role
                for (ClusterState.IrsaServiceAccount sa : irsaAccounts) {
                    if (sa.name().equals(m.serviceAccount()) && sa.roleArn().equals(m.roleArn())) {
                        List<String> workloads = irsa.workloadsUsing(cluster, sa.namespace(), sa.name());
                        restarts.put(sa.key(), List.copyOf(workloads));
                        lines.add("  " + sa.key() + " (addon " + m.name() + "): " + (workloads.isEmpty()
                                ? "no running pods" : String.join(", ", workloads)));
                    }
                }
            }
        }
        return lines.isEmpty() ? Optional.empty()
                : Optional.of(new MigrationRestarts(restarts, annotationStays, List.copyOf(lines)));
    }

    /** The summary's {@code restartNote}. */
    String note() {
        return RESTART_NOTE + (annotationStays ? " " + ANNOTATION_NOTE : "");
    }

    /** The plan text's restart section. */
    PlanText.Section section() {
        List<String> all = new ArrayList<>(lines);
        if (annotationStays) {
            all.add("  " + ANNOTATION_NOTE);
        }
        return new PlanText.Section("restart (" + RESTART_NOTE + "):", all);
    }
}
