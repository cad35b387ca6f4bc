package dev.podidentity.autopilot.guard;

import dev.podidentity.autopilot.config.Addon;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.IrsaServiceAccount;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.config.SourceMap;
import dev.podidentity.autopilot.naming.ArnResult;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.policy.PolicyDocument;
import dev.podidentity.autopilot.policy.PolicyFormatException;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.policy.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Applies {@link Guardrails} to a config. Every refusal names the rule ("guardrail DeniedPolicyArns: ..."), by the
 * stack parameter that configures it, and the entry and its line, so the owner of the config knows what to change
 * and the operator knows which parameter allows it. A refused config changes nothing: Resolve stops before planning.
 */
public final class GuardrailCheck {
    private final Guardrails guardrails;
    private final List<Problem> problems = new ArrayList<>();
    /** Refusals of planned steps, which have no place in a config file. */
    private final List<String> unplaced = new ArrayList<>();
    private SourceMap source;

    private GuardrailCheck(Guardrails guardrails) {
        this.guardrails = guardrails;
    }

    public static List<Problem> check(ClusterConfig config, Guardrails guardrails) {
        GuardrailCheck c = new GuardrailCheck(guardrails);
        c.source = config.source();
        c.run(config);
        c.problems.sort(Problem.BY_POSITION);
        return List.copyOf(c.problems);
    }

    /**
     * What a plan would hand to workloads that no config line names: the service accounts and addons
     * {@code migrate-to-pod-identity} found using IRSA in the cluster. Their IRSA roles must be roles the deployment
     * may hand out, and the service accounts must be in namespaces the cluster allows.
     *
     * @return one line per refusal, "WHAT: guardrail RULE: why"; empty when the plan keeps every guardrail
     */
    public static List<String> checkMigrations(String cluster, List<Step> steps, Guardrails guardrails) {
        GuardrailCheck c = new GuardrailCheck(guardrails);
        for (Step step : steps) {
            if (step instanceof Step.MigrateServiceAccount m) {
                String what = "migration of service account " + m.namespace() + "/" + m.serviceAccount();
                c.checkExistingRole(what + " (its IRSA role)", m.roleArn());
                if (guardrails.namespaces().restricts()) {
                    c.checkNamespace(what, m.namespace(), cluster);
                }
            } else if (step instanceof Step.MigrateAddon a) {
                c.checkExistingRole("migration of addon " + a.name() + " (its IRSA role)", a.roleArn());
            }
        }
        return List.copyOf(c.unplaced);
    }

    /** A refusal of a config entry (with its position) or, without a config, of a planned step. */
    private void refuse(String path, String rule, String message) {
        if (source == null) {
            unplaced.add(path + ": guardrail " + rule + ": " + message);
            return;
        }
        problems.add(Problem.error(path, source.positionOf(path), "guardrail " + rule + ": " + message));
    }

    private void run(ClusterConfig config) {
        String cluster = config.metadata() == null ? null : config.metadata().name();
        List<PodIdentityAssociationSpec> pias = config.iam().podIdentityAssociations();
        if (pias.size() > guardrails.maxAssociations()) {
            refuse("iam.podIdentityAssociations", "MaxAssociations", String.format(
                    "%,d associations declared; this deployment allows at most %,d per cluster",
                    pias.size(), guardrails.maxAssociations()));
        }
        for (int i = 0; i < pias.size(); i++) {
            checkAssociation("iam.podIdentityAssociations[" + i + "]", pias.get(i), cluster, true);
        }
        List<IrsaServiceAccount> sas = config.iam().serviceAccounts();
        for (int i = 0; i < sas.size(); i++) {
            String p = "iam.serviceAccounts[" + i + "]";
            checkManaged(p + ".attachPolicyARNs", sas.get(i).attachPolicyARNs());
            checkInline(p + ".attachPolicy", sas.get(i).attachPolicy());
            checkExistingRole(p + ".attachRoleARN", sas.get(i).attachRoleARN());
            // eksctl's default namespace counts too: the IRSA opt-in gives that service account pod identity
            if (cluster != null && guardrails.namespaces().restricts()) {
                checkNamespace(p + ".metadata.namespace", sas.get(i).effectiveNamespace(), cluster);
            }
        }
        List<Addon> addons = config.addonsOrEmpty();
        for (int i = 0; i < addons.size(); i++) {
            String a = "addons[" + i + "]";
            Addon addon = addons.get(i);
            checkManaged(a + ".attachPolicyARNs", addon.attachPolicyARNs());
            checkInline(a + ".attachPolicy", addon.attachPolicy());
            checkExistingRole(a + ".serviceAccountRoleARN", addon.serviceAccountRoleARN());
            if (addon.podIdentityAssociations() != null) {
                for (int j = 0; j < addon.podIdentityAssociations().size(); j++) {
                    checkAssociation(a + ".podIdentityAssociations[" + j + "]",
                            addon.podIdentityAssociations().get(j), cluster, false);
                }
            }
        }
    }

    private void checkAssociation(String p, PodIdentityAssociationSpec pia, String cluster, boolean standalone) {
        checkManaged(p + ".permissionPolicyARNs", pia.permissionPolicyARNs());
        checkInline(p + ".permissionPolicy", pia.permissionPolicy());
        checkExistingRole(p + ".roleARN", pia.roleARN());
        checkBoundary(p, pia);
        checkAccount(p + ".targetRoleARN", pia.targetRoleARN());
        if (standalone && cluster != null && pia.namespace() != null && guardrails.namespaces().restricts()) {
            checkNamespace(p + ".namespace", pia.namespace(), cluster);
        }
    }

