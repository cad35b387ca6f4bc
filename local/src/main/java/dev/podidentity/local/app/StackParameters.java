package dev.podidentity.local.app;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The functions' environment as CloudFormation would resolve it from template.yaml: the Globals variables and those
 * of the named functions, with parameters at their defaults unless overridden. Only what the template uses for
 * environment variables is evaluated ({@code Ref} to parameters and {@code AWS::AccountId}, {@code Fn::Join} of a
 * list parameter, {@code Fn::If} on a condition built from {@code Fn::Not}/{@code Fn::Equals}, {@code Ref} to a
 * customer managed policy the stack creates, see {@link #managedPolicies()}); a variable whose value needs another
 * deployed resource (a bucket name, a role ARN) is left out for the caller to set.
 */
public final class StackParameters {
    private final CfnTemplate template;
    private final String accountId;
    private final Map<String, String> overrides;

    public StackParameters(CfnTemplate template, String accountId, Map<String, String> overrides) {
        this.template = template;
        this.accountId = accountId;
        for (String name : overrides.keySet()) {
            if (template.parameter(name).isMissingNode()) {
                throw new IllegalArgumentException("template.yaml has no parameter " + name);
            }
        }
        this.overrides = Map.copyOf(overrides);
    }

    /** Variable name to value, Globals first, then each function's own variables. */
    public Map<String, String> environment(List<String> functions) {
        Map<String, String> env = new LinkedHashMap<>();
        addVariables(template.root().path("Globals").path("Function").path("Environment").path("Variables"), env);
        for (String function : functions) {
            addVariables(template.resource(function).path("Properties").path("Environment").path("Variables"), env);
        }
        return env;
    }

    public String parameter(String name) {
        if (overrides.containsKey(name)) {
            return overrides.get(name);
        }
        JsonNode p = template.parameter(name);
        // A CommaDelimitedList's default is one comma-separated string, as a !Join [",", ...] gives it back.
        return p.path("Default").asText("");
    }

    private void addVariables(JsonNode variables, Map<String, String> env) {
        for (Iterator<Map.Entry<String, JsonNode>> it = variables.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> v = it.next();
            value(v.getValue()).ifPresent(value -> env.put(v.getKey(), value));
        }
    }

    private Optional<String> value(JsonNode node) {
        if (node.isValueNode()) {
            return Optional.of(node.asText());
        }
        if (node.has("Ref")) {
            String ref = node.get("Ref").asText();
            if (ref.equals("AWS::AccountId")) {
                return Optional.of(accountId);
            }
            if (template.parameter(ref).isMissingNode()) {
                return Optional.ofNullable(managedPolicies().get(ref)).map(ManagedPolicy::arn);
            }
            return Optional.of(parameter(ref));
        }
        if (node.has("Fn::Join")) {
            JsonNode args = node.get("Fn::Join");
            JsonNode list = args.get(1);
            if (args.get(0).asText().equals(",") && list.has("Ref")) {
                return value(list);
            }
            return Optional.empty();
        }
        if (node.has("Fn::If")) {
            JsonNode args = node.get("Fn::If");
            return value(condition(args.get(0).asText()) ? args.get(1) : args.get(2));
        }
        return Optional.empty();
    }

    /** A customer managed policy the stack creates; locally its name is its logical id. */
    public record ManagedPolicy(String name, String path, String arn, JsonNode document) {
    }

    /** The template's AWS::IAM::ManagedPolicy resources whose condition holds, by logical id. */
    public Map<String, ManagedPolicy> managedPolicies() {
        Map<String, ManagedPolicy> out = new LinkedHashMap<>();
        template.resourcesOfType("AWS::IAM::ManagedPolicy").forEach((id, resource) -> {
            if (resource.has("Condition") && !condition(resource.get("Condition").asText())) {
                return;
            }
            JsonNode properties = resource.path("Properties");
            String path = properties.has("Path") ? value(properties.get("Path")).orElse("/") : "/";
            out.put(id, new ManagedPolicy(id, path, "arn:aws:iam::" + accountId + ":policy" + path + id,
                    properties.path("PolicyDocument")));
        });
        return out;
    }

    public boolean condition(String name) {
        JsonNode c = template.root().path("Conditions").path(name);
        if (c.isMissingNode()) {
            throw new IllegalArgumentException("template.yaml has no condition " + name);
        }
        return truth(c);
    }

    private boolean truth(JsonNode c) {
        if (c.has("Fn::Not")) {
            return !truth(c.get("Fn::Not").get(0));
        }
        if (c.has("Fn::Equals")) {
            JsonNode args = c.get("Fn::Equals");
            return value(args.get(0)).equals(value(args.get(1)));
        }
        if (c.has("Condition")) {
            return condition(c.get("Condition").asText());
        }
        throw new IllegalArgumentException("condition not evaluated locally: " + c);
    }
}
