package dev.podidentity.autopilot.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.naming.ExecutionNames;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the events the rules deliver (CloudTrail CreateCluster / DeleteCluster, S3 Object Created in the config
 * bucket) into the state machine's execution input and a deterministic execution name: a redelivered event maps to
 * the same name, so Step Functions refuses to start it twice.
 */
public final class Triggers {
    /** {@code clusters/<cluster>.yaml|yml|json}, nothing nested: the file name is the cluster name. */
    private static final Pattern CONFIG_KEY = Pattern.compile("clusters/([0-9A-Za-z][A-Za-z0-9_-]{0,99})\\.(yaml|yml|json)");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Triggers() {
    }

    public static Dispatch fromEvent(JsonNode event) {
        String source = text(event, "source");
        String detailType = text(event, "detail-type");
        JsonNode detail = event.path("detail");
        if ("aws.eks".equals(source) && "AWS API Call via CloudTrail".equals(detailType)) {
            return fromCloudTrail(detail);
        }
        if ("aws.s3".equals(source) && "Object Created".equals(detailType)) {
            return fromObjectCreated(detail);
        }
        return new Dispatch.Ignore("not an event this application handles: source \"" + source
                + "\", detail-type \"" + detailType + "\"");
    }

    private static Dispatch fromCloudTrail(JsonNode detail) {
        if (detail.hasNonNull("errorCode")) {
            return new Dispatch.Ignore("the " + text(detail, "eventName") + " call failed ("
                    + text(detail, "errorCode") + "); nothing to do");
        }
        Action action = switch (text(detail, "eventName")) {
            case "CreateCluster" -> Action.ONBOARD;
            case "DeleteCluster" -> Action.OFFBOARD;
            default -> null;
        };
        if (action == null) {
            return new Dispatch.Ignore("CloudTrail event " + text(detail, "eventName") + " is not handled");
        }
        // The request field is "name" today; older examples show "clusterName"; the response is the truth.
        String cluster = firstText(detail, "/responseElements/cluster/name", "/requestParameters/name",
                "/requestParameters/clusterName");
        if (cluster == null) {
            throw new InvalidInputException("the " + text(detail, "eventName")
                    + " event names no cluster (responseElements.cluster.name, requestParameters.name)");
        }
        String eventId = text(detail, "eventID");
        if (eventId == null) {
            throw new InvalidInputException("the CloudTrail event has no eventID to deduplicate it by");
        }
        ObjectNode input = base(action, cluster, "cloudtrail", eventId);
        return new Dispatch.Start(ExecutionNames.forTrigger(cluster, eventId, action.wireName()), input);
    }

    private static Dispatch fromObjectCreated(JsonNode detail) {
        String key = detail.path("object").path("key").asText("");
        Matcher m = CONFIG_KEY.matcher(key);
        if (!m.matches()) {
            return new Dispatch.Ignore("object \"" + key + "\" is not a cluster config: configs are "
                    + "clusters/<cluster>.yaml, .yml or .json, directly under clusters/");
        }
        String cluster = m.group(1);
        // The bucket is versioned, so each upload has its own version id; the sequencer orders unversioned ones.
        String version = text(detail.path("object"), "version-id");
        String triggerId = version != null ? version : text(detail.path("object"), "sequencer");
        if (triggerId == null) {
            throw new InvalidInputException("the Object Created event for " + key
                    + " has neither a version-id nor a sequencer");
        }
        ObjectNode input = base(Action.APPLY, cluster, "s3", triggerId);
        input.put("configKey", key);
        if (version != null) {
            input.put("configVersion", version);
        }
        return new Dispatch.Start(ExecutionNames.forTrigger(cluster, triggerId, Action.APPLY.wireName()), input);
    }

    private static ObjectNode base(Action action, String cluster, String triggerType, String triggerId) {
        ObjectNode input = JSON.objectNode();
        input.put("action", action.wireName());
        input.put("cluster", cluster);
        input.put("dryRun", false);
        ObjectNode trigger = input.putObject("trigger");
        trigger.put("type", triggerType);
        trigger.put("id", triggerId);
        return input;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    private static String firstText(JsonNode node, String... pointers) {
        for (String p : pointers) {
            JsonNode v = node.at(p);
            if (v.isTextual() && !v.asText().isEmpty()) {
                return v.asText();
            }
        }
        return null;
    }
}
