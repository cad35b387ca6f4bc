package dev.podidentity.autopilot.run.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigLoader;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A console request for one association or addon, written as the eksctl ClusterConfig it stands for, so it goes
 * through the same loader, validator, guardrails and planner as an uploaded file. Field names are eksctl's, so a
 * config entry can be pasted into the console input as it is.
 */
public final class RequestConfigs {
    /** The association fields a console request may carry, as in {@code iam.podIdentityAssociations[]}. */
    static final List<String> ASSOCIATION_FIELDS = List.of("namespace", "serviceAccountName", "createServiceAccount",
            "roleARN", "roleName", "permissionPolicy", "permissionPolicyName", "permissionPolicyARNs",
            "wellKnownPolicies", "permissionsBoundaryARN", "tags", "targetRoleARN", "disableSessionTags", "policy");

    /** The name problems point at when a console request is bad. */
    public static final String CONSOLE_SOURCE = "console-input.json";

    private RequestConfigs() {
    }

    /** The ClusterConfig (as JSON bytes) that a console request for {@code action} on {@code cluster} stands for. */
    public static byte[] fromConsole(Action action, String cluster, JsonNode input) {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("apiVersion", ClusterConfig.API_VERSION);
        config.put("kind", ClusterConfig.KIND);
        config.putObject("metadata").put("name", cluster);
        switch (action) {
            case CREATE, UPDATE, DELETE, GET -> {
                ObjectNode entry = JsonNodeFactory.instance.objectNode();
                for (String field : ASSOCIATION_FIELDS) {
                    if (input.has(field)) {
                        entry.set(field, input.get(field));
                    }
                }
                ArrayNode list = config.putObject("iam").putArray("podIdentityAssociations");
                if (!entry.isEmpty()) {
                    list.add(entry);
                }
            }
            case CREATE_ADDON, UPDATE_ADDON, DELETE_ADDON -> {
                if (input.has("addon")) {
                    config.putArray("addons").add(input.get("addon"));
                }
                if (input.has("addonsConfig")) {
                    config.set("addonsConfig", input.get("addonsConfig"));
                }
            }
            default -> {
                // apply, onboard, migrate and offboard read the cluster (and a config file when one is named)
            }
        }
        return config.toPrettyString().getBytes(StandardCharsets.UTF_8);
    }

    /** A config with nothing declared: what onboarding a cluster without a config applies (the agent only). */
    public static byte[] empty(String cluster) {
        return fromConsole(Action.ONBOARD, cluster, JsonNodeFactory.instance.objectNode());
    }

    static ConfigLoader loader() {
        return ConfigLoader.withDefaults();
    }
}
