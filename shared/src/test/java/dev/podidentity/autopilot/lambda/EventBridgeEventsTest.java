package dev.podidentity.autopilot.lambda;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.run.trigger.Dispatch;
import dev.podidentity.autopilot.run.trigger.Triggers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The events the rules deliver (the files in events/, as EventBridge sends them) bound to the events library's
 * envelope the way the dispatcher and the sweep read their input; malformed envelopes refused naming the field.
 */
class EventBridgeEventsTest {
    private static final Path EVENTS = Path.of("..", "events");

    /** As the handler reads it: bytes through {@link EventBridgeEvents#MAPPER} into the library's type. */
    private static ScheduledEvent read(String json) throws IOException {
        return EventBridgeEvents.MAPPER.readValue(json, ScheduledEvent.class);
    }

    private static ScheduledEvent file(String name) throws IOException {
        return read(Files.readString(EVENTS.resolve(name)));
    }

    private static String refusal(String json) {
        return assertThrows(InvalidInputException.class, () -> read(json)).getMessage();
    }

    @Test
    void bind_whenScheduledSweep_keepsTheEnvelopeWithTimeAsUtcInstant() throws IOException {
        ScheduledEvent event = file("scheduled-sweep.json");
        assertEquals("0", event.getVersion());
        assertEquals("7bf73129-1428-4cd3-a780-95db273d1602", event.getId());
        assertEquals("Scheduled Event", event.getDetailType());
        assertEquals("aws.events", event.getSource());
        assertEquals("111122223333", event.getAccount());
        assertEquals("us-west-2", event.getRegion());
        assertEquals(Instant.parse("2026-11-29T06:00:00Z"), EventBridgeEvents.time(event));
        assertEquals("UTC", event.getTime().getZone().getID());
        assertEquals(List.of("arn:aws:events:us-west-2:111122223333:rule/pod-identity-autopilot-SweepScheduleRule-"
                + "1X2Y3Z4A5B6C"), event.getResources());
        assertEquals(Map.of(), event.getDetail());
    }

    @Test
    void bind_whenClusterCreated_keepsTheCloudTrailDetailAsNestedMaps() throws IOException {
        ScheduledEvent event = file("cluster-created.json");
        assertEquals("AWS API Call via CloudTrail", event.getDetailType());
        assertEquals("aws.eks", event.getSource());
        assertEquals(Instant.parse("2026-11-29T08:15:42Z"), EventBridgeEvents.time(event));
        assertEquals(List.of(), event.getResources());
        assertEquals("CreateCluster", event.getDetail().get("eventName"));
        Map<?, ?> response = (Map<?, ?>) event.getDetail().get("responseElements");
        assertEquals("new-cluster", ((Map<?, ?>) response.get("cluster")).get("name"));
        Dispatch.Start start = assertInstanceOf(Dispatch.Start.class, Triggers.fromEvent(event));
        assertEquals("onboard", start.input().get("action").asText());
        assertEquals("new-cluster", start.input().get("cluster").asText());
    }

    @Test
    void bind_whenClusterDeletedOrConfigUploaded_startsTheRunTheFileDescribes() throws IOException {
        Dispatch.Start deleted = assertInstanceOf(Dispatch.Start.class,
                Triggers.fromEvent(file("cluster-deleted.json")));
        assertEquals("offboard", deleted.input().get("action").asText());
        assertEquals("dev-cluster", deleted.input().get("cluster").asText());

        ScheduledEvent uploaded = file("config-uploaded.json");
        Map<?, ?> object = (Map<?, ?>) uploaded.getDetail().get("object");
        assertEquals(812, object.get("size"));
        assertEquals("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd.A", object.get("version-id"));
        Dispatch.Start apply = assertInstanceOf(Dispatch.Start.class, Triggers.fromEvent(uploaded));
        assertEquals("clusters/dev-cluster.yaml", apply.input().get("configKey").asText());
        assertEquals("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd.A", apply.input().get("configVersion").asText());
    }

    @Test
    void bind_whenEnvelopeFieldHasTheWrongType_refusesNamingTheField() {
        assertEquals("the event must be a JSON object (an EventBridge event), got array", refusal("[1]"));
        assertEquals("the event must be a JSON object (an EventBridge event), got nothing", refusal("null"));
        assertEquals("source must be a string, got array", refusal("{\"source\": [\"aws.eks\"]}"));
        assertEquals("detail-type must be a string, got number", refusal("{\"detail-type\": 3}"));
        assertEquals("id must be a string, got object", refusal("{\"id\": {}}"));
        assertEquals("time: not an ISO-8601 instant: yesterday", refusal("{\"time\": \"yesterday\"}"));
        assertEquals("time must be a string, got number", refusal("{\"time\": 1790000000}"));
        assertEquals("resources must be an array of strings, got string", refusal("{\"resources\": \"arn\"}"));
        assertEquals("resources[1] must be a string, got boolean", refusal("{\"resources\": [\"arn\", true]}"));
    }

    @Test
    void bind_whenInputIsNotJson_saysSoWithTheType() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new ProbeHandler().handleRequest(new java.io.ByteArrayInputStream("{not json".getBytes()),
                        new java.io.ByteArrayOutputStream(), null));
        assertEquals(true, e.getMessage().startsWith("the ProbeHandler input is not a valid ScheduledEvent: "),
                e.getMessage());
    }

    @Test
    void bind_whenDetailIsNotAnObjectOrFieldsAreMissing_leavesThemUnset() throws IOException {
        ScheduledEvent event = read("{\"source\": \"aws.s3\", \"detail\": \"Object Created\"}");
        assertNull(event.getDetail());
        assertNull(event.getTime());
        assertNull(EventBridgeEvents.time(event));
        assertNull(event.getDetailType());
        assertEquals(List.of(), event.getResources());
    }

    /** The handler border: a malformed event escapes as the one InvalidInputException, with no stack trace. */
    @Test
    void handleRequest_whenEventIsMalformed_throwsOneErrorWithoutStackTrace() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new ProbeHandler().handleRequest(new java.io.ByteArrayInputStream(
                        "{\"source\": 7}".getBytes()), new java.io.ByteArrayOutputStream(), null));
        assertEquals("source must be a string, got number", e.getMessage());
        assertEquals(0, e.getStackTrace().length);
        assertNull(e.getCause());
    }

    /** A handler bound like the dispatcher's and the sweep's; answers with the event's id. */
    private static final class ProbeHandler extends TaskHandler<ScheduledEvent> {
        ProbeHandler() {
            super(ScheduledEvent.class, EventBridgeEvents.MAPPER, ScheduledEvent::getId);
        }
    }
}
