package dev.podidentity.autopilot.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading and writing policy documents.
 *
 * <p>Canonical form, written by {@link PolicyDocument#toJson()}:
 * <ul>
 *   <li>keys in a fixed order: {@code Version, Id, Statement} (Version and Id only when present); in statements {@code Sid, Effect, Principal,
 *       NotPrincipal, Action, NotAction, Resource, NotResource, Condition}; absent elements are omitted;</li>
 *   <li>principal types, condition operators and condition keys sorted alphabetically;</li>
 *   <li>a list with exactly one element is written as a plain string, longer lists as arrays, as in AWS's own
 *       documents (e.g. {@code "Principal":{"Service":"pods.eks.amazonaws.com"}}); IAM accepts both, and the short
 *       form keeps us further from IAM's size limits;</li>
 *   <li>{@code Statement} is always an array, even with one statement.</li>
 * </ul>
 * Equal documents therefore always produce identical text, which is what drift checks compare.
 */
final class PolicyJson {

    // Duplicate keys and trailing text are errors, as in IAM; decimals stay BigDecimal so "1.10" keeps its digits.
    private static final ObjectMapper MAPPER = new ObjectMapper(
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final Set<String> DOCUMENT_KEYS = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Principal", "NotPrincipal", "Action",
            "NotAction", "Resource", "NotResource", "Condition");

    private PolicyJson() {
    }

    // ---- writing ----

    static String write(PolicyDocument document, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            if (pretty) {
                DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
                json.setPrettyPrinter(printer);
            }
            json.writeStartObject();
            if (document.version() != null) {
                json.writeStringField("Version", document.version());
            }
            if (document.id() != null) {
                json.writeStringField("Id", document.id());
            }
            json.writeArrayFieldStart("Statement");
            for (Statement statement : document.statements()) {
                writeStatement(json, statement);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeStatement(JsonGenerator json, Statement statement) throws IOException {
        json.writeStartObject();
        if (statement.sid() != null) {
            json.writeStringField("Sid", statement.sid());
        }
        json.writeStringField("Effect", statement.effect().json());
        writePrincipal(json, "Principal", statement.principal());
        writePrincipal(json, "NotPrincipal", statement.notPrincipal());
        writeValues(json, "Action", statement.actions());
        writeValues(json, "NotAction", statement.notActions());
        writeValues(json, "Resource", statement.resources());
        writeValues(json, "NotResource", statement.notResources());
        if (!statement.conditions().isEmpty()) {
            json.writeObjectFieldStart("Condition");
            for (var operator : statement.conditions().entrySet()) {
                json.writeObjectFieldStart(operator.getKey());
                for (var key : operator.getValue().entrySet()) {
                    writeValues(json, key.getKey(), key.getValue());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void writePrincipal(JsonGenerator json, String field, Principal principal) throws IOException {
        switch (principal) {
            case null -> {
            }
            case Principal.Anyone anyone -> json.writeStringField(field, "*");
            case Principal.ByType byType -> {
                json.writeObjectFieldStart(field);
                for (var entry : byType.byType().entrySet()) {
                    writeValues(json, entry.getKey(), entry.getValue());
                }
                json.writeEndObject();
            }
        }
    }

    private static void writeValues(JsonGenerator json, String field, List<String> values) throws IOException {
        if (values.isEmpty()) {
            return;
        }
        if (values.size() == 1) {
            json.writeStringField(field, values.get(0));
            return;
        }
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    // ---- reading ----

    static PolicyDocument parse(String text) {
        if (text == null || text.isBlank()) {
            throw new PolicyFormatException("", "policy document is empty");
        }
        Object tree;
        try {
            tree = MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            String detail = e.getOriginalMessage();
            var location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw new PolicyFormatException("", "policy document is not valid JSON" + where + ": " + detail, e);
        }
        return fromTree(tree);
    }

    static PolicyDocument fromUrlEncoded(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            throw new PolicyFormatException("", "policy document is empty");
        }
        String decoded;
        try {
            // IAM percent-encodes (RFC 3986): '+' never stands for itself in its output, so URLDecoder's
            // '+'-as-space rule cannot corrupt a document.
            decoded = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new PolicyFormatException("", "policy document is not valid URL-encoded text: " + e.getMessage(), e);
        }
        return parse(decoded);
    }

    static PolicyDocument fromTree(Object tree) {
        Map<String, Object> root = object(tree, "", "policy document");
        for (String key : root.keySet()) {
            if (!DOCUMENT_KEYS.contains(key)) {
                throw new PolicyFormatException(key, "unknown top-level element \"" + key
                        + "\"; a policy document has only Version, Id and Statement");
            }
        }
        String version = null;
        if (root.containsKey("Version")) {
            version = versionText(root.get("Version"));
            if (!version.equals(PolicyDocument.VERSION_2012_10_17) && !version.equals(PolicyDocument.VERSION_2008_10_17)) {
                throw new PolicyFormatException("Version", "Version must be \"2012-10-17\" (or the legacy "
                        + "\"2008-10-17\"), not \"" + version + "\"");
            }
        }
        String id = root.containsKey("Id") ? string(root.get("Id"), "Id") : null;
        if (!root.containsKey("Statement")) {
            throw new PolicyFormatException("Statement", "Statement is missing");
        }
        Object rawStatements = root.get("Statement");
        List<Statement> statements = new ArrayList<>();
        if (rawStatements instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                statements.add(statement(list.get(i), "Statement[" + i + "]"));
            }
        } else if (rawStatements instanceof Map<?, ?>) {
            // IAM accepts a single statement object in place of the array.
            statements.add(statement(rawStatements, "Statement"));
        } else {
            throw new PolicyFormatException("Statement", "Statement must be an object or a list of objects, not "
                    + describe(rawStatements));
        }
        return new PolicyDocument(version, id, statements);
    }

    /**
     * A YAML 1.1 loader (snakeyaml's default) reads an unquoted {@code Version: 2012-10-17} as a timestamp; eksctl's
     * Go loader reads it as text, so we turn the date back into the text the user wrote.
     */
    private static String versionText(Object raw) {
        if (raw instanceof java.util.Date date) {
            return date.toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
        }
        if (raw instanceof java.time.temporal.TemporalAccessor temporal) {
            return java.time.LocalDate.from(temporal).toString();
        }
        return string(raw, "Version");
    }

    private static Statement statement(Object raw, String path) {
        Map<String, Object> map = object(raw, path, "a statement");
        for (String key : map.keySet()) {
            if (!STATEMENT_KEYS.contains(key)) {
                throw new PolicyFormatException(path + "." + key, "unknown statement element \"" + key + "\"");
            }
        }
        Statement.Builder builder = Statement.builder();
        if (map.containsKey("Sid")) {
            builder.sid(string(map.get("Sid"), path + ".Sid"));
        }
        if (!map.containsKey("Effect")) {
            throw new PolicyFormatException(path + ".Effect", "Effect is missing; it must be \"Allow\" or \"Deny\"");
        }
        Object rawEffect = map.get("Effect");
        Effect effect = rawEffect instanceof String text ? Effect.fromJson(text) : null;
        if (effect == null) {
            throw new PolicyFormatException(path + ".Effect", "Effect must be \"Allow\" or \"Deny\" (case-sensitive), not "
                    + describe(rawEffect));
        }
        builder.effect(effect);
        exclusive(map, path, "Principal", "NotPrincipal");
        exclusive(map, path, "Action", "NotAction");
        exclusive(map, path, "Resource", "NotResource");
        if (!map.containsKey("Action") && !map.containsKey("NotAction")) {
            throw new PolicyFormatException(path + ".Action", "Action (or NotAction) is missing");
        }
        if (map.containsKey("Principal")) {
            builder.principal(principal(map.get("Principal"), path + ".Principal"));
        }
        if (map.containsKey("NotPrincipal")) {
            builder.notPrincipal(principal(map.get("NotPrincipal"), path + ".NotPrincipal"));
        }
        if (map.containsKey("Action")) {
            builder.actions(strings(map.get("Action"), path + ".Action"));
        }
        if (map.containsKey("NotAction")) {
            builder.notActions(strings(map.get("NotAction"), path + ".NotAction"));
        }
        if (map.containsKey("Resource")) {
            builder.resources(strings(map.get("Resource"), path + ".Resource"));
        }
        if (map.containsKey("NotResource")) {
            builder.notResources(strings(map.get("NotResource"), path + ".NotResource"));
        }
        if (map.containsKey("Condition")) {
            Map<String, Object> operators = object(map.get("Condition"), path + ".Condition", "Condition");
            for (var operator : operators.entrySet()) {
                String operatorPath = path + ".Condition." + operator.getKey();
                Map<String, Object> keys = object(operator.getValue(), operatorPath, "a condition operator");
                if (keys.isEmpty()) {
                    throw new PolicyFormatException(operatorPath, "condition operator has no keys");
                }
                for (var key : keys.entrySet()) {
                    builder.condition(operator.getKey(), key.getKey(),
                            conditionValues(key.getValue(), operatorPath + "." + key.getKey()));
                }
            }
        }
        return builder.build();
    }

    private static void exclusive(Map<String, Object> map, String path, String one, String other) {
        if (map.containsKey(one) && map.containsKey(other)) {
            throw new PolicyFormatException(path + "." + other, "a statement cannot have both " + one + " and " + other);
        }
    }

    private static Principal principal(Object raw, String path) {
        if ("*".equals(raw)) {
            return Principal.anyone();
        }
        if (!(raw instanceof Map<?, ?>)) {
            throw new PolicyFormatException(path, "principal must be \"*\" or an object such as "
                    + "{\"Service\": \"...\"}, not " + describe(raw));
        }
        Map<String, Object> map = object(raw, path, "a principal");
        if (map.isEmpty()) {
            throw new PolicyFormatException(path, "principal has no types");
        }
        Map<String, List<String>> byType = new LinkedHashMap<>();
        for (var entry : map.entrySet()) {
            if (!Principal.KNOWN_TYPES.contains(entry.getKey())) {
                throw new PolicyFormatException(path + "." + entry.getKey(), "unknown principal type \""
                        + entry.getKey() + "\"; expected AWS, Service, Federated or CanonicalUser");
            }
            byType.put(entry.getKey(), strings(entry.getValue(), path + "." + entry.getKey()));
        }
        return Principal.of(byType);
    }

    /** A string or a non-empty list of strings. */
    private static List<String> strings(Object raw, String path) {
        if (raw instanceof String text) {
            return List.of(text);
        }
        if (raw instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new PolicyFormatException(path, "list must not be empty");
            }
            List<String> values = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String text)) {
                    throw new PolicyFormatException(path + "[" + i + "]", "must be a string, not " + describe(list.get(i)));
                }
                values.add(text);
            }
            return values;
        }
        throw new PolicyFormatException(path, "must be a string or a list of strings, not " + describe(raw));
    }

    /** Condition values may also be numbers or booleans ({@code "aws:SecureTransport": false}); kept as text. */
    private static List<String> conditionValues(Object raw, String path) {
        if (raw instanceof Boolean || raw instanceof Number) {
            return List.of(raw.toString());
        }
        if (raw instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new PolicyFormatException(path, "list must not be empty");
            }
            List<String> values = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                if (item instanceof String || item instanceof Boolean || item instanceof Number) {
                    values.add(item.toString());
                } else {
                    throw new PolicyFormatException(path + "[" + i + "]", "must be a string, number or boolean, not "
                            + describe(item));
                }
            }
            return values;
        }
        return strings(raw, path);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object raw, String path, String what) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw new PolicyFormatException(path, what + " must be an object, not " + describe(raw));
        }
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new PolicyFormatException(path, what + " has a non-text key " + describe(key));
            }
        }
        return (Map<String, Object>) map;
    }

    private static String string(Object raw, String path) {
        if (raw instanceof String text) {
            return text;
        }
        throw new PolicyFormatException(path, "must be a string, not " + describe(raw));
    }

    /** Names the JSON type of a value for error messages. */
    static String describe(Object raw) {
        return switch (raw) {
            case null -> "null";
            case String text -> "the string \"" + text + "\"";
            case Boolean bool -> "the boolean " + bool;
            case Number number -> "the number " + number;
            case List<?> list -> "a list";
            case Map<?, ?> map -> "an object";
            default -> "a " + raw.getClass().getSimpleName();
        };
    }
}
