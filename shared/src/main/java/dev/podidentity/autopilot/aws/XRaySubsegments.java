package dev.podidentity.autopilot.aws;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Each AWS SDK call a subsegment of the Lambda function's X-Ray trace: when the call ends, one subsegment document
 * (name the service, namespace {@code aws}, the operation, region, request id, HTTP status, and the error, throttle or
 * fault flag) goes over UDP to the X-Ray daemon Lambda runs ({@code AWS_XRAY_DAEMON_ADDRESS}), with the daemon's
 * header {@code {"format": "json", "version": 1}}, as a separately sent subsegment of the invocation's segment
 * (the {@code Parent} of the trace header Lambda gives each invocation; nothing is sent when it says
 * {@code Sampled=0}). Document format: "AWS X-Ray segment documents" and "Sending trace data to AWS X-Ray" in the
 * X-Ray developer guide.
 * <p>
 * Replaces the X-Ray SDK for Java's {@code TracingInterceptor}: the X-Ray SDKs are in maintenance mode since
 * 2026-02-25 and reach end of support on 2027-02-25 (AWS recommends OpenTelemetry), and that interceptor brought the
 * AWS SDK for Java v1 core, joda-time and Apache HttpClient into every function (about 5 MB of each jar, about 1,000
 * classes loaded at start). The header is what the AWS SDK v2 itself propagates on each request.
 */
