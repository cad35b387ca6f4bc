package dev.podidentity.autopilot.guard;

import dev.podidentity.autopilot.config.Addon;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.IrsaServiceAccount;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.config.SourceMap;
import dev.podidentity.autopilot.naming.ArnResult;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.naming.OwnershipTags;
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
    private final IamFacts facts;
    private String cluster;
    private final List<Problem> problems = new ArrayList<>();
    /** Refusals of planned steps, which have no place in a config file. */
    private final List<String> unplaced = new ArrayList<>();
    private SourceMap source;

    private GuardrailCheck(Guardrails guardrails, IamFacts facts) {
        this.guardrails = guardrails;
        this.facts = facts;
    }

    /** The checks that need no IAM reads; a run uses {@link #check(ClusterConfig, Guardrails, IamFacts)}. */
    public static List<Problem> check(ClusterConfig config, Guardrails guardrails) {
        return check(config, guardrails, IamFacts.OFFLINE);
    }

    /** Every guardrail, with what IAM says about the roles and customer managed policies the config names. */
    public static List<Problem> check(ClusterConfig config, Guardrails guardrails, IamFacts facts) {
        GuardrailCheck c = new GuardrailCheck(guardrails, facts);
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
        GuardrailCheck c = new GuardrailCheck(guardrails, IamFacts.OFFLINE);
        c.cluster = cluster;
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
        cluster = config.metadata() == null ? null : config.metadata().name();
        if (config.metadata() != null) {
            checkTags("metadata.tags", config.metadata().tags());
        }
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
            checkTags(p + ".tags", sas.get(i).tags());
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
            checkTags(a + ".tags", addon.tags());
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
        checkExistingRole(p + ".targetRoleARN", pia.targetRoleARN());
        checkTags(p + ".tags", pia.tags());
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

    /** Tags under our prefix are ownership and opt-in marks only IAM administrators and the application set. */
    private void checkTags(String path, Map<String, String> tags) {
        for (String key : tags.keySet()) {
            if (OwnershipTags.isReserved(key)) {
                refuse(path + "." + key, "ReservedTags", "tag \"" + key + "\" is under the prefix "
                        + OwnershipTags.PREFIX + ", which pod-identity-autopilot reserves for ownership and for marks "
                        + "an IAM administrator sets; choose another key");
            }
        }
    }

    private void checkManaged(String path, List<String> arns) {
        for (int i = 0; i < arns.size(); i++) {
            String arn = arns.get(i);
            String at = path + "[" + i + "]";
            if (isDenied(arn)) {
                refuse(at, "DeniedPolicyArns", "managed policy " + arn + " grants more than a workload may get");
            } else if (isApplicationPolicy(arn)) {
                refuse(at, "DeniedPolicyArns", "managed policy " + arn + " is one of pod-identity-autopilot's own "
                        + "(path " + Guardrails.APPLICATION_POLICY_PATH + "): it carries the application's rights, "
                        + "never a workload's");
            } else if (!arn.contains(":iam::aws:policy/") && facts.known() && !guardrails.allowWildcardInline()) {
                Optional<String> document = facts.policyDocument(arn);
                if (document.isPresent()) {
                    try {
                        checkDocument(at, PolicyDocument.parse(document.get()), "managed policy " + arn + " (default "
                                + "version) ");
                    } catch (PolicyFormatException | IllegalArgumentException e) {
                        refuse(at, "AllowWildcardInlinePolicies", "managed policy " + arn
                                + " cannot be read as a policy document, so it cannot be checked");
                    }
                }
            }
        }
    }

    /**
     * Denied by ARN or, for AWS managed policies, by name (with its path) in every partition; case-insensitively, so
     * neither {@code administratoraccess} nor another partition slips past the list.
     */
    private boolean isDenied(String arn) {
        String asked = arn.toLowerCase(Locale.ROOT);
        String awsManaged = awsManagedName(asked);
        for (String entry : guardrails.deniedPolicies()) {
            String denied = entry.toLowerCase(Locale.ROOT);
            if (denied.equals(asked)) {
                return true;
            }
            String deniedName = denied.startsWith("arn:") ? awsManagedName(denied) : denied;
            if (awsManaged != null && awsManaged.equals(deniedName)) {
                return true;
            }
            if (awsManaged != null && !denied.startsWith("arn:") && awsManaged.endsWith("/" + denied)) {
                return true;
            }
        }
        return false;
    }

    /** A customer managed policy under the stack's own path, in any account and partition, in any case. */
    private static boolean isApplicationPolicy(String arn) {
        String lower = arn.toLowerCase(Locale.ROOT);
        int at = lower.indexOf(":policy/");
        return at >= 0 && !lower.contains(":iam::aws:policy/")
                && lower.substring(at + ":policy".length()).startsWith(Guardrails.APPLICATION_POLICY_PATH);
    }

    /** "job-function/systemadministrator" for arn:PARTITION:iam::aws:policy/job-function/SystemAdministrator. */
    private static String awsManagedName(String lowerArn) {
        int at = lowerArn.indexOf(":iam::aws:policy/");
        return lowerArn.startsWith("arn:") && at > 0 ? lowerArn.substring(at + ":iam::aws:policy/".length()) : null;
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
        checkDocument(path, doc, "");
    }

    /** Refuses each Allow statement that grants a privilege-escalating action, the way IAM would evaluate it. */
    private void checkDocument(String path, PolicyDocument doc, String what) {
        for (int s = 0; s < doc.statements().size(); s++) {
            Statement st = doc.statements().get(s);
            String at = what.isEmpty() ? path + ".Statement[" + s + "]" : path;
            for (PolicyEscalation.Finding f : PolicyEscalation.analyse(st, guardrails.allowedPrivilegedActions())) {
                List<String> a = f.actions();
                String actions = a.size() <= 3 ? String.join(", ", a)
                        : String.join(", ", a.subList(0, 3)) + " and " + (a.size() - 3) + " more";
                refuse(at, "AllowWildcardInlinePolicies", what + (what.isEmpty() ? "" : "statement " + s + ": ")
                        + f.how() + " grants " + actions + ", which can escalate privileges");
            }
        }
    }

    /**
     * A role a config hands to workloads (roleARN, targetRoleARN, addon serviceAccountRoleARN, attachRoleARN, or an
     * IRSA role migration found) must be granted explicitly: made by us for this cluster, tagged
     * {@code pod-identity-autopilot/assignable=true} by an IAM administrator, or matching AllowedRoleArnPatterns.
     * With AllowUnmarkedRoles (eksctl's behaviour) only the patterns, when set, restrict it.
     */
    private void checkExistingRole(String path, String roleArn) {
        if (roleArn == null || roleArn.isEmpty() || !checkAccount(path, roleArn)) {
            return;
        }
        List<String> patterns = guardrails.allowedRoleArnPatterns();
        if (!patterns.isEmpty() && patterns.stream().anyMatch(g -> Globs.matches(g, roleArn))) {
            return;
        }
        boolean granted;
        if (guardrails.allowUnmarkedRoles() || !facts.known()) {
            granted = patterns.isEmpty(); // offline, the tags cannot be read: the run judges them
        } else {
            Map<String, String> tags = facts.roleTags(roleArn).orElse(Map.of());
            granted = OwnershipTags.isOwnedBy(tags, cluster) || OwnershipTags.isAssignable(tags);
        }
        if (granted) {
            return;
        }
        if (!patterns.isEmpty()) {
            refuse(path, "AllowedRoleArnPatterns", "role " + roleArn + " is not one this deployment may hand to "
                    + "workloads; allowed: " + String.join(", ", patterns));
        } else {
            refuse(path, "AllowUnmarkedRoles", "role " + roleArn + " is not one this deployment may hand to "
                    + "workloads: it was not created by pod-identity-autopilot for cluster \"" + cluster
                    + "\" and is not tagged " + OwnershipTags.ASSIGNABLE + "=" + OwnershipTags.TRUE
                    + " by an IAM administrator (or set AllowedRoleArnPatterns)");
        }
    }

    private static List<String> sorted(java.util.Collection<String> values) {
        return values.stream().sorted().toList();
    }
}
