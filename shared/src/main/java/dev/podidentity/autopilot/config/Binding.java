package dev.podidentity.autopilot.config;

import dev.podidentity.autopilot.config.tree.Position;

import dev.podidentity.autopilot.config.tree.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads typed values out of a {@link Node} tree, recording the position of every field path and collecting every
 * problem (wrong type, unknown field) instead of stopping at the first, so one run tells the user everything.
 */
final class Binding {
    final List<Problem> problems = new ArrayList<>();
    final Map<String, Position> positions = new HashMap<>();

    void error(String path, Position at, String message) {
        problems.add(Problem.error(path, at, message));
    }

    /** A mapping at {@code path}, or null (with a problem) when the node is something else. */
    Fields fields(Node node, String path) {
        if (node instanceof Node.Mapping m) {
            positions.putIfAbsent(path, m.position());
            return new Fields(m, path);
        }
        error(path, node.position(), "expected a mapping, got " + node.kind());
        return null;
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The fields of one mapping; call {@link #rejectUnknown} last to report keys nobody asked for. */
    final class Fields {
        private final Node.Mapping mapping;
        private final String path;
        private final Set<String> read = new HashSet<>();

        Fields(Node.Mapping mapping, String path) {
            this.mapping = mapping;
            this.path = path;
            for (Node.Entry e : mapping.entries().values()) {
                positions.put(join(path, e.key()), e.keyPosition());
            }
        }

        String path() {
            return path;
        }

        /** The value node of {@code key}, or null when the key is absent or written with no value. */
        Node node(String key) {
            read.add(key);
            Node.Entry e = mapping.entries().get(key);
            if (e == null || (e.value() instanceof Node.Scalar s && s.isNull())) {
                return null;
            }
            return e.value();
        }

        /** The mapping at {@code key} as fields of their own, or null when absent (or not a mapping: a problem). */
        Fields child(String key) {
            Node n = node(key);
            return n == null ? null : fields(n, join(path, key));
        }

        boolean has(String key) {
            return node(key) != null;
        }

        String string(String key) {
            Node n = node(key);
            if (n == null) {
                return null;
            }
            if (n instanceof Node.Scalar s && s.value() instanceof String str) {
                return str;
            }
            String hint = n instanceof Node.Scalar ? " (quote the value to make it a string)" : "";
            error(join(path, key), n.position(), "expected a string, got " + n.kind() + hint);
            return null;
        }

        Boolean bool(String key) {
            Node n = node(key);
            if (n == null) {
                return null;
            }
            if (n instanceof Node.Scalar s && s.value() instanceof Boolean b) {
                return b;
            }
            error(join(path, key), n.position(), "expected true or false, got " + n.kind());
            return null;
        }

        List<String> strings(String key) {
            Node n = node(key);
            if (n == null) {
                return null;
            }
            String p = join(path, key);
            if (!(n instanceof Node.Sequence seq)) {
                error(p, n.position(), "expected a list of strings, got " + n.kind());
                return null;
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                Node item = seq.items().get(i);
                String ip = p + "[" + i + "]";
                positions.put(ip, item.position());
                if (item instanceof Node.Scalar s && s.value() instanceof String str) {
                    out.add(str);
                } else {
                    error(ip, item.position(), "expected a string, got " + item.kind());
                }
            }
            return out;
        }

        /** A map of string to string such as {@code tags}; numbers and booleans are refused, as in eksctl. */
        Map<String, String> stringMap(String key) {
            Node n = node(key);
            if (n == null) {
                return null;
            }
            String p = join(path, key);
            if (!(n instanceof Node.Mapping m)) {
                error(p, n.position(), "expected a mapping of strings, got " + n.kind());
                return null;
            }
            positions.putIfAbsent(p, m.position());
            Map<String, String> out = new LinkedHashMap<>();
            for (Node.Entry e : m.entries().values()) {
                String ep = p + "." + e.key();
                positions.put(ep, e.keyPosition());
                if (e.value() instanceof Node.Scalar s && s.value() instanceof String str) {
                    out.put(e.key(), str);
                } else {
                    error(ep, e.value().position(), "expected a string value, got " + e.value().kind()
                            + (e.value() instanceof Node.Scalar ? " (quote the value)" : ""));
                }
            }
            return out;
        }

        /** A free-form document (an IAM policy) as plain maps and lists. */
        Map<String, Object> document(String key) {
            Node n = node(key);
            if (n == null) {
                return null;
            }
            String p = join(path, key);
            if (!(n instanceof Node.Mapping m)) {
                error(p, n.position(), "expected a policy document (a mapping with Version and Statement), got "
                        + n.kind());
                return null;
            }
            recordAll(m, p);
            @SuppressWarnings("unchecked")
            Map<String, Object> plain = (Map<String, Object>) Node.toPlain(m);
            return plain;
        }

        /** A mapping of flag name to boolean, returning the names set to true; unknown names are errors. */
        Set<String> flags(String key, List<String> known) {
            Node n = node(key);
            if (n == null) {
                return null;
            }
            String p = join(path, key);
            Fields f = fields(n, p);
            if (f == null) {
                return null;
            }
            Set<String> on = new LinkedHashSet<>();
            for (String k : known) {
                if (Boolean.TRUE.equals(f.bool(k))) {
                    on.add(k);
                }
            }
            f.rejectUnknown(Set.of(), known);
            return on;
        }

        /** A list of mappings, each bound by {@code element}; null when absent, empty when {@code []}. */
        <T> List<T> list(String key, BiFunction<Fields, Integer, T> element) {
            Node n = node(key);
            if (n == null) {
                return null;
            }
            String p = join(path, key);
            if (!(n instanceof Node.Sequence seq)) {
                error(p, n.position(), "expected a list, got " + n.kind());
                return null;
            }
            positions.putIfAbsent(p, seq.position());
            List<T> out = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                Node item = seq.items().get(i);
                String ip = p + "[" + i + "]";
                positions.put(ip, item.position());
                Fields f = fields(item, ip);
                if (f != null) {
                    T value = element.apply(f, i);
                    if (value != null) {
                        out.add(value);
                    }
                }
            }
            return out;
        }

        /**
         * Reports every key that was not read and is not {@code tolerated}, with a suggestion when it looks like
         * a typo of a known key: inside the sections we act on, a typo must not silently drop a permission.
         */
        void rejectUnknown(Set<String> tolerated, List<String> known) {
            for (Node.Entry e : mapping.entries().values()) {
                if (read.contains(e.key()) || tolerated.contains(e.key())) {
                    continue;
                }
                String suggestion = Suggestions.closest(e.key(), known);
                String hint = suggestion == null ? "" : "; did you mean \"" + suggestion + "\"?";
                error(join(path, e.key()), e.keyPosition(), "unknown field \"" + e.key() + "\"" + hint);
            }
        }

        /**
         * Like {@link #rejectUnknown}, for a mapping we act on only in part: a key that looks like a typo of one we
         * act on ({@code actedOn}) is an error, any other unknown key a warning (a newer eksctl field must not
         * turn uploads into refusals).
         */
        void warnUnknown(Set<String> tolerated, List<String> actedOn) {
            for (Node.Entry e : mapping.entries().values()) {
                if (read.contains(e.key()) || tolerated.contains(e.key())) {
                    continue;
                }
                String suggestion = Suggestions.closest(e.key(), actedOn);
                if (suggestion != null) {
                    error(join(path, e.key()), e.keyPosition(), "unknown field \"" + e.key() + "\"; did you mean \""
                            + suggestion + "\"?");
                } else {
                    problems.add(Problem.warning(join(path, e.key()), e.keyPosition(), "unknown field \"" + e.key()
                            + "\" is not in eksctl's schema as we know it; ignored"));
                }
            }
        }

        void rejectUnknown() {
            rejectUnknown(Set.of(), List.copyOf(read));
        }
    }

    private void recordAll(Node node, String path) {
        positions.putIfAbsent(path, node.position());
        switch (node) {
            case Node.Mapping m -> {
                for (Node.Entry e : m.entries().values()) {
                    String p = path + "." + e.key();
                    positions.put(p, e.keyPosition());
                    recordAll(e.value(), p);
                }
            }
            case Node.Sequence s -> {
                for (int i = 0; i < s.items().size(); i++) {
                    recordAll(s.items().get(i), path + "[" + i + "]");
                }
            }
            case Node.Scalar ignored -> {
            }
        }
    }
}