public final class XRaySubsegments implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("XRaySubsegments.started");
    private static final byte[] HEADER = "{\"format\": \"json\", \"version\": 1}\n".getBytes(StandardCharsets.UTF_8);

    private final InetSocketAddress daemon;
    private final Supplier<String> traceHeader;
    private final DatagramSocket socket;

    XRaySubsegments(InetSocketAddress daemon, Supplier<String> traceHeader) {
        this.daemon = daemon;
        this.traceHeader = traceHeader;
        try {
            this.socket = new DatagramSocket();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a UDP socket for the X-Ray daemon at " + daemon, e);
        }
    }

    /**
     * In a Lambda function with active tracing (Lambda sets {@code AWS_XRAY_DAEMON_ADDRESS}); null elsewhere (the
     * local cloud, the benchmarks, tests), where there is no segment to attach subsegments to.
     */
    static XRaySubsegments fromEnvironment() {
        String address = System.getenv("AWS_XRAY_DAEMON_ADDRESS");
        if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null || address == null || address.isBlank()) {
            return null;
        }
        // Lambda's Java runtime gives each invocation's header as this property (the environment variable is fixed)
        return new XRaySubsegments(daemonAddress(address),
                () -> System.getProperty("com.amazonaws.xray.traceHeader", System.getenv("_X_AMZN_TRACE_ID")));
    }

    /** {@code host:port}, or the daemon's two-address form {@code tcp:host:port udp:host:port}: the UDP one. */
    static InetSocketAddress daemonAddress(String value) {
        String udp = value.trim();
        for (String part : udp.split("\\s+")) {
            if (part.startsWith("udp:")) {
                udp = part.substring("udp:".length());
            }
        }
        int colon = udp.lastIndexOf(':');
        if (colon <= 0 || udp.contains(" ")) {
            throw new IllegalArgumentException("AWS_XRAY_DAEMON_ADDRESS: expected host:port, got '" + value + "'");
        }
        try {
            return new InetSocketAddress(udp.substring(0, colon), Integer.parseInt(udp.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("AWS_XRAY_DAEMON_ADDRESS: the port of '" + value + "' is not a number", e);
        }
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.currentTimeMillis());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        send(attributes, context.httpResponse(), null);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (primingStop(context.exception())) {
            return;
        }
        send(attributes, context.httpResponse().orElse(null), context.exception());
    }

    private static boolean primingStop(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Priming.NotSent) {
                return true;
            }
        }
        return false;
    }

    private void send(ExecutionAttributes attributes, SdkHttpResponse response, Throwable failure) {
        Trace trace = Trace.parse(traceHeader.get());
        Long started = attributes.getAttribute(STARTED);
        if (trace == null || !trace.sampled() || started == null) {
            return;
        }
        try {
            byte[] doc = document(trace, attributes, response, failure, started, System.currentTimeMillis())
                    .getBytes(StandardCharsets.UTF_8);
            byte[] packet = new byte[HEADER.length + doc.length];
            System.arraycopy(HEADER, 0, packet, 0, HEADER.length);
            System.arraycopy(doc, 0, packet, HEADER.length, doc.length);
            socket.send(new DatagramPacket(packet, packet.length, daemon));
        } catch (IOException | RuntimeException e) {
            // tracing never fails a call; the function's own segment still shows the invocation
        }
    }

    /** The subsegment document of one call (fields: "AWS X-Ray segment documents"). */
    static String document(Trace trace, ExecutionAttributes attributes, SdkHttpResponse response, Throwable failure,
                           long startedMillis, long endedMillis) {
        int status = response == null ? 0 : response.statusCode();
        String requestId = response == null ? null : response.firstMatchingHeader("x-amzn-RequestId")
                .or(() -> response.firstMatchingHeader("x-amz-request-id")).orElse(null);
        Object region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
        StringBuilder json = new StringBuilder(512).append('{');
        field(json, "name", attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)).append(',');
        field(json, "id", String.format(Locale.ROOT, "%016x", ThreadLocalRandom.current().nextLong())).append(',');
        field(json, "trace_id", trace.root()).append(',');
        field(json, "parent_id", trace.parent()).append(',');
        json.append("\"type\":\"subsegment\",\"namespace\":\"aws\",");
        json.append("\"start_time\":").append(seconds(startedMillis)).append(',');
        json.append("\"end_time\":").append(seconds(endedMillis));
        boolean throttled = status == 429 || (failure != null && failure.getClass().getSimpleName().contains("Throttl"));
        if (failure != null || status >= 400) {
            // X-Ray: error for 4xx, throttle for 429 (with error), fault for 5xx and calls that got no answer
            boolean fault = status >= 500 || status == 0;
            json.append(fault ? ",\"fault\":true" : ",\"error\":true");
            if (throttled) {
                json.append(",\"throttle\":true");
            }
        }
        json.append(",\"aws\":{");
        field(json, "operation", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        if (region != null) {
            json.append(',');
            field(json, "region", region.toString());
        }
        if (requestId != null) {
            json.append(',');
            field(json, "request_id", requestId);
        }
        json.append('}');
        if (status > 0) {
            json.append(",\"http\":{\"response\":{\"status\":").append(status).append("}}");
        }
        if (failure != null) {
            json.append(",\"cause\":{\"exceptions\":[{");
            field(json, "id", String.format(Locale.ROOT, "%016x", ThreadLocalRandom.current().nextLong())).append(',');
            field(json, "type", failure.getClass().getName()).append(',');
            String message = failure.getMessage();
            field(json, "message", message == null ? "" : message.length() > 500 ? message.substring(0, 500) : message);
            json.append("}]}");
        }
        return json.append('}').toString();
    }

    private static String seconds(long millis) {
        return (millis / 1000) + "." + String.format(Locale.ROOT, "%03d", millis % 1000);
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":\"");
        String v = value == null ? "" : value;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }

    /** An invocation's trace header: {@code Root=1-...;Parent=...;Sampled=1}. */
    record Trace(String root, String parent, boolean sampled) {
        static Trace parse(String header) {
            if (header == null || header.isBlank()) {
                return null;
            }
            String root = null;
            String parent = null;
            boolean sampled = false;
            for (String part : header.split(";")) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length < 2) {
                    continue;
                }
                switch (kv[0]) {
                    case "Root" -> root = kv[1];
                    case "Parent" -> parent = kv[1];
                    case "Sampled" -> sampled = kv[1].equals("1");
                    default -> { }
                }
            }
            return root == null || parent == null ? null : new Trace(root, parent, sampled);
        }
    }
}
