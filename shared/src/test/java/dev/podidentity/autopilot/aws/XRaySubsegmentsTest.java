package dev.podidentity.autopilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;

class XRaySubsegmentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = "{\"format\": \"json\", \"version\": 1}\n";

    @Test
    void eachCall_sendsOneSubsegmentOfTheInvocationsSegment_toTheDaemon() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/clusters/ok", exchange -> {
            byte[] body = "{\"cluster\":{\"name\":\"ok\",\"status\":\"ACTIVE\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-amzn-RequestId", "req-1");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/clusters/busy", exchange -> {
            byte[] body = "{\"message\":\"Rate exceeded\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "ThrottlingException");
            exchange.getResponseHeaders().add("x-amzn-RequestId", "req-2");
            exchange.sendResponseHeaders(429, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        AtomicReference<String> header = new AtomicReference<>(
                "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
        try (DatagramSocket daemon = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            daemon.setSoTimeout(5_000);
            XRaySubsegments tracing = new XRaySubsegments(
                    new InetSocketAddress("127.0.0.1", daemon.getLocalPort()), header::get);
            try (EksClient eks = EksClient.builder().region(Region.US_WEST_2)
                    .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .overrideConfiguration(o -> o.addExecutionInterceptor(Priming.STOP_BEFORE_SENDING)
                            .addExecutionInterceptor(tracing).retryStrategy(r -> r.maxAttempts(1)))
                    .build()) {
                eks.describeCluster(r -> r.name("ok"));
                JsonNode ok = receive(daemon);
                assertEquals("Eks", ok.path("name").asText());
                assertEquals("subsegment", ok.path("type").asText());
                assertEquals("aws", ok.path("namespace").asText());
                assertEquals("1-5759e988-bd862e3fe1be46a994272793", ok.path("trace_id").asText());
                assertEquals("53995c3f42cd8ad8", ok.path("parent_id").asText());
                assertTrue(ok.path("id").asText().matches("[0-9a-f]{16}"), ok.toString());
                assertEquals("DescribeCluster", ok.path("aws").path("operation").asText());
                assertEquals("us-west-2", ok.path("aws").path("region").asText());
                assertEquals("req-1", ok.path("aws").path("request_id").asText());
                assertEquals(200, ok.path("http").path("response").path("status").asInt());
                assertTrue(ok.path("end_time").asDouble() >= ok.path("start_time").asDouble());
                assertTrue(ok.path("start_time").asDouble() > 1.7e9, "seconds since the epoch");
                assertTrue(ok.path("error").isMissingNode() && ok.path("fault").isMissingNode(), ok.toString());

                assertThrows(SdkException.class, () -> eks.describeCluster(r -> r.name("busy")));
                JsonNode busy = receive(daemon);
                assertEquals(429, busy.path("http").path("response").path("status").asInt());
                assertTrue(busy.path("error").asBoolean() && busy.path("throttle").asBoolean(), busy.toString());
                assertEquals("req-2", busy.path("aws").path("request_id").asText());
                assertTrue(busy.path("cause").path("exceptions").get(0).path("type").asText().endsWith("eks.model.ThrottlingException"),
                        busy.toString());

                // not sampled, no invocation, or priming before the snapshot: nothing is sent
                header.set("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0");
                eks.describeCluster(r -> r.name("ok"));
                header.set(null);
                eks.describeCluster(r -> r.name("ok"));
                header.set("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
                Priming.offline(() -> eks.describeCluster(r -> r.name("ok")));
                daemon.setSoTimeout(500);
                assertThrows(SocketTimeoutException.class, () -> receive(daemon));
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void daemonAddress_acceptsBothForms_andNamesTheVariableWhenWrong() {
        assertEquals(new InetSocketAddress("169.254.79.129", 2000), XRaySubsegments.daemonAddress("169.254.79.129:2000"));
        assertEquals(new InetSocketAddress("127.0.0.2", 2001),
                XRaySubsegments.daemonAddress("tcp:127.0.0.1:2000 udp:127.0.0.2:2001"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> XRaySubsegments.daemonAddress("localhost"));
        assertTrue(e.getMessage().startsWith("AWS_XRAY_DAEMON_ADDRESS"), e.getMessage());
        assertNull(XRaySubsegments.Trace.parse("Root=1-abc;Sampled=1"), "no Parent: nothing to attach to");
    }

    private static JsonNode receive(DatagramSocket daemon) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        daemon.receive(packet);
        String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        assertTrue(text.startsWith(HEADER), text);
        return JSON.readTree(text.substring(HEADER.length()));
    }
}
