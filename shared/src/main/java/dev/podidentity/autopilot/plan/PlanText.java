package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.naming.Owner;
import dev.podidentity.autopilot.Action;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The plan for people, in the spirit of eksctl's {@code (plan) would ...} lines but flat: one line per step,
 * grouped by phase in execution order, each naming the resource it changes; then what is already right, the
 * warnings, and a summary {@code N changes, M unchanged}. A plan-only run ends by saying how to apply it.
 */
public final class PlanText {
    private PlanText() {
    }

    public static String render(Plan plan) {
        return render(plan, List.of());
    }

    /**
     * A heading and its lines, shown after the warnings and before the closing counts: what a run adds to the plan
     * from outside the planner (workloads to restart, Kubernetes access), rendered with it rather than spliced in.
     */
    public record Section(String heading, List<String> lines) {
        public Section {
            lines = List.copyOf(lines);
        }
    }

    /** The plan text with {@code sections} before its closing {@code N changes, M unchanged}. */
    public static String render(Plan plan, List<Section> sections) {
        String verb = plan.planOnly() ? "(plan) would " : "will ";
        List<String> out = new ArrayList<>();
        out.add((plan.planOnly() ? "(plan) " : "") + plan.action() + " on cluster \"" + plan.cluster() + "\":");
        for (Phase phase : Phase.values()) {
            List<Step> steps = plan.stepsIn(phase);
            if (steps.isEmpty()) {
                continue;
            }
            out.add(phase.label() + ":");
            for (Step step : steps) {
                if (step instanceof Step.ReportAssociations report) {
                    out.addAll(report(report));
                } else {
                    out.add("  " + verb + describe(step));
                }
            }
        }
        if (!plan.unchanged().isEmpty()) {
            out.add("unchanged:");
            plan.unchanged().forEach(u -> out.add("  " + u.description()));
        }
        if (!plan.warnings().isEmpty()) {
            out.add("warnings:");
            plan.warnings().forEach(w -> out.add("  " + w));
        }
        for (Section section : sections) {
            out.add(section.heading());
            out.addAll(section.lines());
        }
        long changes = plan.changeCount();
        out.add(changes + (changes == 1 ? " change, " : " changes, ") + plan.unchanged().size() + " unchanged");
        if (plan.planOnly() && changes > 0) {
            out.add(plan.action() == Action.MIGRATE_TO_POD_IDENTITY
                    ? "no changes were applied; run again with \"approve\": true to apply the changes"
                    : "no changes were applied (dry run); run again with \"dryRun\": false to apply the changes");
        }
        return String.join("\n", out) + "\n";
    }

    /** The action a step takes, as a phrase that follows "would" / "will". */
    public static String describe(Step step) {
        return switch (step) {
            case Step.WaitForCluster s -> "wait for cluster \"" + s.cluster() + "\" to become ACTIVE (it is "
                    + s.observedStatus() + ")";
            case Step.InstallAgent s -> "install addon \"" + Step.InstallAgent.ADDON + "\""
                    + (s.version() == null ? "" : " version " + s.version()) + " and wait for it to be ACTIVE";
            case Step.UpdateTrustPolicy s -> "update trust policy of role \""
                    + AssociationPlanner.display(s.roleArn()) + "\" (owner: " + ownerWord(s.roleOwner()) + "): "
                    + trustChanges(s) + " (for " + String.join(", ", s.usedBy()) + ")";
            case Step.EnsureRoleAndAssociation s -> ensure(s);
            case Step.UpdateAssociation s -> "update pod identity association \"" + s.namespace() + "/"
                    + s.serviceAccount() + "\" (" + s.associationId() + "): " + String.join(", ", s.changes());
            case Step.DeleteAssociation s -> delete(s);
            case Step.CreateAddon s -> "create addon \"" + s.name() + "\"" + versionText(s.version())
                    + (s.namespace() == null ? "" : " in namespace \"" + s.namespace() + "\"")
                    + addonIdentities(s.podIdentityAssociations())
                    + (s.serviceAccountRoleArn() == null ? "" : " with IRSA role \""
                    + AssociationPlanner.display(s.serviceAccountRoleArn()) + "\"");
            case Step.UpdateAddon s -> "update addon \"" + s.name() + "\": " + String.join("; ", s.changes());
            case Step.DeleteAddon s -> "delete addon \"" + s.name() + "\"" + (s.preserve()
                    ? " preserving its Kubernetes resources, pod identity associations and roles"
                    : " (EKS deletes its pod identity associations)")
                    + (s.deleteRoleArns().isEmpty() ? "" : " and role" + (s.deleteRoleArns().size() > 1 ? "s " : " ")
                    + quotedRoles(s.deleteRoleArns()));
            case Step.MigrateServiceAccount s -> "create pod identity association \"" + s.namespace() + "/"
                    + s.serviceAccount() + "\" with its IRSA role \"" + AssociationPlanner.display(s.roleArn()) + "\"";
            case Step.MigrateAddon s -> "migrate addon \"" + s.name() + "\" to pod identity: service account \""
                    + s.serviceAccount() + "\" with role \"" + AssociationPlanner.display(s.roleArn()) + "\"";
            case Step.RemoveIrsaAnnotation s -> "remove annotation \"eks.amazonaws.com/role-arn\" from service "
                    + "account \"" + s.namespace() + "/" + s.serviceAccount() + "\"";
            case Step.ReportAssociations s -> "report " + s.associations().size() + " pod identity association(s)";
        };
    }

