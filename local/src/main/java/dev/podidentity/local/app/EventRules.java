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
 * event exactly as EventBridge would: the same patterns, the same matcher.
 */
public final class EventRules {
    private final Machine machine = Machine.builder().build();
    private final List<String> ruleIds = new ArrayList<>();

    private EventRules() {
    }

    /** Every {@code AWS::Events::Rule} of the template, with {@code !Ref ConfigBucket} resolved to {@code bucket}. */
    public static EventRules fromTemplate(CfnTemplate template, String bucket) {
        EventRules rules = new EventRules();
        for (Map.Entry<String, JsonNode> rule : template.resourcesOfType("AWS::Events::Rule").entrySet()) {
            JsonNode pattern = resolve(rule.getValue().path("Properties").path("EventPattern").deepCopy(), bucket);
            try {
                rules.machine.addRule(rule.getKey(), ProjectFiles.JSON.writeValueAsString(pattern));
            } catch (IOException e) {
                throw new UncheckedIOException("rule " + rule.getKey() + " has an invalid pattern", e);
            }
            rules.ruleIds.add(rule.getKey());
        }
        return rules;
    }

    public List<String> ruleIds() {
        return List.copyOf(ruleIds);
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
