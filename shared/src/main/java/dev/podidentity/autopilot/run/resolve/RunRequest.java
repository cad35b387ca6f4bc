package dev.podidentity.autopilot.run.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.run.TriggerTypes;
import dev.podidentity.autopilot.naming.BucketLayout;
import dev.podidentity.autopilot.naming.ClusterNames;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** The execution input, with its fields checked: an unknown field is an error, not silently dropped. */
public record RunRequest(Action action, String cluster, boolean dryRun, boolean approve,
                         boolean removeOidcProviderTrustRelationship, boolean preserve, String configKey,
                         String configVersion, String triggerType, JsonNode raw) {
    /** Whether an upload of the config started this run (not an operator naming a version on purpose). */
    public boolean startedByUpload() {
        return TriggerTypes.UPLOAD.equals(triggerType);
    }

    /** Fields of the execution input besides the eksctl association fields of console requests. */
    static final Set<String> INPUT_FIELDS = Set.of("action", "cluster", "dryRun", "approve",
            "removeOidcProviderTrustRelationship", "preserve", "trigger", "configKey", "configVersion", "addon",
            "addonsConfig");

    public static RunRequest from(JsonNode input) {
        if (input == null || !input.isObject()) {
            throw new InvalidInputException("the execution input must be a JSON object with at least "
                    + "\"action\" and \"cluster\"");
        }
        List<String> problems = new ArrayList<>();
        String actionName = text(input, "action");
        Action action = actionName == null ? null : Action.fromWireName(actionName).orElse(null);
        if (actionName == null) {
            problems.add("action: must be set (apply, onboard, create, get, update, delete, create-addon, "
                    + "update-addon, delete-addon, migrate-to-pod-identity)");
        } else if (action == null) {
            problems.add("action: unknown action \"" + actionName + "\"");
        }
        String cluster = text(input, "cluster");
        if (cluster == null || cluster.isEmpty()) {
            problems.add("cluster: must be set");
        }
        checkTypes(input, problems);
        if (problems.isEmpty() && !ClusterNames.isValid(cluster)) {
            problems.add("cluster: \"" + cluster + "\" is not an EKS cluster name (1-100 letters, digits, - and _,"
                    + " a letter or digit first)");
        }
        String key = text(input, "configKey");
        if (key != null && input.get("configKey").isTextual() && !configKeyAllowed(key)) {
            problems.add("configKey: \"" + key + "\" is not a config in the bucket: configs are clusters/<cluster>"
                    + ".yaml (.yml, .json) or under defaults/, at most 1024 bytes, without \"..\"");
        }
        for (Iterator<String> it = input.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!INPUT_FIELDS.contains(field) && !RequestConfigs.ASSOCIATION_FIELDS.contains(field)) {
                problems.add(field + ": unknown field in the execution input");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException("the execution input is not valid; nothing was changed", problems);
        }
        return new RunRequest(action, cluster, input.path("dryRun").asBoolean(false),
                input.path("approve").asBoolean(false),
                input.path("removeOidcProviderTrustRelationship").asBoolean(false),
                input.path("preserve").asBoolean(false), // delete-addon's "preserve": true (eksctl's --preserve)
                text(input, "configKey"), text(input, "configVersion"), text(input.path("trigger"), "type"), input);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The run's own fields have one JSON type each; "dryRun": "false" is a mistake, not false. */
    private static void checkTypes(JsonNode input, List<String> problems) {
        for (String field : List.of("action", "cluster", "configKey", "configVersion")) {
            JsonNode v = input.get(field);
            if (v != null && !v.isNull() && !v.isTextual()) {
                problems.add(field + ": must be a string, got " + typeOf(v));
            }
        }
        for (String field : List.of("dryRun", "approve", "removeOidcProviderTrustRelationship", "preserve")) {
            JsonNode v = input.get(field);
            if (v != null && !v.isNull() && !v.isBoolean()) {
                problems.add(field + ": must be true or false, got " + typeOf(v) + " " + v);
            }
        }
    }

    private static String typeOf(JsonNode v) {
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** Resolve may read clusters/ and defaults/ only (its IAM policy says the same). */
    static boolean configKeyAllowed(String key) {
        return BucketLayout.isConfigKey(key);
    }
}
