package dev.podidentity.autopilot.config.tree;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON through Jackson's streaming parser, taking each token's location. */
final class JsonTreeReader {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final JsonParser parser;
    private final ReadLimits limits;
    private int nodes;

    private JsonTreeReader(JsonParser parser, ReadLimits limits) {
        this.parser = parser;
        this.limits = limits;
    }

    static Node read(String text, ReadLimits limits) {
        JsonFactory factory = FACTORY.copy().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth()).build());
        try (JsonParser parser = factory.createParser(text)) {
            JsonTreeReader reader = new JsonTreeReader(parser, limits);
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new SyntaxProblem(Position.START, "the file is empty; expected an eksctl ClusterConfig");
            }
            Node root = reader.value(first);
            if (parser.nextToken() != null) {
                throw new SyntaxProblem(at(parser.currentTokenLocation()), "not valid JSON: text after the document");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new SyntaxProblem(loc == null ? Position.START : at(loc), "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new SyntaxProblem(Position.START, "not readable: " + e.getMessage());
        }
    }

    private Node value(JsonToken token) throws IOException {
        if (++nodes > limits.maxNodes()) {
            throw new SyntaxProblem(at(parser.currentTokenLocation()),
                    String.format("the document has more than %,d values", limits.maxNodes()));
        }
        Position pos = at(parser.currentTokenLocation());
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Node.Entry> entries = new LinkedHashMap<>();
                JsonToken t;
                while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    if (ReadLimits.valueTooLong(key) != null) {
                        throw new SyntaxProblem(at(parser.currentTokenLocation()), "a key: "
                                + ReadLimits.valueTooLong(key));
                    }
                    Position keyPos = at(parser.currentTokenLocation());
                    Node v = value(parser.nextToken());
                    entries.put(key, new Node.Entry(key, keyPos, v));
                }
                yield new Node.Mapping(pos, entries);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                JsonToken t;
                while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(value(t));
                }
                yield new Node.Sequence(pos, items);
            }
            case VALUE_STRING -> {
                String tooLong = ReadLimits.valueTooLong(parser.getText());
                if (tooLong != null) {
                    throw new SyntaxProblem(pos, tooLong);
                }
                yield new Node.Scalar(pos, parser.getText());
            }
            case VALUE_TRUE -> new Node.Scalar(pos, Boolean.TRUE);
            case VALUE_FALSE -> new Node.Scalar(pos, Boolean.FALSE);
            case VALUE_NULL -> new Node.Scalar(pos, null);
            case VALUE_NUMBER_INT -> new Node.Scalar(pos, parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? parser.getBigIntegerValue() : (Object) parser.getLongValue());
            case VALUE_NUMBER_FLOAT -> new Node.Scalar(pos, parser.getDoubleValue());
            default -> throw new SyntaxProblem(pos, "not valid JSON: unexpected " + token);
        };
    }

    private static Position at(JsonLocation loc) {
        return new Position(Math.max(1, loc.getLineNr()), Math.max(1, loc.getColumnNr()));
    }
}
