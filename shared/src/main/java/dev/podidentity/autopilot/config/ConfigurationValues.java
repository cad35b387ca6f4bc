package dev.podidentity.autopilot.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.podidentity.autopilot.config.tree.DocumentReader;
import dev.podidentity.autopilot.config.tree.Node;
import dev.podidentity.autopilot.config.tree.ReadLimits;
import dev.podidentity.autopilot.config.tree.SyntaxProblem;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An addon's {@code configurationValues}: eksctl accepts JSON or YAML and sends JSON to EKS, whose addon
 * configuration schemas are objects. Written as an empty string it means "none".
 */
public final class ConfigurationValues {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
            false);
    private static final ReadLimits LIMITS = new ReadLimits(256 * 1024, 10, 32, 20_000);

    private ConfigurationValues() {
    }

    /** The JSON EKS takes for {@code text}, or empty when it is neither a JSON nor a YAML object. */
    public static Optional<String> toJson(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of("");
        }
        try {
            Node node = DocumentReader.read(text.getBytes(StandardCharsets.UTF_8), null, LIMITS);
            if (!(node instanceof Node.Mapping)) {
                return Optional.empty();
            }
            return Optional.of(JSON.writeValueAsString(Node.toPlain(node)));
        } catch (SyntaxProblem | JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
