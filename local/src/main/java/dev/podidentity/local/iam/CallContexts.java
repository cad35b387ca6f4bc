package dev.podidentity.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What IAM authorizes for one API call: the action named after the operation, on the resource ARN built from the
 * request (and, for actions without resource-level permissions, on {@code "*"}), with the request's condition keys
 * (tags in the request, tags of the resource, the permissions boundary and policy ARN of IAM role calls, the prefix of
 * an S3 listing); plus the dependent actions the call needs, such as {@code iam:PassRole} for each role an EKS call
 * hands to pod identity, and {@code eks:TagResource} when a create carries tags.
 */
public final class CallContexts {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The service principal EKS Pod Identity assumes roles as; what iam:PassedToService is for pod identity roles. */
    public static final String POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com";

    /** What the authorizer needs to know about existing resources (read without side effects). */
    public interface Lookups {
        /** The role's ARN (with its path), tags and permissions boundary, or empty when it does not exist. */
        Optional<RoleView> role(String roleName);

        Optional<ResourceView> addon(String region, String cluster, String addon);

        Optional<ResourceView> association(String region, String cluster, String associationId);
    }

    public record RoleView(String arn, Map<String, String> tags, String permissionsBoundary) {
    }

    /** An EKS resource: ARN, tags and (for an add-on) the ARNs of the pod identity associations it owns. */
    public record ResourceView(String arn, Map<String, String> tags, List<String> associationArns) {
    }

    private final String accountId;
    private final String partition;
    private final Lookups lookups;

    public CallContexts(String accountId, String partition, Lookups lookups) {
        this.accountId = accountId;
        this.partition = partition;
        this.lookups = lookups;
    }

    /** The authorizations one call needs; empty for calls that need none (sts:GetCallerIdentity). */
    public List<RequestContext> of(HttpCall call) {
        return switch (call.service()) {
            case "iam" -> iam(call);
            case "sts" -> call.operation().equals("GetCallerIdentity") ? List.of() : generic(call);
            case "s3" -> s3(call);
            case "eks" -> eks(call);
            case "dynamodb" -> dynamoDb(call);
            case "states" -> stepFunctions(call);
            case "events" -> events(call);
            case "sqs" -> sqs(call);
            case "lambda" -> lambda(call);
            default -> generic(call);
        };
    }

    private static List<RequestContext> generic(HttpCall call) {
        return List.of(RequestContext.of(call.service() + ":" + call.operation(), "*"));
    }

    // ------------------------------------------------------------------ IAM

    private List<RequestContext> iam(HttpCall call) {
        Map<String, String> p = call.form();
        String op = call.operation();
        String action = "iam:" + op;
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String roleName = p.get("RoleName");
        if (roleName != null) {
            String arn;
            if (op.equals("CreateRole")) {
                arn = roleArn(p.getOrDefault("Path", "/"), roleName);
                requestTags(keys, memberTags(p, "Tags"));
                put(keys, "iam:PermissionsBoundary", p.get("PermissionsBoundary"));
            } else {
                Optional<RoleView> role = lookups.role(roleName);
                arn = role.map(RoleView::arn).orElse(roleArn("/", roleName));
                role.ifPresent(r -> {
                    r.tags().forEach((k, v) -> {
                        put(keys, "aws:ResourceTag/" + k, v);
                        put(keys, "iam:ResourceTag/" + k, v);
                    });
                    put(keys, "iam:PermissionsBoundary", r.permissionsBoundary());
                });
                switch (op) {
                    case "TagRole" -> requestTags(keys, memberTags(p, "Tags"));
                    case "UntagRole" -> keys.put("aws:TagKeys", members(p, "TagKeys"));
                    case "AttachRolePolicy", "DetachRolePolicy" -> put(keys, "iam:PolicyARN", p.get("PolicyArn"));
                    // the boundary being set is what the condition judges, not the one the role has
                    case "PutRolePermissionsBoundary" -> keys.put("iam:PermissionsBoundary", List.of(p.get("PermissionsBoundary")));
                    default -> {
                    }
                }
            }
            return List.of(new RequestContext(action, arn, keys));
        }
        if (p.containsKey("OpenIDConnectProviderArn")) {
            return List.of(RequestContext.of(action, p.get("OpenIDConnectProviderArn")));
        }
        if (p.containsKey("PolicyArn")) {
            return List.of(RequestContext.of(action, p.get("PolicyArn")));
        }
        return List.of(RequestContext.of(action, "*"));
    }

