package dev.podidentity.autopilot.run.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.lambda.EventBridgeEvents;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriggersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** As the dispatcher gets it: bound to the events library's envelope at the handler border, then read. */
    static Dispatch fromEvent(JsonNode event) {
        return Triggers.fromEvent(EventBridgeEvents.bind(event));
    }

    static ObjectNode cloudTrail(String eventName, String cluster, String eventId) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"version":"0","id":"e1","detail-type":"AWS API Call via CloudTrail","source":"aws.eks",
                 "account":"111122223333","region":"us-west-2",
                 "detail":{"eventSource":"eks.amazonaws.com","eventName":"%s","eventID":"%s",
                           "requestParameters":{"name":"%s"},
                           "responseElements":{"cluster":{"name":"%s","status":"CREATING"}}}}
                """.formatted(eventName, eventId, cluster, cluster));
    }

    static ObjectNode objectCreated(String key, String version) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"version":"0","id":"e2","detail-type":"Object Created","source":"aws.s3","account":"111122223333",
                 "region":"us-west-2","detail":{"bucket":{"name":"b"},
                 "object":{"key":"%s","version-id":"%s","sequencer":"0067"},"reason":"PutObject"}}
                """.formatted(key, version));
    }

    @Test
    void fromEvent_whenClusterCreated_onboardsItNamedByEventId() throws Exception {
        Dispatch.Start start = assertInstanceOf(Dispatch.Start.class,
                fromEvent(cloudTrail("CreateCluster", "new-cluster", "ct-1")));
        JsonNode in = start.input();
        assertEquals("onboard", in.get("action").asText());
        assertEquals("new-cluster", in.get("cluster").asText());
        assertEquals("cloudtrail", in.at("/trigger/type").asText());
        assertEquals("ct-1", in.at("/trigger/id").asText());
        assertTrue(start.name().startsWith("onboard-new-cluster-ct-1_"), start.name());
    }

    @Test
    void fromEvent_whenSameEventDeliveredTwice_givesTheSameExecutionName() throws Exception {
        Dispatch.Start a = (Dispatch.Start) fromEvent(cloudTrail("CreateCluster", "c", "ct-1"));
        Dispatch.Start b = (Dispatch.Start) fromEvent(cloudTrail("CreateCluster", "c", "ct-1"));
        Dispatch.Start other = (Dispatch.Start) fromEvent(cloudTrail("CreateCluster", "c", "ct-2"));
        assertEquals(a.name(), b.name());
        assertNotEquals(a.name(), other.name());
    }

    @Test
    void fromEvent_whenClusterDeleted_offboards() throws Exception {
        Dispatch.Start start = (Dispatch.Start) fromEvent(cloudTrail("DeleteCluster", "old", "ct-9"));
        assertEquals("offboard", start.input().get("action").asText());
    }

    @Test
    void fromEvent_whenCloudTrailCallFailed_ignoresIt() throws Exception {
        ObjectNode event = cloudTrail("CreateCluster", "c", "ct-1");
        ((ObjectNode) event.get("detail")).put("errorCode", "ResourceInUseException");
        Dispatch.Ignore ignore = assertInstanceOf(Dispatch.Ignore.class, fromEvent(event));
        assertTrue(ignore.reason().contains("failed (ResourceInUseException)"), ignore.reason());
    }

    @Test
    void fromEvent_whenOnlyTheOldRequestFieldNamesTheCluster_usesIt() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree("""
                {"detail-type":"AWS API Call via CloudTrail","source":"aws.eks",
                 "detail":{"eventName":"CreateCluster","eventID":"x","requestParameters":{"clusterName":"legacy"}}}
                """);
        assertEquals("legacy", ((Dispatch.Start) fromEvent(event)).input().get("cluster").asText());
    }

    @Test
    void fromEvent_whenEventNamesNoCluster_isInvalidInput() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree("""
                {"detail-type":"AWS API Call via CloudTrail","source":"aws.eks",
                 "detail":{"eventName":"CreateCluster","eventID":"x","requestParameters":{}}}
                """);
        assertThrows(InvalidInputException.class, () -> fromEvent(event));
    }

    @Test
    void fromEvent_whenCloudTrailEventNamesNoCall_refusesIt() throws Exception {
        ObjectNode event = cloudTrail("CreateCluster", "c", "ct-1");
        ((ObjectNode) event.get("detail")).remove("eventName");
        assertEquals("the AWS API Call via CloudTrail event has no detail.eventName", refusal(event));
    }

    @Test
    void fromEvent_whenConfigUploaded_appliesThatVersion() throws Exception {
        Dispatch.Start start = (Dispatch.Start) fromEvent(objectCreated("clusters/dev-cluster.yml", "v7"));
        JsonNode in = start.input();
        assertEquals("apply", in.get("action").asText());
        assertEquals("dev-cluster", in.get("cluster").asText());
        assertEquals("clusters/dev-cluster.yml", in.get("configKey").asText());
        assertEquals("v7", in.get("configVersion").asText());
        assertTrue(start.name().startsWith("apply-dev-cluster-v7_"), start.name());
    }

    @Test
    void fromEvent_whenKeyIsNestedOrNotAConfig_ignoresIt() throws Exception {
        assertInstanceOf(Dispatch.Ignore.class, fromEvent(objectCreated("clusters/team/x.yaml", "v1")));
        assertInstanceOf(Dispatch.Ignore.class, fromEvent(objectCreated("clusters/x.txt", "v1")));
        Dispatch.Ignore defaults = assertInstanceOf(Dispatch.Ignore.class,
                fromEvent(objectCreated("defaults/cluster.yaml", "v1")));
        assertTrue(defaults.reason().contains("starts no run itself"), defaults.reason());
    }

    static String refusal(JsonNode event) {
        return assertThrows(InvalidInputException.class, () -> fromEvent(event)).getMessage();
    }

    @Test
    void fromEvent_whenKeyIsOutsideClustersAndDefaults_refusesIt() throws Exception {
        assertEquals("object \"reports/x/e.json\" is outside clusters/ and defaults/; only cluster configs start "
                + "runs, and the rule delivers nothing else", refusal(objectCreated("reports/x/e.json", "v1")));
        assertTrue(refusal(objectCreated("../clusters/x.yaml", "v1")).contains("outside clusters/ and defaults/"));
    }

    @Test
    void fromEvent_whenKeyIsLongerThanS3Allows_refusesIt() throws Exception {
        String key = "clusters/" + "a".repeat(1020) + ".yaml";
        assertEquals("detail.object.key is 1034 bytes; S3 keys have at most 1024, so this is not an S3 event",
                refusal(objectCreated(key, "v1")));
    }

    @Test
    void fromEvent_whenDetailIsMissingOrNotAnObject_refusesIt() throws Exception {
        ObjectNode noDetail = objectCreated("clusters/c.yaml", "v1");
        noDetail.remove("detail");
        assertEquals("the Object Created event has no detail object; nothing to do", refusal(noDetail));
        ObjectNode stringDetail = cloudTrail("CreateCluster", "c", "ct-1");
        stringDetail.put("detail", "CreateCluster");
        assertEquals("the AWS API Call via CloudTrail event has no detail object; nothing to do",
                refusal(stringDetail));
        ObjectNode noObject = objectCreated("clusters/c.yaml", "v1");
        ((ObjectNode) noObject.get("detail")).remove("object");
        assertEquals("the Object Created event has no detail.object; nothing to do", refusal(noObject));
    }

    @Test
    void fromEvent_whenFieldsHaveTheWrongType_refusesNamingTheField() throws Exception {
        ObjectNode numericKey = objectCreated("clusters/c.yaml", "v1");
        ((ObjectNode) numericKey.at("/detail/object")).put("key", 42);
        assertEquals("detail.object.key must be a string, got number", refusal(numericKey));
        ObjectNode listSource = cloudTrail("CreateCluster", "c", "ct-1");
        listSource.putArray("source").add("aws.eks");
        assertEquals("source must be a string, got array", refusal(listSource));
        ObjectNode objectEventId = cloudTrail("CreateCluster", "c", "ct-1");
        ((ObjectNode) objectEventId.get("detail")).putObject("eventID");
        assertEquals("detail.eventID must be a string, got object", refusal(objectEventId));
        assertEquals("the event must be a JSON object (an EventBridge event), got array",
                refusal(JSON.readTree("[1]")));
    }

    @Test
    void fromEvent_whenClusterNameOrTriggerIdIsNotWhatAwsSends_refusesIt() throws Exception {
        assertTrue(refusal(cloudTrail("CreateCluster", "bad name", "ct-1"))
                .contains("names cluster \"bad name\", which is not an EKS cluster name"));
        assertTrue(refusal(cloudTrail("CreateCluster", "c", "x".repeat(1025)))
                .startsWith("detail.eventID must be 1-1024 printable characters without spaces"));
        assertTrue(refusal(objectCreated("clusters/c.yaml", "v 1"))
                .startsWith("detail.object.version-id must be 1-1024 printable characters"));
    }

    @Test
    void fromEvent_whenSourceIsUnknown_ignoresIt() throws Exception {
        assertInstanceOf(Dispatch.Ignore.class, fromEvent(JSON.readTree("{\"source\":\"aws.ec2\"}")));
    }
}
