package dev.podidentity.autopilot.run.trigger;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.podidentity.autopilot.naming.ClusterNames;

import dev.podidentity.autopilot.naming.BucketLayout;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.lambda.EventBridgeEvents;
import dev.podidentity.autopilot.naming.ExecutionNames;
import dev.podidentity.autopilot.run.TriggerTypes;


/**
 * Turns the events the rules deliver (CloudTrail CreateCluster / DeleteCluster, S3 Object Created in the config
 * bucket) into the state machine's execution input and a deterministic execution name: a redelivered event maps to
 * the same name, so Step Functions refuses to start it twice.
 */
public final class Triggers {
    /** {@code clusters/<cluster>.yaml|yml|json}, nothing nested: the file name is the cluster name. */
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** S3's own limit on a key, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = BucketLayout.MAX_KEY_BYTES;
    /** CloudTrail event ids are UUIDs, S3 version ids and sequencers are shorter; anything longer is not theirs. */
    static final int MAX_TRIGGER_ID_LENGTH = 1024;

    private Triggers() {
    }

    /**
     * The event (bound and its envelope checked by {@link EventBridgeEvents}), checked before any field of its detail
     * is used: a malformed event (no {@code detail} object, fields of the wrong type or size, a key outside
     * {@code clusters/} and {@code defaults/}) is refused with the reason, so it lands in the dead-letter queue instead
     * of starting a run.
     */
    public static Dispatch fromEvent(ScheduledEvent event) {
        String source = event.getSource() == null ? "" : event.getSource();
        String detailType = event.getDetailType() == null ? "" : event.getDetailType();
        boolean cloudTrail = "aws.eks".equals(source) && "AWS API Call via CloudTrail".equals(detailType);
        boolean objectCreated = "aws.s3".equals(source) && "Object Created".equals(detailType);
        if (cloudTrail || objectCreated) {
            Map<String, Object> detail = event.getDetail();
            if (detail == null) {
                throw new InvalidInputException("the " + detailType + " event has no detail object; nothing to do");
            }
            return cloudTrail ? fromCloudTrail(detail) : fromObjectCreated(detail);
        }
        return new Dispatch.Ignore("not an event this application handles: source \"" + source
                + "\", detail-type \"" + detailType + "\"");
    }

    private static Dispatch fromCloudTrail(Map<String, Object> detail) {
        string(detail, "eventName", "detail.");
        string(detail, "eventID", "detail.");
        if (detail.get("errorCode") != null) {
            return new Dispatch.Ignore("the " + text(detail, "eventName") + " call failed ("
                    + text(detail, "errorCode") + "); nothing to do");
        }
        if (text(detail, "eventName") == null) {
            throw new InvalidInputException("the AWS API Call via CloudTrail event has no detail.eventName");
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
        String cluster = firstText(detail, List.of("responseElements", "cluster", "name"),
                List.of("requestParameters", "name"), List.of("requestParameters", "clusterName"));
        if (cluster == null) {
            throw new InvalidInputException("the " + text(detail, "eventName")
                    + " event names no cluster (responseElements.cluster.name, requestParameters.name)");
        }
        if (!ClusterNames.isValid(cluster)) {
            throw new InvalidInputException("the " + text(detail, "eventName") + " event names cluster \""
                    + abbreviate(cluster) + "\", which is not an EKS cluster name (1-100 letters, digits, - and _)");
        }
        String eventId = text(detail, "eventID");
        if (eventId == null) {
            throw new InvalidInputException("the CloudTrail event has no eventID to deduplicate it by");
        }
        checkTriggerId("detail.eventID", eventId);
        ObjectNode input = base(action, cluster, TriggerTypes.CLOUDTRAIL, eventId);
        return new Dispatch.Start(ExecutionNames.forTrigger(cluster, eventId, action.wireName()), input);
    }

    private static Dispatch fromObjectCreated(Map<String, Object> detail) {
        if (!(detail.get("object") instanceof Map<?, ?> found)) {
            throw new InvalidInputException("the Object Created event has no detail.object; nothing to do");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) found;
        String key = string(object, "key", "detail.object.");
        if (key == null || key.isEmpty()) {
            throw new InvalidInputException("the Object Created event has no detail.object.key");
        }
        int keyBytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (keyBytes > MAX_KEY_BYTES) {
            throw new InvalidInputException("detail.object.key is " + keyBytes + " bytes; S3 keys have at most "
                    + MAX_KEY_BYTES + ", so this is not an S3 event");
        }
        if (!key.startsWith(BucketLayout.CLUSTERS) && !key.startsWith(BucketLayout.DEFAULTS)) {
            throw new InvalidInputException("object \"" + abbreviate(key) + "\" is outside clusters/ and defaults/; "
                    + "only cluster configs start runs, and the rule delivers nothing else");
        }
        if (key.startsWith(BucketLayout.DEFAULTS)) {
            return new Dispatch.Ignore("object \"" + key + "\" is the default config: it applies to clusters created "
                    + "later and starts no run itself");
        }
        Optional<String> configured = BucketLayout.clusterOfConfigKey(key);
        if (configured.isEmpty()) {
            return new Dispatch.Ignore("object \"" + key + "\" is not a cluster config: configs are "
                    + "clusters/<cluster>.yaml, .yml or .json, directly under clusters/");
        }
        String cluster = configured.get();
        // The bucket is versioned, so each upload has its own version id; the sequencer orders unversioned ones.
        String version = string(object, "version-id", "detail.object.");
        String triggerId = version != null ? version : string(object, "sequencer", "detail.object.");
        if (triggerId == null) {
            throw new InvalidInputException("the Object Created event for " + key
                    + " has neither a version-id nor a sequencer");
        }
        checkTriggerId(version != null ? "detail.object.version-id" : "detail.object.sequencer", triggerId);
        ObjectNode input = base(Action.APPLY, cluster, TriggerTypes.UPLOAD, triggerId);
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

    /** A field that must be a string when present; null when absent. */
    private static String string(Map<String, Object> node, String field, String prefix) {
        Object v = node.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String text)) {
            throw new InvalidInputException(prefix + field + " must be a string, got " + EventBridgeEvents.kind(v));
        }
        return text;
    }

    private static void checkTriggerId(String field, String id) {
        if (id.isEmpty() || id.length() > MAX_TRIGGER_ID_LENGTH || id.chars().anyMatch(c -> c < 0x21 || c > 0x7E)) {
            throw new InvalidInputException(field + " must be 1-" + MAX_TRIGGER_ID_LENGTH
                    + " printable characters without spaces, got \"" + abbreviate(id) + "\"");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** A scalar field as text (a number too), null when absent or not a scalar. */
    private static String text(Map<String, Object> node, String field) {
        Object v = node.get(field);
        return v == null || v instanceof Map || v instanceof List ? null : String.valueOf(v);
    }

    /** The first of these paths that leads to a non-empty string. */
    @SafeVarargs
    private static String firstText(Map<String, Object> node, List<String>... paths) {
        for (List<String> path : paths) {
            Object v = node;
            for (String field : path) {
                v = v instanceof Map<?, ?> m ? m.get(field) : null;
            }
            if (v instanceof String text && !text.isEmpty()) {
                return text;
            }
        }
        return null;
    }
}