    private String roleArn(String path, String name) {
        return "arn:" + partition + ":iam::" + accountId + ":role" + path + name;
    }

    private static Map<String, String> memberTags(Map<String, String> p, String list) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 1; p.containsKey(list + ".member." + i + ".Key"); i++) {
            tags.put(p.get(list + ".member." + i + ".Key"), p.getOrDefault(list + ".member." + i + ".Value", ""));
        }
        return tags;
    }

    private static List<String> members(Map<String, String> p, String list) {
        List<String> out = new ArrayList<>();
        for (int i = 1; p.containsKey(list + ".member." + i); i++) {
            out.add(p.get(list + ".member." + i));
        }
        return out;
    }

    private static void requestTags(Map<String, List<String>> keys, Map<String, String> tags) {
        if (tags.isEmpty()) {
            return;
        }
        tags.forEach((k, v) -> put(keys, "aws:RequestTag/" + k, v));
        keys.put("aws:TagKeys", List.copyOf(tags.keySet()));
    }

    private static void put(Map<String, List<String>> keys, String key, String value) {
        if (value != null && !value.isEmpty()) {
            keys.put(key, List.of(value));
        }
    }

    // ------------------------------------------------------------------ S3

    private List<RequestContext> s3(HttpCall call) {
        List<String> s = call.segments();
        String bucketArn = "arn:" + partition + ":s3:::" + (s.isEmpty() ? "" : s.get(0));
        String key = s.size() > 1 ? String.join("/", s.subList(1, s.size())) : null;
        Map<String, String> q = call.query();
        String op = call.operation();
        return switch (op) {
            case "GetObject", "HeadObject" -> List.of(RequestContext.of(
                    q.containsKey("versionId") ? "s3:GetObjectVersion" : "s3:GetObject", bucketArn + "/" + key));
            case "PutObject" -> List.of(RequestContext.of("s3:PutObject", bucketArn + "/" + key));
            case "DeleteObject" -> List.of(RequestContext.of(
                    q.containsKey("versionId") ? "s3:DeleteObjectVersion" : "s3:DeleteObject", bucketArn + "/" + key));
            case "ListObjects", "ListObjectsV2", "HeadBucket" -> List.of(listBucket("s3:ListBucket", bucketArn, q.get("prefix")));
            case "ListObjectVersions" -> List.of(listBucket("s3:ListBucketVersions", bucketArn, q.get("prefix")));
            default -> List.of(RequestContext.of("s3:" + op, bucketArn));
        };
    }

    /** The s3:ListBucket authorization S3 makes for a listing with that prefix (none: the key is absent). */
    public RequestContext listBucket(String action, String bucketArn, String prefix) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        if (prefix != null) {
            keys.put("s3:prefix", List.of(prefix));
        }
        return new RequestContext(action, bucketArn, keys);
    }

    // ------------------------------------------------------------------ EKS

    private List<RequestContext> eks(HttpCall call) {
        List<String> s = call.segments();
        String op = call.operation();
        String action = "eks:" + op;
        String prefix = "arn:" + partition + ":eks:" + call.region() + ":" + accountId + ":";
        JsonNode body = json(call.body());
        if (s.size() >= 2 && s.get(0).equals("tags")) {
            String arn = s.get(1);
            Map<String, List<String>> keys = new LinkedHashMap<>();
            if (op.equals("TagResource")) {
                requestTags(keys, tagMap(body.path("tags")));
            } else if (op.equals("UntagResource")) {
                keys.put("aws:TagKeys", call.queryAll("tagKeys"));
            }
            return List.of(new RequestContext(action, arn, keys));
        }
        if (s.isEmpty() || !s.get(0).equals("clusters") || s.size() == 1) {
            return List.of(RequestContext.of(action, "*"));
        }
        String cluster = s.get(1);
        String clusterArn = prefix + "cluster/" + cluster;
        List<RequestContext> out = new ArrayList<>();
        switch (op) {
            case "CreateAddon" -> {
                Map<String, List<String>> keys = new LinkedHashMap<>();
                Map<String, String> tags = tagMap(body.path("tags"));
                requestTags(keys, tags);
                out.add(new RequestContext(action, clusterArn, keys));
                String addonArn = prefix + "addon/" + cluster + "/" + body.path("addonName").asText() + "/" + NEW;
                addonAssociations(out, action, prefix, cluster, List.of(), body);
                if (!tags.isEmpty()) {
                    out.add(new RequestContext("eks:TagResource", addonArn, keys));
                }
            }
            case "UpdateAddon", "DeleteAddon", "DescribeAddon" -> {
                String addonName = s.get(3);
                Optional<ResourceView> addon = lookups.addon(call.region(), cluster, addonName);
                String addonArn = addon.map(ResourceView::arn).orElse(prefix + "addon/" + cluster + "/" + addonName + "/" + NEW);
                out.add(new RequestContext(action, addonArn, resourceTags(addon)));
                List<String> owned = addon.map(ResourceView::associationArns).orElse(List.of());
                if (op.equals("UpdateAddon") && body.has("podIdentityAssociations")) {
                    addonAssociations(out, action, prefix, cluster, owned, body);
                } else if (op.equals("DeleteAddon") && !"true".equals(call.query().get("preserve"))) {
                    owned.forEach(a -> out.add(RequestContext.of(action, a)));
                }
                if (op.equals("UpdateAddon")) {
                    passRole(out, body.path("serviceAccountRoleArn").asText(null), "eks.amazonaws.com");
                }
            }
            case "CreatePodIdentityAssociation" -> {
                Map<String, List<String>> keys = new LinkedHashMap<>();
                Map<String, String> tags = tagMap(body.path("tags"));
                requestTags(keys, tags);
                out.add(new RequestContext(action, clusterArn, keys));
                passRole(out, body.path("roleArn").asText(null), POD_IDENTITY_SERVICE);
                if (!tags.isEmpty()) {
                    out.add(new RequestContext("eks:TagResource", prefix + "podidentityassociation/" + cluster + "/" + NEW, keys));
                }
            }
            case "DescribePodIdentityAssociation", "UpdatePodIdentityAssociation", "DeletePodIdentityAssociation" -> {
                String id = s.get(3);
                Optional<ResourceView> association = lookups.association(call.region(), cluster, id);
                String arn = association.map(ResourceView::arn).orElse(prefix + "podidentityassociation/" + cluster + "/" + id);
                out.add(new RequestContext(action, arn, resourceTags(association)));
                if (op.equals("UpdatePodIdentityAssociation")) {
                    passRole(out, body.path("roleArn").asText(null), POD_IDENTITY_SERVICE);
                }
            }
            case "DescribeAccessEntry", "DeleteAccessEntry", "AssociateAccessPolicy", "ListAssociatedAccessPolicies" -> {
                String principal = s.get(3);
                String name = principal.substring(principal.lastIndexOf('/') + 1);
                out.add(RequestContext.of(action, prefix + "access-entry/" + cluster + "/role/" + accountId + "/" + name + "/" + NEW));
            }
            default -> out.add(RequestContext.of(action, clusterArn));
        }
        return out;
    }

    /** The id an association or add-on that a create call brings into being is authorized under. */
    static final String NEW = "00000000-0000-0000-0000-000000000000";

    /**
     * An add-on call that sets pod identity associations acts on them too (the Service Authorization Reference lists
     * podidentityassociation as a resource of CreateAddon and UpdateAddon): the ones it replaces and the ones it
     * creates, and passes each role to pod identity.
     */
    private void addonAssociations(List<RequestContext> out, String action, String prefix, String cluster,
                                   List<String> owned, JsonNode body) {
        JsonNode wanted = body.path("podIdentityAssociations");
        owned.forEach(a -> out.add(RequestContext.of(action, a)));
        if (wanted.isArray() && !wanted.isEmpty()) {
            out.add(RequestContext.of(action, prefix + "podidentityassociation/" + cluster + "/" + NEW));
            wanted.forEach(a -> passRole(out, a.path("roleArn").asText(null), POD_IDENTITY_SERVICE));
        }
        if (action.equals("eks:CreateAddon")) {
            passRole(out, body.path("serviceAccountRoleArn").asText(null), "eks.amazonaws.com");
        }
    }

    /**
     * iam:PassRole is authorized on the role passed, so aws:ResourceTag/* are that role's tags (as for any other
     * action on an existing role); iam:PassedToService names the service it is passed to.
     */
    private void passRole(List<RequestContext> out, String roleArn, String service) {
        if (roleArn != null && !roleArn.isEmpty()) {
            Map<String, List<String>> keys = new LinkedHashMap<>();
            keys.put("iam:PassedToService", List.of(service));
            int slash = roleArn.lastIndexOf('/');
            if (roleArn.contains(":role/") && slash >= 0) {
                lookups.role(roleArn.substring(slash + 1)).ifPresent(r -> r.tags().forEach((k, v) -> {
                    put(keys, "aws:ResourceTag/" + k, v);
                    put(keys, "iam:ResourceTag/" + k, v);
                }));
            }
            out.add(new RequestContext("iam:PassRole", roleArn, keys));
        }
    }

    private static Map<String, List<String>> resourceTags(Optional<ResourceView> resource) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        resource.ifPresent(r -> r.tags().forEach((k, v) -> put(keys, "aws:ResourceTag/" + k, v)));
        return keys;
    }

    private static Map<String, String> tagMap(JsonNode tags) {
        Map<String, String> out = new LinkedHashMap<>();
        tags.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    // ------------------------------------------------------------------ JSON protocols

    private List<RequestContext> dynamoDb(HttpCall call) {
        String table = json(call.body()).path("TableName").asText("");
        String arn = table.startsWith("arn:") ? table
                : "arn:" + partition + ":dynamodb:" + call.region() + ":" + accountId + ":table/" + table;
        return List.of(RequestContext.of("dynamodb:" + call.operation(), arn));
    }

    private List<RequestContext> stepFunctions(HttpCall call) {
        JsonNode body = json(call.body());
        String arn = body.path("executionArn").asText(body.path("stateMachineArn").asText("*"));
        return List.of(RequestContext.of("states:" + call.operation(), arn));
    }

    private List<RequestContext> events(HttpCall call) {
        JsonNode body = json(call.body());
        if (!call.operation().equals("PutEvents")) {
            return generic(call);
        }
        List<RequestContext> out = new ArrayList<>();
        for (JsonNode entry : body.path("Entries")) {
            String bus = entry.path("EventBusName").asText("default");
            String arn = bus.startsWith("arn:") ? bus
                    : "arn:" + partition + ":events:" + call.region() + ":" + accountId + ":event-bus/" + bus;
            Map<String, List<String>> keys = new LinkedHashMap<>();
            put(keys, "events:source", entry.path("Source").asText(null));
            put(keys, "events:detail-type", entry.path("DetailType").asText(null));
            out.add(new RequestContext("events:PutEvents", arn, keys));
        }
        return out;
    }

    private List<RequestContext> sqs(HttpCall call) {
        String url = call.form().getOrDefault("QueueUrl", json(call.body()).path("QueueUrl").asText(""));
        String name = url.substring(url.lastIndexOf('/') + 1);
        return List.of(RequestContext.of("sqs:" + call.operation(),
                "arn:" + partition + ":sqs:" + call.region() + ":" + accountId + ":" + name));
    }

    private List<RequestContext> lambda(HttpCall call) {
        List<String> s = call.segments();
        String ref = s.size() > 2 ? s.get(2) : "";
        String name = ref.contains(":function:") ? ref.substring(ref.indexOf(":function:") + ":function:".length()) : ref;
        return List.of(RequestContext.of("lambda:InvokeFunction",
                "arn:" + partition + ":lambda:" + call.region() + ":" + accountId + ":function:" + name));
    }

    private static JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
