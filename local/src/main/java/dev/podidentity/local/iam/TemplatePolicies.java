package dev.podidentity.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each function's identity-based policies as CloudFormation would create them from the SAM-translated template: the
 * role SAM makes for the function (inline {@code Policies}, including those SAM adds for policy templates, connectors
 * and event-invoke destinations, the AWS managed policies it attaches, and the stack's own
 * {@code AWS::IAM::ManagedPolicy} resources a function's {@code Policies} names by {@code !Ref}), with {@code Ref}, {@code Fn::GetAtt},
 * {@code Fn::Sub}, {@code Fn::Join} and {@code Fn::If} resolved for one deployment: its parameters (defaults unless
 * overridden), account, region, stack name and the physical ids of its resources.
 */
public final class TemplatePolicies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!][^}]*)}");
    private static final JsonNode NO_VALUE = JsonNodeFactory.instance.textNode("\u0000AWS::NoValue");

    /** Where a deployment stands: names CloudFormation would pick and pseudo parameters. */
    public record Deployment(String accountId, String region, String stackName, Map<String, String> parameters,
                             Function<String, Optional<String>> physical) {
        public String partition() {
            return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
        }
    }

    private final JsonNode template;
    private final Deployment deployment;
    private final Map<String, List<Statement>> byFunction = new LinkedHashMap<>();
    private final Map<String, String> roleOfFunction = new LinkedHashMap<>();

    public TemplatePolicies(JsonNode translatedTemplate, Deployment deployment) {
        this.template = translatedTemplate;
        this.deployment = deployment;
        for (String name : deployment.parameters().keySet()) {
            if (template.path("Parameters").path(name).isMissingNode()) {
                throw new IllegalArgumentException("template.yaml has no parameter " + name);
            }
        }
        JsonNode managed = managedPolicies();
        template.path("Resources").properties().forEach(r -> {
            if (!r.getValue().path("Type").asText().equals("AWS::Lambda::Function")) {
                return;
            }
            JsonNode role = r.getValue().path("Properties").path("Role");
            String roleId = role.path("Fn::GetAtt").path(0).asText(null);
            if (roleId == null) {
                throw new IllegalStateException(r.getKey() + ": its Role is not a role of the template: " + role);
            }
            roleOfFunction.put(r.getKey(), roleId);
            byFunction.put(r.getKey(), statementsOfRole(roleId, managed));
        });
    }

    /** The logical ids of the template's functions. */
    public List<String> functions() {
        return List.copyOf(byFunction.keySet());
    }

    /** Every statement of the function's role (inline and managed), resolved; empty for an unknown function. */
    public List<Statement> statements(String function) {
        return byFunction.getOrDefault(function, List.of());
    }

    /** The document of the stack's managed policy {@code logicalId} (an {@code AWS::IAM::ManagedPolicy}), resolved. */
    public JsonNode managedPolicyDocument(String logicalId) {
        if (!isStackManagedPolicy(logicalId)) {
            throw new IllegalArgumentException("template.yaml has no AWS::IAM::ManagedPolicy " + logicalId);
        }
        return resolve(template.path("Resources").path(logicalId).path("Properties").path("PolicyDocument"));
    }

    /** The logical id of the function's role. */
    public String roleOf(String function) {
        return roleOfFunction.get(function);
    }

    private List<Statement> statementsOfRole(String roleId, JsonNode managed) {
        JsonNode props = template.path("Resources").path(roleId).path("Properties");
        List<Statement> out = new ArrayList<>();
        for (JsonNode policy : props.path("Policies")) {
            String name = policy.path("PolicyName").asText();
            JsonNode document = resolve(policy.path("PolicyDocument"));
            addStatements(out, roleId + "/" + name, document);
        }
        for (JsonNode arnNode : props.path("ManagedPolicyArns")) {
            String stackPolicy = arnNode.path("Ref").asText("");
            if (isStackManagedPolicy(stackPolicy)) {
                // a customer managed policy of the stack (a statement group several functions share), by !Ref
                addStatements(out, roleId + "/" + stackPolicy, stackManagedPolicy(roleId, stackPolicy));
                continue;
            }
            JsonNode resolved = resolve(arnNode);
            String arn = resolved.asText();
            JsonNode document = managed.path(arn);
            if (document.isMissingNode()) {
                throw new IllegalStateException(roleId + " attaches " + arn + ", whose document is not in "
                        + "iam/managed-policies.json (add it from the AWS managed policy reference)");
            }
            addStatements(out, roleId + "/" + arn.substring(arn.lastIndexOf('/') + 1), document);
        }
        return List.copyOf(out);
    }

    private boolean isStackManagedPolicy(String logicalId) {
        return template.path("Resources").path(logicalId).path("Type").asText().equals("AWS::IAM::ManagedPolicy");
    }

    /** The document of the stack's managed policy {@code logicalId}, resolved; refused when its condition is false. */
    private JsonNode stackManagedPolicy(String roleId, String logicalId) {
        JsonNode resource = template.path("Resources").path(logicalId);
        String condition = resource.path("Condition").asText(null);
        if (condition != null && !condition(condition)) {
            throw new IllegalStateException(roleId + " attaches " + logicalId + ", which this deployment does not create "
                    + "(its condition " + condition + " is false)");
        }
        return resolve(resource.path("Properties").path("PolicyDocument"));
    }

    private static void addStatements(List<Statement> out, String origin, JsonNode document) {
        JsonNode statements = document.path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements.isArray()) {
            statements.forEach(list::add);
        } else if (statements.isObject()) {
            list.add(statements);
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            out.add(Statement.parse(origin + "/" + s.path("Sid").asText("#" + i), s));
        }
    }

    private static JsonNode managedPolicies() {
        try (InputStream in = TemplatePolicies.class.getResourceAsStream("/iam/managed-policies.json")) {
            return JSON.readTree(in).path("policies");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ intrinsic functions

    JsonNode resolve(JsonNode node) {
        JsonNode out = resolveOrNoValue(node);
        return out == NO_VALUE ? JsonNodeFactory.instance.missingNode() : out;
    }

    private JsonNode resolveOrNoValue(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode item : node) {
                JsonNode r = resolveOrNoValue(item);
                if (r == NO_VALUE) {
                    continue;
                }
                if (r.isArray() && isListProducing(item)) {
                    out.addAll((ArrayNode) r);
                } else {
                    out.add(r);
                }
            }
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1) {
            String fn = node.fieldNames().next();
            JsonNode arg = node.get(fn);
            switch (fn) {
                case "Ref" -> {
                    return ref(arg.asText());
                }
                case "Fn::GetAtt" -> {
                    List<String> parts = arg.isArray() ? List.of(arg.get(0).asText(), arg.get(1).asText())
                            : List.of(arg.asText().split("\\.", 2));
                    return text(attribute(parts.get(0), parts.get(1)));
                }
                case "Fn::Sub" -> {
                    return text(sub(arg));
                }
                case "Fn::Join" -> {
                    JsonNode items = resolveOrNoValue(arg.get(1));
                    List<String> parts = new ArrayList<>();
                    items.forEach(i -> parts.add(i.asText()));
                    return text(String.join(arg.get(0).asText(), parts));
                }
                case "Fn::If" -> {
                    return resolveOrNoValue(condition(arg.get(0).asText()) ? arg.get(1) : arg.get(2));
                }
                case "Fn::Split" -> {
                    // a list: "a,b" split on the delimiter (a comma-separated String parameter of role ARN patterns)
                    ArrayNode parts = JSON.createArrayNode();
                    for (String part : resolveOrNoValue(arg.get(1)).asText().split(java.util.regex.Pattern.quote(arg.get(0).asText()), -1)) {
                        parts.add(part);
                    }
                    return parts;
                }
                case "Fn::Select", "Fn::FindInMap", "Fn::ImportValue", "Fn::Base64", "Fn::GetAZs",
                     "Fn::Cidr", "Fn::ToJsonString", "Fn::Length" -> throw new IllegalStateException(
                        fn + " in a policy is not resolved by the local cloud: " + node);
                default -> {
                    // an ordinary one-key object
                }
            }
        }
        ObjectNode out = JSON.createObjectNode();
        node.properties().forEach(e -> {
            JsonNode r = resolveOrNoValue(e.getValue());
            if (r != NO_VALUE) {
                out.set(e.getKey(), r);
            }
        });
        return out;
    }

    private static boolean isListProducing(JsonNode item) {
        return item.isObject() && (item.has("Ref") || item.has("Fn::Split"));
    }

    private JsonNode ref(String name) {
        switch (name) {
            case "AWS::AccountId":
                return text(deployment.accountId());
            case "AWS::Region":
                return text(deployment.region());
            case "AWS::Partition":
                return text(deployment.partition());
            case "AWS::StackName":
                return text(deployment.stackName());
            case "AWS::URLSuffix":
                return text("amazonaws.com");
            case "AWS::NoValue":
                return NO_VALUE;
            default:
                break;
        }
        JsonNode parameter = template.path("Parameters").path(name);
        if (!parameter.isMissingNode()) {
            String value = deployment.parameters().containsKey(name) ? deployment.parameters().get(name)
                    : parameter.path("Default").asText("");
            if (parameter.path("Type").asText().equals("CommaDelimitedList")) {
                ArrayNode list = JSON.createArrayNode();
                for (String item : value.split(",", -1)) {
                    list.add(item.trim());
                }
                return list;
            }
            return text(value);
        }
        return text(physical(name));
    }

    private String physical(String key) {
        return deployment.physical().apply(key).orElseThrow(() -> new IllegalStateException(
                "the local deployment names no physical id for " + key + " (used in a function's policy)"));
    }

    private String attribute(String resource, String attribute) {
        return physical(resource + "." + attribute);
    }

    private String sub(JsonNode arg) {
        String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
        Map<String, String> vars = new LinkedHashMap<>();
        if (arg.isArray() && arg.size() > 1) {
            arg.get(1).properties().forEach(v -> vars.put(v.getKey(), resolve(v.getValue()).asText()));
        }
        Matcher m = SUB.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (vars.containsKey(name)) {
                value = vars.get(name);
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                String[] parts = name.split("\\.", 2);
                value = attribute(parts[0], parts[1]);
            } else {
                JsonNode r = ref(name);
                value = r.isArray() ? String.join(",", toList(r)) : r.asText();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A template condition for this deployment. */
    public boolean condition(String name) {
        JsonNode c = template.path("Conditions").path(name);
        if (c.isMissingNode()) {
            throw new IllegalArgumentException("template has no condition " + name);
        }
        return truth(c);
    }

    private boolean truth(JsonNode c) {
        if (c.has("Fn::Not")) {
            return !truth(c.get("Fn::Not").get(0));
        }
        if (c.has("Fn::And")) {
            for (JsonNode part : c.get("Fn::And")) {
                if (!truth(part)) {
                    return false;
                }
            }
            return true;
        }
        if (c.has("Fn::Or")) {
            for (JsonNode part : c.get("Fn::Or")) {
                if (truth(part)) {
                    return true;
                }
            }
            return false;
        }
        if (c.has("Condition")) {
            return condition(c.get("Condition").asText());
        }
        if (c.has("Fn::Equals")) {
            JsonNode args = c.get("Fn::Equals");
            return scalar(resolve(args.get(0))).equals(scalar(resolve(args.get(1))));
        }
        throw new IllegalArgumentException("condition not evaluated locally: " + c);
    }

    private static String scalar(JsonNode n) {
        return n.isArray() ? String.join(",", toList(n)) : n.asText();
    }

    private static List<String> toList(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(i -> out.add(i.asText()));
        return out;
    }

    private static JsonNode text(String s) {
        return JsonNodeFactory.instance.textNode(s);
    }
}
