package dev.podidentity.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One statement of an identity-based policy, already resolved (no intrinsic functions left). {@code actions} or
 * {@code notActions} and {@code resources} or {@code notResources} are set, never both of a pair. {@code conditions}
 * maps an operator (with its ForAllValues:/ForAnyValue: prefix and IfExists suffix) to keys and their values.
 * {@code origin} names where it comes from (role, policy name, Sid or index) for messages and reports.
 */
public record Statement(String origin, String sid, boolean allow, List<String> actions, List<String> notActions,
                        List<String> resources, List<String> notResources,
                        Map<String, Map<String, List<String>>> conditions) {

    /** Reads a statement of a policy document; {@code origin} says which document and statement. */
    public static Statement parse(String origin, JsonNode node) {
        String effect = node.path("Effect").asText("");
        if (!effect.equals("Allow") && !effect.equals("Deny")) {
            throw new IllegalArgumentException(origin + ": Effect must be Allow or Deny, not \"" + effect + "\"");
        }
        if (node.has("Principal") || node.has("NotPrincipal")) {
            throw new IllegalArgumentException(origin + ": an identity-based policy has no Principal");
        }
        List<String> actions = strings(node.path("Action"));
        List<String> notActions = strings(node.path("NotAction"));
        if (actions.isEmpty() == notActions.isEmpty()) {
            throw new IllegalArgumentException(origin + ": exactly one of Action and NotAction must be set");
        }
        List<String> resources = strings(node.path("Resource"));
        List<String> notResources = strings(node.path("NotResource"));
        if (resources.isEmpty() == notResources.isEmpty()) {
            throw new IllegalArgumentException(origin + ": exactly one of Resource and NotResource must be set");
        }
        Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
        node.path("Condition").properties().forEach(op -> {
            Map<String, List<String>> keys = new LinkedHashMap<>();
            op.getValue().properties().forEach(key -> keys.put(key.getKey(), strings(key.getValue())));
            conditions.put(op.getKey(), keys);
        });
        String sid = node.path("Sid").asText(null);
        return new Statement(origin, sid, effect.equals("Allow"), actions, notActions, resources, notResources,
                conditions);
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> out.add(v.asText()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node.asText());
        }
        return out;
    }

    /** Whether the statement applies to the request: action, resource and every condition match. */
    public boolean applies(RequestContext request) {
        return actionMatches(request.action()) && resourceMatches(request.resource())
                && Conditions.all(conditions, request);
    }

    boolean actionMatches(String action) {
        if (!actions.isEmpty()) {
            return actions.stream().anyMatch(p -> Glob.matches(p, action, true));
        }
        return notActions.stream().noneMatch(p -> Glob.matches(p, action, true));
    }

    boolean resourceMatches(String resource) {
        if (!resources.isEmpty()) {
            return resources.stream().anyMatch(p -> Glob.matches(p, resource, false));
        }
        return notResources.stream().noneMatch(p -> Glob.matches(p, resource, false));
    }

    /** How reports name it: the Sid when there is one, else where it comes from. */
    public String name() {
        return sid != null ? sid : origin;
    }
}
