package dev.podidentity.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --parameters FILE}: the deployment's stack parameters, with the keys {@code sam deploy --parameter-overrides}
 * takes, so every {@code ./run-local} command judges and runs exactly as that deployment would. Either
 * {@code Key=Value} lines (blank lines and {@code #} comments skipped, values optionally quoted), or a JSON object
 * {@code {"Key": "Value"}}, or CloudFormation's {@code [{"ParameterKey": ..., "ParameterValue": ...}]} list.
 */
final class ParametersFile {
    /** One clear problem with the file, naming its line. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private ParametersFile() {
    }

    static final String OPTION = "--parameters";

    /** The parameters in {@code file}; null after telling {@code err} why not, prefixed by the command's name. */
    static Map<String, String> readOrReport(String file, String command, java.io.PrintStream err) {
        try {
            return read(Path.of(file));
        } catch (Invalid e) {
            err.println(command + ": " + e.getMessage());
            return null;
        }
    }

    static Map<String, String> read(Path file) throws Invalid {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Invalid(file + ": no such file");
        } catch (IOException e) {
            throw new Invalid(file + ": " + e.getMessage());
        }
        String trimmed = text.strip();
        return trimmed.startsWith("{") || trimmed.startsWith("[") ? json(file, trimmed) : lines(file, text);
    }

    private static Map<String, String> lines(Path file, String text) throws Invalid {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new Invalid(file + ":" + (i + 1) + ": expected Key=Value, got \"" + line + "\"");
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            put(out, line.substring(0, eq).strip(), value, file + ":" + (i + 1));
        }
        return out;
    }

    private static Map<String, String> json(Path file, String text) throws Invalid {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Invalid(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isValueNode()) {
                    throw new Invalid(file + ": " + e.getKey() + ": a parameter's value is a string");
                }
                put(out, e.getKey(), e.getValue().asText(), file.toString());
            }
            return out;
        }
        for (JsonNode item : root) {
            if (!item.path("ParameterKey").isTextual() || !item.path("ParameterValue").isValueNode()) {
                throw new Invalid(file + ": each item needs ParameterKey and ParameterValue");
            }
            put(out, item.get("ParameterKey").asText(), item.get("ParameterValue").asText(), file.toString());
        }
        return out;
    }

    private static void put(Map<String, String> out, String key, String value, String where) throws Invalid {
        if (out.put(key, value) != null) {
            throw new Invalid(where + ": parameter " + key + " is set twice");
        }
    }
}
