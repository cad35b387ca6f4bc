package dev.podidentity.local.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * template.yaml as JSON, with CloudFormation's short tags turned into their long form ({@code !Ref X} becomes
 * {@code {"Ref": "X"}}, {@code !GetAtt A.B} becomes {@code {"Fn::GetAtt": ["A", "B"]}}), as CloudFormation reads it.
 */
public record CfnTemplate(JsonNode root) {

    public static CfnTemplate load() {
        return load(ProjectFiles.template());
    }

    public static CfnTemplate load(Path file) {
        Object tree = new Yaml(new IntrinsicTags()).load(ProjectFiles.read(file));
        return new CfnTemplate(ProjectFiles.JSON.valueToTree(tree));
    }

    public JsonNode resources() {
        return root.path("Resources");
    }

    public JsonNode resource(String logicalId) {
        JsonNode r = resources().path(logicalId);
        if (r.isMissingNode()) {
            throw new AssertionError("template.yaml has no resource " + logicalId);
        }
        return r;
    }

    /** Logical id to resource, in template order, for one resource type. */
    public Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        resources().properties().forEach(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    public JsonNode parameter(String name) {
        return root.path("Parameters").path(name);
    }

    /** SafeConstructor plus the CloudFormation intrinsic function tags. */
    private static final class IntrinsicTags extends SafeConstructor {
        private static final List<String> FUNCTIONS = List.of("Ref", "Condition", "GetAtt", "Sub", "Join", "If", "Not",
                "Equals", "And", "Or", "Select", "Split", "FindInMap", "Base64", "Cidr", "GetAZs", "ImportValue",
                "Transform", "ToJsonString", "Length");

        IntrinsicTags() {
            super(new LoaderOptions());
            for (String function : FUNCTIONS) {
                yamlConstructors.put(new Tag("!" + function), new Intrinsic(function));
            }
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String function;

            Intrinsic(String function) {
                this.function = function;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    value = constructScalar(scalar);
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else if (node instanceof MappingNode mapping) {
                    value = constructMapping(mapping);
                } else {
                    throw new IllegalArgumentException("unexpected node for !" + function + ": " + node);
                }
                if (function.equals("GetAtt") && value instanceof String dotted) {
                    int dot = dotted.indexOf('.');
                    value = List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
                }
                String key = function.equals("Ref") || function.equals("Condition") ? function : "Fn::" + function;
                return Map.of(key, value);
            }
        }
    }
}
