package dev.podidentity.local.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.event.ruler.Machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The EventBridge rules of template.yaml, matched by AWS's own engine (event-ruler), so a local run routes an
 * event exactly as EventBridge would: the same patterns, the same matcher. A rule whose {@code State} is not ENABLED
 * (for the given stack parameters) matches nothing. A schedule rule has no pattern: EventBridge sends its Scheduled
 * Events, which name the rule in {@code resources}, to its targets only; here it matches exactly those events.
 */
public final class EventRules {
    private final Machine machine = Machine.builder().build();
    private final List<String> ruleIds = new ArrayList<>();
    private final List<String> disabled = new ArrayList<>();

    private EventRules() {
    }

    /** Every {@code AWS::Events::Rule} of the template, with {@code !Ref ConfigBucket} resolved to {@code bucket}. */
    public static EventRules fromTemplate(CfnTemplate template, String bucket) {
        return fromTemplate(template, bucket, Map.of());
    }

    /** The rules as a stack with these parameter values (the others at their defaults) has them. */
    public static EventRules fromTemplate(CfnTemplate template, String bucket, Map<String, String> parameters) {
        EventRules rules = new EventRules();
        for (Map.Entry<String, JsonNode> rule : template.resourcesOfType("AWS::Events::Rule").entrySet()) {
            JsonNode properties = rule.getValue().path("Properties");
            JsonNode created = rule.getValue().path("Condition");
            if (created.isTextual() && !condition(template,
                    template.root().path("Conditions").path(created.asText()), parameters)) {
                continue; // not in a stack with these parameters (e.g. the notification rule without a target)
            }
            if (!"ENABLED".equals(state(template, properties.path("State"), parameters))) {
                rules.disabled.add(rule.getKey());
                continue;
            }
            JsonNode pattern = properties.has("ScheduleExpression") ? scheduled(rule.getKey())
                    : resolve(properties.path("EventPattern").deepCopy(), bucket);
            try {
                rules.machine.addRule(rule.getKey(), ProjectFiles.JSON.writeValueAsString(pattern));
            } catch (IOException e) {
                throw new UncheckedIOException("rule " + rule.getKey() + " has an invalid pattern", e);
            }
            rules.ruleIds.add(rule.getKey());
        }
        return rules;
    }

    /** The enabled rules. */
    public List<String> ruleIds() {
        return List.copyOf(ruleIds);
    }

    /** The rules that are there but DISABLED, so they match nothing. */
    public List<String> disabledRuleIds() {
        return List.copyOf(disabled);
    }

    /**
     * A Scheduled Event of this rule: CloudFormation names a rule {@code <stack>-<logical id>-<suffix>}, and the
     * event's {@code resources} holds the rule's ARN.
     */
    private static JsonNode scheduled(String logicalId) {
        ObjectNode pattern = ProjectFiles.JSON.createObjectNode();
        pattern.putArray("source").add("aws.events");
        pattern.putArray("detail-type").add("Scheduled Event");
        pattern.putArray("resources").addObject().put("wildcard", "arn:aws*:events:*:*:rule/*-" + logicalId + "-*");
        return pattern;
    }

    /** A rule's State: a literal, or {@code !If [Condition, A, B]} over the template's Conditions. */
    private static String state(CfnTemplate template, JsonNode state, Map<String, String> parameters) {
        if (state.isMissingNode()) {
            return "ENABLED"; // CloudFormation's default
        }
        JsonNode branches = state.path("Fn::If");
        if (branches.isArray()) {
            boolean holds = condition(template, template.root().path("Conditions").path(branches.get(0).asText()), parameters);
            return branches.get(holds ? 1 : 2).asText();
        }
        return state.asText();
    }

    private static boolean condition(CfnTemplate template, JsonNode c, Map<String, String> parameters) {
        if (c.has("Fn::Equals")) {
            return value(template, c.get("Fn::Equals").get(0), parameters)
                    .equals(value(template, c.get("Fn::Equals").get(1), parameters));
        }
        if (c.has("Fn::Not")) {
            return !condition(template, c.get("Fn::Not").get(0), parameters);
        }
        if (c.has("Fn::Or") || c.has("Fn::And")) {
            boolean or = c.has("Fn::Or");
            for (JsonNode part : c.get(or ? "Fn::Or" : "Fn::And")) {
                if (condition(template, part, parameters) == or) {
                    return or;
                }
            }
            return !or;
        }
        if (c.has("Condition")) {
            return condition(template, template.root().path("Conditions").path(c.get("Condition").asText()), parameters);
        }
        throw new IllegalStateException("condition not understood locally: " + c);
    }

    private static String value(CfnTemplate template, JsonNode v, Map<String, String> parameters) {
        if (v.has("Ref")) {
            String name = v.get("Ref").asText();
            return parameters.getOrDefault(name, template.parameter(name).path("Default").asText());
        }
        return v.asText();
    }

    /** The ids of the rules that match the event, in no particular order. */
    public List<String> matches(JsonNode event) {
        try {
            return machine.rulesForJSONEvent(ProjectFiles.JSON.writeValueAsString(event));
        } catch (Exception e) {
            throw new IllegalArgumentException("not an event: " + e.getMessage(), e);
        }
    }

    private static JsonNode resolve(JsonNode node, String bucket) {
        if (node instanceof ObjectNode object) {
            if (object.has("Ref")) {
                if (!"ConfigBucket".equals(object.path("Ref").asText())) {
                    throw new IllegalStateException("an event pattern may only reference ConfigBucket, not "
                            + object.path("Ref").asText());
                }
                return ProjectFiles.JSON.getNodeFactory().textNode(bucket);
            }
            List<String> fields = new ArrayList<>();
            object.fieldNames().forEachRemaining(fields::add);
            for (String field : fields) {
                if (field.startsWith("Fn::")) {
                    throw new IllegalStateException("intrinsic " + field + " in an event pattern");
                }
                object.set(field, resolve(object.get(field), bucket));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, resolve(array.get(i), bucket));
            }
        }
        return node;
    }
}