    private static List<String> report(Step.ReportAssociations report) {
        if (report.associations().isEmpty()) {
            return List.of("  No podidentityassociations found");
        }
        return report.associations().stream()
                .map(a -> "  " + a.namespace() + "/" + a.serviceAccountName() + " -> role \"" + a.roleArn() + "\" ("
                        + a.associationArn() + ")" + (a.ownerArn() == null ? "" : " owned by " + a.ownerArn()))
                .toList();
    }

    private static String ensure(Step.EnsureRoleAndAssociation s) {
        String key = "\"" + s.namespace() + "/" + s.serviceAccount() + "\"";
        String association = s.associationId() == null
                ? "create pod identity association " + key
                : "update pod identity association " + key + " (" + s.associationId() + ")";
        String role = switch (s.role().mode()) {
            case CREATE -> "create role \"" + roleName(s.role()) + "\" (" + permissionsText(s.role()) + "), then ";
            case UPDATE_PERMISSIONS -> "update permissions of role \"" + roleName(s.role()) + "\" ("
                    + permissionsText(s.role()) + trustText(s.role()) + "), then ";
            case UPDATE_TRUST -> "update role \"" + roleName(s.role()) + "\" (" + s.role().trustChange() + "), then ";
            case USE_EXISTING -> "";
        };
        String target = s.targetRoleArn() == null ? "" : s.targetRoleArn().isEmpty() ? ", no target role"
                : ", target role \"" + s.targetRoleArn() + "\"";
        String sa = s.createServiceAccount() ? " (creating the service account if missing)" : "";
        return role + association + " with role \"" + roleName(s.role()) + "\"" + target + sa;
    }

    private static String delete(Step.DeleteAssociation s) {
        String key = "\"" + s.namespace() + "/" + s.serviceAccount() + "\"";
        if (s.associationId() == null) {
            return "delete role \"" + AssociationPlanner.display(s.deleteRoleArn()) + "\" created for " + key + ": "
                    + s.reason();
        }
        String association = "delete pod identity association " + key + " (" + s.associationId() + ")";
        return s.deleteRoleArn() != null
                ? association + " and its role \"" + AssociationPlanner.display(s.deleteRoleArn()) + "\": " + s.reason()
                : association + ": " + s.reason() + "; role \"" + AssociationPlanner.display(s.roleArn())
                        + "\" is kept (not created by pod identity autopilot)";
    }

    /** {@code new role "x" (2 managed, 1 inline, boundary)}, {@code role "x" (trust: ...)} or {@code role "x"}. */
    static String roleText(DesiredRole role) {
        return switch (role.mode()) {
            case CREATE -> "new role \"" + roleName(role) + "\" (" + permissionsText(role) + ")";
            case UPDATE_PERMISSIONS -> "role \"" + roleName(role) + "\" with updated permissions ("
                    + permissionsText(role) + trustText(role) + ")";
            case UPDATE_TRUST -> "role \"" + roleName(role) + "\" (" + role.trustChange() + ")";
            case USE_EXISTING -> "role \"" + roleName(role) + "\"";
        };
    }

    private static String roleName(DesiredRole role) {
        return AssociationPlanner.display(role.arn());
    }

    private static String permissionsText(DesiredRole role) {
        List<String> parts = new ArrayList<>();
        if (!role.managedPolicyArns().isEmpty()) {
            parts.add("managed: " + role.managedPolicyArns().stream().map(PlanText::policyName)
                    .collect(Collectors.joining(", ")));
        }
        if (!role.inlinePolicies().isEmpty()) {
            parts.add("inline: " + String.join(", ", role.inlinePolicies().keySet()));
        }
        if (role.permissionsBoundaryArn() != null) {
            parts.add("boundary: " + policyName(role.permissionsBoundaryArn()));
        }
        return parts.isEmpty() ? "no policies" : String.join("; ", parts);
    }

    /** {@code ; trust: ...} when converging the role also changes its trust, else nothing. */
    private static String trustText(DesiredRole role) {
        return role.trustChange() == null ? "" : "; " + role.trustChange();
    }

    private static String policyName(String arn) {
        int slash = arn.indexOf(":policy/");
        return slash < 0 ? arn : arn.substring(slash + ":policy/".length());
    }

    private static String addonIdentities(List<Step.AddonIdentity> identities) {
        if (identities.isEmpty()) {
            return "";
        }
        return " with pod identities: " + identities.stream()
                .map(x -> "service account \"" + x.serviceAccount() + "\" -> " + roleText(x.role()))
                .collect(Collectors.joining(", "));
    }

    private static String versionText(String version) {
        return version == null ? "" : " (version " + version + ")";
    }

    private static String quotedRoles(List<String> arns) {
        return arns.stream().map(a -> "\"" + AssociationPlanner.display(a) + "\"").collect(Collectors.joining(", "));
    }

    private static String trustChanges(Step.UpdateTrustPolicy s) {
        List<String> parts = new ArrayList<>();
        if (s.addPodIdentityStatement()) {
            parts.add("allow pods.eks.amazonaws.com");
        }
        if (s.removeOidcProviderArn() != null) {
            parts.add("remove trust in OIDC provider \"" + providerId(s.removeOidcProviderArn()) + "\"");
        }
        return String.join(", ", parts);
    }

    private static String providerId(String arn) {
        int slash = arn.indexOf(":oidc-provider/");
        return slash < 0 ? arn : arn.substring(slash + ":oidc-provider/".length());
    }

    private static String ownerWord(Owner owner) {
        return switch (owner) {
            case AUTOPILOT -> "pod-identity-autopilot";
            case EKSCTL -> "eksctl";
            case UNKNOWN -> "unknown";
        };
    }
}
