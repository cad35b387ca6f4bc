package dev.podidentity.autopilot.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One IAM policy statement. Every multi-valued element is a list even where IAM also accepts a single string, so
 * {@code "Action": "s3:GetObject"} and {@code "Action": ["s3:GetObject"]} are equal. An absent element is an empty
 * list (IAM rejects empty arrays, so the two never need to be told apart). Condition operators and keys are kept
 * sorted so that equal statements serialise identically.
 *
 * @param sid          optional statement id, {@code null} when absent
 * @param principal    {@code null} when absent (identity policies have none)
 * @param notPrincipal {@code null} when absent
 * @param conditions   operator (e.g. {@code StringEquals}) → condition key → values
 */
public record Statement(
        String sid,
        Effect effect,
        Principal principal,
        Principal notPrincipal,
        List<String> actions,
        List<String> notActions,
        List<String> resources,
        List<String> notResources,
        Map<String, Map<String, List<String>>> conditions) {

    public Statement {
        if (effect == null) {
            throw new IllegalArgumentException("a statement needs an Effect");
        }
        if (principal != null && notPrincipal != null) {
            throw new IllegalArgumentException("a statement cannot have both Principal and NotPrincipal");
        }
        actions = List.copyOf(actions == null ? List.of() : actions);
        notActions = List.copyOf(notActions == null ? List.of() : notActions);
        resources = List.copyOf(resources == null ? List.of() : resources);
        notResources = List.copyOf(notResources == null ? List.of() : notResources);
        if (actions.isEmpty() == notActions.isEmpty()) {
            throw new IllegalArgumentException("a statement needs exactly one of Action and NotAction");
        }
        if (!resources.isEmpty() && !notResources.isEmpty()) {
            throw new IllegalArgumentException("a statement cannot have both Resource and NotResource");
        }
        conditions = copyConditions(conditions == null ? Map.of() : conditions);
    }

    private static Map<String, Map<String, List<String>>> copyConditions(Map<String, Map<String, List<String>>> in) {
        TreeMap<String, Map<String, List<String>>> out = new TreeMap<>();
        in.forEach((operator, keys) -> {
            TreeMap<String, List<String>> copy = new TreeMap<>();
            keys.forEach((key, values) -> copy.put(key, List.copyOf(values)));
            if (!copy.isEmpty()) {
                out.put(operator, Collections.unmodifiableMap(copy));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    public boolean isAllow() {
        return effect == Effect.ALLOW;
    }

    /** The values of one condition, empty when the operator or key is absent. */
    public List<String> condition(String operator, String key) {
        return conditions.getOrDefault(operator, Map.of()).getOrDefault(key, List.of());
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.sid = sid;
        builder.effect = effect;
        builder.principal = principal;
        builder.notPrincipal = notPrincipal;
        builder.actions.addAll(actions);
        builder.notActions.addAll(notActions);
        builder.resources.addAll(resources);
        builder.notResources.addAll(notResources);
        conditions.forEach((op, keys) -> keys.forEach((key, values) -> builder.condition(op, key, values)));
        return builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An Allow statement on the given actions and resources, the shape of most permission policies. */
    public static Statement allow(List<String> actions, List<String> resources) {
        return builder().allow().actions(actions).resources(resources).build();
    }

    public static final class Builder {
        private String sid;
        private Effect effect = Effect.ALLOW;
        private Principal principal;
        private Principal notPrincipal;
        private final List<String> actions = new ArrayList<>();
        private final List<String> notActions = new ArrayList<>();
        private final List<String> resources = new ArrayList<>();
        private final List<String> notResources = new ArrayList<>();
        private final Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder sid(String sid) {
            this.sid = sid;
            return this;
        }

        public Builder effect(Effect effect) {
            this.effect = effect;
            return this;
        }

        public Builder allow() {
            return effect(Effect.ALLOW);
        }

        public Builder deny() {
            return effect(Effect.DENY);
        }

        public Builder principal(Principal principal) {
            this.principal = principal;
            return this;
        }

        public Builder notPrincipal(Principal notPrincipal) {
            this.notPrincipal = notPrincipal;
            return this;
        }

        public Builder actions(String... actions) {
            return actions(List.of(actions));
        }

        public Builder actions(List<String> actions) {
            this.actions.addAll(actions);
            return this;
        }

        public Builder notActions(List<String> notActions) {
            this.notActions.addAll(notActions);
            return this;
        }

        public Builder resources(String... resources) {
            return resources(List.of(resources));
        }

        public Builder resources(List<String> resources) {
            this.resources.addAll(resources);
            return this;
        }

        public Builder notResources(List<String> notResources) {
            this.notResources.addAll(notResources);
            return this;
        }

        public Builder condition(String operator, String key, String... values) {
            return condition(operator, key, List.of(values));
        }

        public Builder condition(String operator, String key, List<String> values) {
            conditions.computeIfAbsent(operator, op -> new LinkedHashMap<>())
                    .computeIfAbsent(key, k -> new ArrayList<>())
                    .addAll(values);
            return this;
        }

        public Statement build() {
            return new Statement(sid, effect, principal, notPrincipal, actions, notActions, resources, notResources,
                    conditions);
        }
    }
}
