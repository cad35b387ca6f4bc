package dev.podidentity.autopilot.operate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Error documents read down to what a person needs. */
public final class Readable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Readable() {
    }

    /** Lambda's error document (a JSON string in Cause) read down to its message; plain text as it is. */
    public static String cause(String cause) {
        if (cause == null || cause.isEmpty()) {
            return "";
        }
        try {
            JsonNode doc = JSON.readTree(cause);
            if (doc.hasNonNull("errorMessage")) {
                return doc.get("errorMessage").asText();
            }
        } catch (JsonProcessingException notJson) {
            // a plain-text cause is readable as it is
        }
        return cause;
    }
}
