package dev.podidentity.local.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.local.iam.TemplatePolicies;
import java.util.Map;
import java.util.Optional;

/**
 * The names CloudFormation gives the stack's resources in the local deployment (stack {@value #STACK}): what
 * {@code Ref} and {@code Fn::GetAtt} of a resource resolve to when the functions' policies are read from the
 * template. Names the local app chooses (bucket, lock table, state machine) are given; the others follow
 * CloudFormation's pattern {@code <stack>-<LogicalId>}.
 */
final class LocalDeployment {
    static final String STACK = "pod-identity-autopilot";

    private LocalDeployment() {
    }

    static TemplatePolicies.Deployment of(JsonNode translated, String accountId, String region, Map<String, String> parameters,
                                         Map<String, String> given) {
        return new TemplatePolicies.Deployment(accountId, region, STACK, parameters,
                key -> Optional.ofNullable(given.get(key)).or(() -> byType(translated, accountId, region, key)));
    }

    private static Optional<String> byType(JsonNode translated, String accountId, String region, String key) {
        int dot = key.indexOf('.');
        String id = dot < 0 ? key : key.substring(0, dot);
        String attribute = dot < 0 ? "Ref" : key.substring(dot + 1);
        JsonNode resource = translated.path("Resources").path(id);
        if (resource.isMissingNode()) {
            return Optional.empty();
        }
        String name = STACK + "-" + id;
        String arnPrefix = ":" + region + ":" + accountId + ":";
        String value = switch (resource.path("Type").asText() + "#" + attribute) {
            case "AWS::IAM::Role#Ref" -> name;
            case "AWS::IAM::Role#Arn" -> "arn:aws:iam::" + accountId + ":role/" + name;
            case "AWS::IAM::ManagedPolicy#Ref", "AWS::IAM::ManagedPolicy#PolicyArn" -> "arn:aws:iam::" + accountId
                    + ":policy/" + resource.path("Properties").path("ManagedPolicyName").asText(name);
            case "AWS::Lambda::Function#Ref" -> name;
            case "AWS::Lambda::Function#Arn" -> "arn:aws:lambda" + arnPrefix + "function:" + id;
            case "AWS::Lambda::Alias#Ref" -> "arn:aws:lambda" + arnPrefix + "function:"
                    + resource.path("Properties").path("FunctionName").path("Ref").asText() + ":live";
            case "AWS::SQS::Queue#Ref" -> "https://sqs." + region + ".amazonaws.com/" + accountId + "/" + name;
            case "AWS::SQS::Queue#Arn" -> "arn:aws:sqs" + arnPrefix + name;
            case "AWS::Events::Rule#Arn" -> "arn:aws:events" + arnPrefix + "rule/" + name;
            case "AWS::Logs::LogGroup#Arn" -> "arn:aws:logs" + arnPrefix + "log-group:" + name + ":*";
            case "AWS::SNS::Topic#Ref" -> "arn:aws:sns" + arnPrefix + name;
            default -> null;
        };
        return Optional.ofNullable(value);
    }
}
