package dev.podidentity.autopilot.config.tree;


import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed config document that remembers where every value came from. YAML and JSON both read into it, so the
 * binder and its error messages are the same for either format.
 */
public sealed interface Node {

    Position position();

    /** What a user would call this kind of value, for messages such as "expected a list, got a string". */
    String kind();

    record Mapping(Position position, Map<String, Entry> entries) implements Node {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    /** A key with its own position (where an "unknown field" message should point) and its value. */
    record Entry(String key, Position keyPosition, Node value) {
    }

    record Sequence(Position position, List<Node> items) implements Node {
        public Sequence {
            items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A scalar: {@code value} is a String, Boolean, Long, Double, java.math.BigInteger or null. */
    record Scalar(Position position, Object value) implements Node {
        @Override
        public String kind() {
            if (value == null) {
                return "null";
            }
            if (value instanceof String) {
                return "a string";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            return "a number";
        }

        public boolean isNull() {
            return value == null;
        }
    }

    /** A plain Java view (Map, List, String, Boolean, Number, null) of this node, e.g. for a policy document. */
    static Object toPlain(Node node) {
        return switch (node) {
            case Scalar s -> s.value();
            case Sequence s -> {
                List<Object> out = new ArrayList<>(s.items().size());
                for (Node item : s.items()) {
                    out.add(toPlain(item));
                }
                yield out;
            }
            case Mapping m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Entry e : m.entries().values()) {
                    out.put(e.key(), toPlain(e.value()));
                }
                yield out;
            }
        };
    }
}
