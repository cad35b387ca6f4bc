package dev.podidentity.autopilot.config.tree;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** YAML through snakeyaml's composer, which keeps a start mark on every node. */
final class YamlTreeReader {
    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");

    private final ReadLimits limits;
    private int nodes;

    private YamlTreeReader(ReadLimits limits) {
        this.limits = limits;
    }

    static Node read(String text, ReadLimits limits) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(limits.maxAliases());
        options.setNestingDepthLimit(limits.maxDepth());
        options.setCodePointLimit(limits.maxBytes());
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(options);
        try {
            Iterator<org.yaml.snakeyaml.nodes.Node> docs = yaml.composeAll(new StringReader(text)).iterator();
            if (!docs.hasNext()) {
                throw new SyntaxProblem(Position.START, "the file is empty; expected an eksctl ClusterConfig");
            }
            org.yaml.snakeyaml.nodes.Node root = docs.next();
            if (docs.hasNext()) {
                org.yaml.snakeyaml.nodes.Node second = docs.next();
                throw new SyntaxProblem(position(second.getStartMark()),
                        "the file holds more than one YAML document; put one ClusterConfig per file");
            }
            return new YamlTreeReader(limits).convert(root, 1);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new SyntaxProblem(mark == null ? Position.START : position(mark), describe(e));
        } catch (YAMLException e) {
            throw new SyntaxProblem(Position.START, "not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    private Node convert(org.yaml.snakeyaml.nodes.Node node, int depth) {
        if (++nodes > limits.maxNodes()) {
            throw new SyntaxProblem(position(node.getStartMark()), String.format(
                    "the document expands to more than %,d values (YAML aliases?); refusing to read it",
                    limits.maxNodes()));
        }
        if (depth > limits.maxDepth()) {
            throw new SyntaxProblem(position(node.getStartMark()),
                    "the document nests deeper than " + limits.maxDepth() + " levels");
        }
        Position at = position(node.getStartMark());
        return switch (node) {
            case ScalarNode s -> {
                String tooLong = ReadLimits.valueTooLong(s.getValue());
                if (tooLong != null) {
                    throw new SyntaxProblem(at, tooLong);
                }
                yield new Node.Scalar(at, scalarValue(s));
            }
            case SequenceNode s -> {
                List<Node> items = new ArrayList<>(s.getValue().size());
                for (org.yaml.snakeyaml.nodes.Node item : s.getValue()) {
                    items.add(convert(item, depth + 1));
                }
                yield new Node.Sequence(at, items);
            }
            case MappingNode m -> convertMapping(m, at, depth);
            default -> throw new SyntaxProblem(at, "unsupported YAML node " + node.getNodeId());
        };
    }

    private Node convertMapping(MappingNode m, Position at, int depth) {
        Map<String, Node.Entry> entries = new LinkedHashMap<>();
        List<Node.Entry> merged = new ArrayList<>();
        for (NodeTuple tuple : m.getValue()) {
            org.yaml.snakeyaml.nodes.Node keyNode = tuple.getKeyNode();
            Position keyAt = position(keyNode.getStartMark());
            if (Tag.MERGE.equals(keyNode.getTag())) {
                collectMerged(convert(tuple.getValueNode(), depth + 1), merged);
                continue;
            }
            if (!(keyNode instanceof ScalarNode keyScalar)) {
                throw new SyntaxProblem(keyAt, "mapping keys must be plain strings");
            }
            String key = keyScalar.getValue();
            if (ReadLimits.valueTooLong(key) != null) {
                throw new SyntaxProblem(keyAt, "a key: " + ReadLimits.valueTooLong(key));
            }
            Node.Entry earlier = entries.get(key);
            if (earlier != null) {
                throw new SyntaxProblem(keyAt, "not valid YAML: duplicate key \"" + key + "\" (first at line "
                        + earlier.keyPosition().line() + ")");
            }
            entries.put(key, new Node.Entry(key, keyAt, convert(tuple.getValueNode(), depth + 1)));
        }
        // YAML merge keys (<<: *base): explicit keys win over merged ones.
        for (Node.Entry e : merged) {
            entries.putIfAbsent(e.key(), e);
        }
        return new Node.Mapping(at, entries);
    }

    private static void collectMerged(Node source, List<Node.Entry> into) {
        switch (source) {
            case Node.Mapping mm -> into.addAll(mm.entries().values());
            case Node.Sequence seq -> {
                for (Node n : seq.items()) {
                    collectMerged(n, into);
                }
            }
            case Node.Scalar s -> throw new SyntaxProblem(s.position(), "a merge key (<<) must refer to a mapping");
        }
    }

    private static Object scalarValue(ScalarNode s) {
        String v = s.getValue();
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) {
            return null;
        }
        if (Tag.BOOL.equals(tag)) {
            String lower = v.toLowerCase(Locale.ROOT);
            return lower.equals("true") || lower.equals("yes") || lower.equals("on") || lower.equals("y");
        }
        if (Tag.INT.equals(tag) && INT.matcher(v).matches()) {
            BigInteger big = new BigInteger(v.replace("_", ""));
            return big.bitLength() < 63 ? (Object) big.longValue() : big;
        }
        if (Tag.FLOAT.equals(tag)) {
            try {
                return Double.parseDouble(v.replace("_", ""));
            } catch (NumberFormatException e) {
                return v;
            }
        }
        return v;
    }

    static Position position(Mark mark) {
        return new Position(mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static String describe(MarkedYAMLException e) {
        String problem = e.getProblem() != null ? e.getProblem() : firstLine(e.getMessage());
        String context = e.getContext();
        String text = context != null ? context + ": " + problem : problem;
        return "not valid YAML: " + text;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
