package dev.podidentity.local.iam;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One authorization IAM makes for a call: an action, the resource it acts on ({@code "*"} for actions without
 * resource-level permissions) and the condition keys of the request context. Keys are matched case-insensitively,
 * as IAM does; a key absent from the map is absent from the request.
 */
public record RequestContext(String action, String resource, Map<String, List<String>> keys) {

    public RequestContext {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        keys.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        keys = java.util.Collections.unmodifiableMap(copy);
    }

    public static RequestContext of(String action, String resource) {
        return new RequestContext(action, resource, Map.of());
    }

    /** The values of a key, or empty when the request does not carry it. */
    public Optional<List<String>> values(String key) {
        return Optional.ofNullable(keys.get(key));
    }

    /** The service prefix of the action, lower case ({@code iam} for {@code iam:CreateRole}). */
    public String service() {
        return action.substring(0, action.indexOf(':')).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return action + " on " + resource + (keys.isEmpty() ? "" : " " + keys);
    }
}