    private void checkNamespace(String path, String namespace, String cluster) {
        Optional<NamespaceAllowList.Entry> entry = guardrails.namespaces().entryFor(cluster);
        if (entry.isEmpty()) {
            refuse(path, "AllowedNamespaces", "cluster \"" + cluster + "\" has no entry in the namespace allow-list "
                    + guardrails.namespaces() + ", so no namespace on it may get AWS permissions");
        } else if (entry.get().namespaceGlobs().stream().noneMatch(g -> Globs.matches(g, namespace))) {
            refuse(path, "AllowedNamespaces", "namespace \"" + namespace + "\" is not allowed on cluster \"" + cluster
                    + "\"; allowed: " + String.join(", ", entry.get().namespaceGlobs()) + " (entry " + entry.get() + ")");
        }
    }

    /** An existing role (or a target role) must live in one of the allowed accounts. */
    private boolean checkAccount(String path, String roleArn) {
        if (roleArn == null || roleArn.isEmpty() || guardrails.allowedAccounts().isEmpty()) {
            return true;
        }
        if (Arns.role(roleArn) instanceof ArnResult.Valid<Arns.RoleArn>(Arns.RoleArn arn)
                && !guardrails.allowedAccounts().contains(arn.accountId())) {
            refuse(path, "AllowedAccountIds", "role " + roleArn + " is in account " + arn.accountId()
                    + ", which is not one of the allowed accounts " + sorted(guardrails.allowedAccounts()));
            return false;
        }
        return true;
    }

    /** A created role must carry the deployment's boundary; a config may not swap it for another. */
    private void checkBoundary(String p, PodIdentityAssociationSpec pia) {
        String required = guardrails.permissionsBoundaryArn();
        String asked = pia.permissionsBoundaryARN();
        if (required != null && asked != null && !asked.isEmpty() && !pia.hasRoleArn() && !required.equals(asked)) {
            refuse(p + ".permissionsBoundaryARN", "PermissionsBoundaryArn", "every role this deployment creates "
                    + "carries the permissions boundary " + required + "; remove this field or set it to that ARN");
        }
    }

    private void checkManaged(String path, List<String> arns) {
        for (int i = 0; i < arns.size(); i++) {
            String arn = arns.get(i);
            String name = arn.substring(arn.lastIndexOf('/') + 1);
            boolean awsManaged = arn.contains(":iam::aws:policy/");
            boolean denied = guardrails.deniedPolicies().contains(arn)
                    || (awsManaged && guardrails.deniedPolicies().contains(name));
            if (denied) {
                refuse(path + "[" + i + "]", "DeniedPolicyArns", "managed policy " + arn
                        + " grants more than a workload may get");
            }
        }
    }

    private void checkInline(String path, Map<String, Object> document) {
        if (document == null || guardrails.allowWildcardInline()) {
            return;
        }
        PolicyDocument doc;
        try {
            doc = PolicyDocument.fromTree(document);
        } catch (PolicyFormatException e) {
            return; // the validator reports malformed documents
        }
        for (int s = 0; s < doc.statements().size(); s++) {
            Statement st = doc.statements().get(s);
            if (!st.isAllow()) {
                continue;
            }
            String at = path + ".Statement[" + s + "]";
            if (st.notActions() != null && !st.notActions().isEmpty()) {
                refuse(at, "AllowWildcardInlinePolicies", "Allow with NotAction grants every other action");
                continue;
            }
            boolean everyResource = st.resources() != null && st.resources().contains("*");
            for (String action : st.actions() == null ? List.<String>of() : st.actions()) {
                String reason = escalation(action.toLowerCase(Locale.ROOT), everyResource);
                if (reason != null) {
                    refuse(at, "AllowWildcardInlinePolicies", "action \"" + action + "\" " + reason);
                }
            }
        }
    }

    /** Why an allowed action lets a workload escalate, or null. */
    private static String escalation(String action, boolean everyResource) {
        if (action.equals("*") || action.equals("*:*")) {
            return "grants every action";
        }
        if (action.startsWith("iam:") && action.contains("*")) {
            return "grants IAM administration";
        }
        if (everyResource && (action.equals("iam:passrole") || action.equals("sts:assumerole"))) {
            return "on every resource lets the workload become any role";
        }
        return null;
    }

    private void checkExistingRole(String path, String roleArn) {
        if (roleArn == null || roleArn.isEmpty() || !checkAccount(path, roleArn)
                || guardrails.allowedRoleArnPatterns().isEmpty()) {
            return;
        }
        boolean allowed = guardrails.allowedRoleArnPatterns().stream().anyMatch(g -> Globs.matches(g, roleArn));
        if (!allowed) {
            refuse(path, "AllowedRoleArnPatterns", "role " + roleArn + " is not one this deployment may hand to "
                    + "workloads; allowed: " + String.join(", ", guardrails.allowedRoleArnPatterns()));
        }
    }

    private static List<String> sorted(java.util.Collection<String> values) {
        return values.stream().sorted().toList();
    }
}
