package dev.podidentity.local.iam;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The Condition element, as the IAM User Guide's "IAM JSON policy elements: Condition operators" and "Single-valued
 * vs. multivalued context keys" pages describe it: every operator block must hold, within a block every key must
 * hold, and a key holds when the request's value matches any of the policy's values. A key the request does not
 * carry makes a positive operator false, a negated one (…Not…) true, any operator with IfExists true; Null tests
 * presence. ForAnyValue: some request value matches; ForAllValues: every request value matches (true when the key
 * is absent).
 */
final class Conditions {
    private Conditions() {
    }

    static boolean all(Map<String, Map<String, List<String>>> conditions, RequestContext request) {
        for (Map.Entry<String, Map<String, List<String>>> block : conditions.entrySet()) {
            for (Map.Entry<String, List<String>> key : block.getValue().entrySet()) {
                if (!holds(block.getKey(), key.getKey(), key.getValue(), request.values(key.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean holds(String operator, String key, List<String> policyValues, Optional<List<String>> present) {
        String op = operator;
        String set = null;
        int colon = op.indexOf(':');
        if (colon >= 0) {
            set = op.substring(0, colon);
            op = op.substring(colon + 1);
            if (!set.equals("ForAllValues") && !set.equals("ForAnyValue")) {
                throw new IllegalArgumentException("unknown set operator " + set + " in " + operator);
            }
        }
        boolean ifExists = op.endsWith("IfExists");
        if (ifExists) {
            op = op.substring(0, op.length() - "IfExists".length());
        }
        if (op.equals("Null")) {
            boolean wantsAbsent = Boolean.parseBoolean(policyValues.get(0));
            boolean absent = present.isEmpty() || present.get().isEmpty();
            return wantsAbsent == absent;
        }
        boolean negated = op.contains("Not");
        BiPredicate<String, String> match = base(op.replace("Not", ""), operator);
        List<String> values = present.orElse(List.of());
        if ("ForAllValues".equals(set)) {
            return values.stream().allMatch(v -> single(match, negated, policyValues, v));
        }
        if ("ForAnyValue".equals(set)) {
            return values.stream().anyMatch(v -> single(match, negated, policyValues, v));
        }
        if (present.isEmpty()) {
            return ifExists || negated;
        }
        // A single-valued operator on a key with several values: positive when any value matches, negated when
        // none does.
        boolean any = values.stream().anyMatch(v -> policyValues.stream().anyMatch(p -> match.test(p, v)));
        return negated != any;
    }

    private static boolean single(BiPredicate<String, String> match, boolean negated, List<String> policy, String v) {
        boolean any = policy.stream().anyMatch(p -> match.test(p, v));
        return negated != any;
    }

    private static BiPredicate<String, String> base(String op, String operator) {
        return switch (op) {
            case "StringEquals" -> String::equals;
            case "StringEqualsIgnoreCase" -> String::equalsIgnoreCase;
            case "StringLike" -> (p, v) -> Glob.matches(p, v, false);
            case "ArnEquals" -> String::equals;
            case "ArnLike" -> Glob::arnMatches;
            case "Bool" -> (p, v) -> p.toLowerCase(Locale.ROOT).equals(v.toLowerCase(Locale.ROOT));
            default -> throw new IllegalArgumentException("condition operator " + operator
                    + " is not evaluated by the local cloud (add it to Conditions with a test)");
        };
    }
}
