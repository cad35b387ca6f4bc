package dev.podidentity.autopilot.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What IAM refuses in a permissions (identity-based) policy beyond its JSON shape, checked before anything is
 * written: a statement names no principal, names its resources ({@code Resource} or {@code NotResource}), and every
 * action is {@code *} or {@code service:Action}, where the service prefix is letters, digits and hyphens and the action
 * letters and digits with {@code *} and {@code ?} wildcards (IAM JSON policy reference, "Action" and "Resource").
 */
public final class IdentityPolicyGrammar {
    private static final Pattern ACTION = Pattern.compile("\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+");
    /** Values are quoted at most this long in a message. */
    static final int QUOTED = 64;

    private IdentityPolicyGrammar() {
    }

    /** One problem per offending element: {@code {path within the document, message}}. */
    public static List<String[]> problems(PolicyDocument document) {
        List<String[]> problems = new ArrayList<>();
        List<Statement> statements = document.statements();
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            String path = "Statement[" + i + "]";
            if (s.principal() != null || s.notPrincipal() != null) {
                problems.add(new String[] {path + (s.principal() != null ? ".Principal" : ".NotPrincipal"),
                        "a permissions policy names no principal (IAM: MalformedPolicyDocument)"});
            }
            if (empty(s.resources()) && empty(s.notResources())) {
                problems.add(new String[] {path + ".Resource", "Resource (or NotResource) is missing; a permissions "
                        + "policy statement must name its resources (IAM: MalformedPolicyDocument)"});
            }
            actions(problems, path + ".Action", s.actions());
            actions(problems, path + ".NotAction", s.notActions());
        }
        return problems;
    }

    private static void actions(List<String[]> problems, String path, List<String> actions) {
        if (actions == null) {
            return;
        }
        for (int i = 0; i < actions.size(); i++) {
            String action = actions.get(i);
            if (action == null || !ACTION.matcher(action).matches()) {
                problems.add(new String[] {actions.size() == 1 ? path : path + "[" + i + "]", "action "
                        + quote(action) + " is not \"*\" or \"service:Action\" (letters, digits, * and ? after the "
                        + "colon), so IAM refuses the policy"});
            }
        }
    }

    /** A value in a message: quoted, and cut to its first {@value #QUOTED} characters. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= QUOTED ? "\"" + value + "\""
                : "\"" + value.substring(0, QUOTED) + "...\" (" + value.length() + " characters)";
    }

    private static boolean empty(List<String> list) {
        return list == null || list.isEmpty();
    }
}
