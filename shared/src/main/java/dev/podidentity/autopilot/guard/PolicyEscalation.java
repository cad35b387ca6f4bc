package dev.podidentity.autopilot.guard;

import dev.podidentity.autopilot.policy.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which privilege-escalating actions an Allow statement grants, evaluated the way IAM evaluates it: action patterns
 * match case-insensitively with {@code *} (any run) and {@code ?} (one character) anywhere, service wildcards included;
 * {@code NotAction} grants every action it does not match; {@code NotResource} and any {@code *} or {@code ?} in a
 * resource count as more than named resources.
 *
 * <p>The list follows Rhino Security Labs' published IAM privilege escalation methods ("AWS IAM Privilege Escalation
 * – Methods and Mitigation", rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/): policy and
 * policy-version writes, attaching policies to users, groups and roles, credential creation (access keys, login
 * profiles), group membership, trust rewrites, {@code iam:PassRole} (the first half of every "pass a role to a
 * service" path) and code injection into functions and Glue endpoints that run with other roles. Boundary removal and
 * role/user creation are added because they undo or sidestep a permissions boundary, and {@code sts:AssumeRole*}
 * because, on anything but named roles, it lets a workload become another role.
 */
final class PolicyEscalation {

    /** Actions that escalate whatever resource they name. */
    static final List<String> ESCALATING = List.of(
            "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:CreatePolicy",
            "iam:PassRole",
            "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
            "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy",
            "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy",
            "iam:AddUserToGroup", "iam:UpdateAssumeRolePolicy",
            "iam:CreateRole", "iam:CreateUser",
            "iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
            "iam:PutRolePermissionsBoundary", "iam:PutUserPermissionsBoundary",
            "iam:TagRole", "iam:TagUser",
            "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
            "glue:UpdateDevEndpoint",
            "organizations:LeaveOrganization", "organizations:DetachPolicy");

    /** Actions that are harmless on named roles and escalate on patterns: becoming another role. */
    static final List<String> ESCALATING_UNLESS_NAMED = List.of(
            "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML");

    /** One refusal: the escalating actions a statement grants and why. */
    record Finding(List<String> actions, String how) {
    }

    private PolicyEscalation() {
    }

    /**
     * The escalating actions an Allow statement grants; empty when it grants none.
     *
     * @param permitted actions the deployment lets configs grant on named resources (lower case)
     */
    static List<Finding> analyse(Statement st, Set<String> permitted) {
        if (!st.isAllow()) {
            return List.of();
        }
        boolean notAction = st.notActions() != null && !st.notActions().isEmpty();
        List<String> patterns = notAction ? st.notActions() : st.actions() == null ? List.of() : st.actions();
        boolean named = st.notResources() == null || st.notResources().isEmpty();
        List<String> resources = st.resources() == null ? List.of() : st.resources();
        if (named) {
            named = resources.stream().noneMatch(r -> r.contains("*") || r.contains("?"));
        }
        String where = !named ? (st.notResources() != null && !st.notResources().isEmpty()
                ? "with NotResource (every other resource)" : "on " + String.join(", ", resources)) : null;

        List<String> granted = new ArrayList<>();
        for (String action : ESCALATING) {
            if (granted(action, patterns, notAction) && !(named && permitted.contains(lower(action)))) {
                granted.add(action);
            }
        }
        if (!named) {
            ESCALATING_UNLESS_NAMED.stream().filter(a -> granted(a, patterns, notAction)).forEach(granted::add);
        }
        return granted.isEmpty() ? List.of() : List.of(new Finding(granted, how(notAction, patterns, where)));
    }

    private static String how(boolean notAction, List<String> patterns, String where) {
        String through = notAction ? "NotAction " + quoted(patterns) + " (every other action)"
                : "Action " + quoted(patterns);
        return through + (where == null ? "" : " " + where);
    }

    private static String quoted(List<String> patterns) {
        return patterns.stream().map(p -> "\"" + p + "\"").reduce((a, b) -> a + ", " + b).orElse("[]");
    }

    private static boolean granted(String action, List<String> patterns, boolean notAction) {
        boolean matched = patterns.stream().anyMatch(p -> matches(p, action));
        return notAction != matched;
    }

    /** IAM's action matching: case-insensitive, {@code *} any run, {@code ?} any one character. */
    static boolean matches(String pattern, String action) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(action).matches();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
