package dev.podidentity.autopilot.lambda;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.podidentity.autopilot.error.InvalidInputException;
import org.joda.time.DateTime;
import org.joda.time.DateTimeZone;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * EventBridge events at the handler border, bound to the AWS Lambda Java Events type for them: {@link ScheduledEvent}
 * is the library's generic EventBridge envelope (id, source, detail-type, time, resources; {@code detail} as a map),
 * which carries the scheduled sweep's event and the CloudTrail and S3 events the dispatcher receives alike (the
 * library has no EventBridge type of their details; {@code S3Event} is S3's own notification shape, not EventBridge's).
 *
 * <p>The library's classes are plain beans meant for Lambda's own serializer: bound by our Jackson they would leave
 * {@code detail-type} unset and cannot read {@code time}, a joda {@code DateTime}. So the envelope is read here, field
 * by field with our checks: a field of the wrong type is refused with one error naming it, before any stage runs.
 * A {@code detail} that is not an object is left out, for the stage to say what it needed.
 */
public final class EventBridgeEvents {
    /** Our mapper, binding {@link ScheduledEvent} with the checks below: what the two handlers read their input with. */
    public static final ObjectMapper MAPPER = JsonHandler.MAPPER.copy()
            .registerModule(new SimpleModule("EventBridgeEvents").addDeserializer(ScheduledEvent.class, new Reader()));

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private EventBridgeEvents() {
    }

    /** The event, checked and bound; {@link InvalidInputException} naming the field when it is not one. */
    public static ScheduledEvent bind(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new InvalidInputException("the event must be a JSON object (an EventBridge event), got "
                    + (event == null ? "nothing" : kind(event)));
        }
        ScheduledEvent bound = new ScheduledEvent();
        bound.setVersion(string(event, "version"));
        bound.setId(string(event, "id"));
        bound.setDetailType(string(event, "detail-type"));
        bound.setSource(string(event, "source"));
        bound.setAccount(string(event, "account"));
        bound.setRegion(string(event, "region"));
        bound.setTime(time(event));
        bound.setResources(resources(event));
        JsonNode detail = event.get("detail");
        if (detail != null && detail.isObject()) {
            bound.setDetail(MAPPER.convertValue(detail, MAP));
        }
        return bound;
    }

    /** The event's time as an instant, or null when it has none. */
    public static Instant time(ScheduledEvent event) {
        return event.getTime() == null ? null : Instant.ofEpochMilli(event.getTime().getMillis());
    }

    /** How a field of the wrong type is named in an error: JSON's own words (string, number, array, object...). */
    public static String kind(Object value) {
        if (value instanceof JsonNode node) {
            return node.getNodeType().toString().toLowerCase(Locale.ROOT);
        }
        return switch (value) {
            case null -> "null";
            case String s -> "string";
            case Number n -> "number";
            case Boolean b -> "boolean";
            case List<?> l -> "array";
            case Map<?, ?> m -> "object";
            default -> value.getClass().getSimpleName();
        };
    }

    private static String string(JsonNode event, String field) {
        JsonNode v = event.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidInputException(field + " must be a string, got " + kind(v));
        }
        return v.asText();
    }

    private static DateTime time(JsonNode event) {
        String time = string(event, "time");
        if (time == null || time.isEmpty()) {
            return null;
        }
        try {
            return new DateTime(Instant.parse(time).toEpochMilli(), DateTimeZone.UTC);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("time: not an ISO-8601 instant: " + time);
        }
    }

    private static List<String> resources(JsonNode event) {
        JsonNode v = event.get("resources");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new InvalidInputException("resources must be an array of strings, got " + kind(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new InvalidInputException("resources[" + i + "] must be a string, got " + kind(v.get(i)));
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    /** Jackson's way in: the whole event as a tree, then {@link #bind}. */
    private static final class Reader extends StdDeserializer<ScheduledEvent> {
        Reader() {
            super(ScheduledEvent.class);
        }

        @Override
        public ScheduledEvent deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return bind(p.readValueAsTree());
        }

        @Override
        public ScheduledEvent getNullValue(DeserializationContext ctxt) {
            return bind(null);
        }
    }
}
