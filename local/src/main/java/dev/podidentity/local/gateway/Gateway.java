package dev.podidentity.local.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.podidentity.local.eks.EksEmulator;
import dev.podidentity.local.eks.EksRestApi;
import dev.podidentity.local.iam.HttpCall;
import dev.podidentity.local.iam.IamAuthorizer;
import dev.podidentity.local.iam.RequestContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;

/**
 * One HTTP port in front of the local cloud:
 * <ul>
 *   <li>Lambda Invoke → the in-process {@link LambdaInvoker};</li>
 *   <li>EKS add-on, pod identity association, access entry and add-on catalog routes → the {@link EksEmulator};</li>
 *   <li>everything else → moto, unchanged (DescribeCluster answers get the emulator's status / Auto Mode overlay).</li>
 * </ul>
 * Every call is counted per service and operation, then held to the account's {@link RateLimits} (a call over a
 * limit is answered with the service's throttling error), then faults are applied if a rule matches.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "date");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String defaultRegion;
    private final String accountId;
    private final EksRestApi eksApi;
    private final EksEmulator emulator;
    private final CallCounter calls = new CallCounter();
    private final FaultInjector faults = new FaultInjector();
    private final RateLimits rateLimits = new RateLimits();
    private final RoleViews roleViews = new RoleViews();
    private volatile Runnable eksWritten = () -> { };
    private volatile URI moto;
    private volatile LambdaInvoker lambdas;
    private volatile IamAuthorizer authorizer;
    /** -Dgateway.trace=FILE: one line per call with where its time went (for the benchmarks; off by default). */
    private final CallTrace trace = CallTrace.fromSystemProperty("gateway.trace");

    private Gateway(HttpServer server, String accountId, String defaultRegion, EksEmulator emulator, LambdaInvoker lambdas) {
        this.server = server;
        this.accountId = accountId;
        this.defaultRegion = defaultRegion;
        this.emulator = emulator;
        this.eksApi = new EksRestApi(emulator);
        this.lambdas = lambdas;
    }

    /**
     * Binds 127.0.0.1:{@code port} (0 = a free port) and starts serving. The moto endpoint can be set later
     * ({@link #upstream(URI)}), because moto itself must be told the gateway port first.
     */
    public static Gateway start(int port, String accountId, String defaultRegion, EksEmulator emulator, LambdaInvoker lambdas) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
            Gateway gateway = new Gateway(server, accountId, defaultRegion, emulator, lambdas);
            server.setExecutor(gateway.executor);
            server.createContext("/", gateway::handle);
            server.start();
            return gateway;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind the gateway on 127.0.0.1:" + port, e);
        }
    }

    public Gateway upstream(URI motoEndpoint) {
        this.moto = Objects.requireNonNull(motoEndpoint);
        return this;
    }

    public void lambdaInvoker(LambdaInvoker invoker) {
        this.lambdas = Objects.requireNonNull(invoker);
    }

    /** The roles' views the local cloud's own checks read, dropped as IAM calls through here change them. */
    public RoleViews roleViews() {
        return roleViews;
    }

    /** Run after moto has served an EKS write sent through here (a cluster made, changed or deleted). */
    public void onEksWrite(Runnable listener) {
        this.eksWritten = Objects.requireNonNull(listener);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /**
     * From now on, every call a function makes (a call carrying {@link FunctionInvocations#FUNCTION_HEADER}) is
     * authorized against that function's role first; refused calls get the service's AccessDenied answer.
     */
    public void authorizer(IamAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    public Optional<IamAuthorizer> authorizer() {
        return Optional.ofNullable(authorizer);
    }

    public CallCounter calls() {
        return calls;
    }

    public FaultInjector faults() {
        return faults;
    }

    /** The account's rate limits (none by default). */
    public RateLimits rateLimits() {
        return rateLimits;
    }

    private void handle(HttpExchange exchange) {
        long arrived = System.nanoTime();
        CallTrace.Timer timer = trace.start();
        CallScope.open();
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            String rawPath = uri.getRawPath();
            RequestClassifier.Call call = RequestClassifier.classify(method, rawPath, uri.getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body, defaultRegion);
            calls.record(call.service(), call.operation());
            timer.call(call.service(), call.operation());

            String function = exchange.getRequestHeaders().getFirst(FunctionInvocations.FUNCTION_HEADER);
            IamAuthorizer iam = authorizer;
            HttpCall httpCall = new HttpCall(call.service(), call.operation(), call.region(), method, rawPath,
                    uri.getRawQuery(), exchange.getRequestHeaders().getFirst("Content-Type"), body);
            timer.lap("classify");
            if (function != null && iam != null) {
                Optional<IamAuthorizer.Denial> denied = iam.authorize(function, httpCall);
                timer.lap("authorize");
                if (denied.isPresent()) {
                    sendShape(exchange, ErrorShapes.accessDenied(call.service(), denied.get().message()));
                    return;
                }
            }

            // the bucket is checked as the call arrives; a throttled answer takes the injected latency too
            boolean admitted = rateLimits.admit(call.service(), call.operation());
            boolean fromFunction = exchange.getRequestHeaders().getFirst(FunctionInvocations.INVOCATION_HEADER) != null;
            FaultInjector.Decision decision = admitted ? faults.decide(call.service(), call.operation(), fromFunction)
                    : new FaultInjector.Decision(faults.steadyLatency(call.service(), call.operation()), null, false);
            timer.lap("limits");
            if (decision.latencyMs() > 0) {
                // the latency is the service's time to answer: the local cloud's own work (moto, the emulator) is
                // done within it, as AWS's is within its latency, and the answer waits for the rest of it
                ANSWER_AT.set(new AnswerTime(arrived + decision.latencyMs() * 1_000_000L, timer));
            }
            if (!admitted) {
                sendShape(exchange, ErrorShapes.throttle(call.service()));
                return;
            }
            if (decision.error() != null) {
                ErrorShapes.Shape shape = decision.error().kind() == FaultRule.Kind.THROTTLE
                        ? ErrorShapes.throttle(call.service())
                        : ErrorShapes.serverError(call.service(), decision.error().status());
                sendShape(exchange, shape);
                return;
            }
            if (decision.crash()) {
                // served as usual; the calling function's runtime dies as the answer reaches it
                exchange.getResponseHeaders().set(FunctionInvocations.CRASH_HEADER, FunctionInvocations.EXIT_ERROR);
            }

            Matcher invoke = RequestClassifier.INVOKE.matcher(rawPath);
            if (invoke.matches() && method.equals("POST")) {
                CallScope.close(); // the function's own calls are calls of their own
                invokeLambda(exchange, URLDecoder.decode(invoke.group(1), StandardCharsets.UTF_8), body, call.region());
                return;
            }
            if (call.service().equals("eks")) {
                String op = EksRestApi.operation(method, rawPath).orElse("");
                if (EksRestApi.routesToEmulator(method, rawPath, uri.getRawQuery())) {
                    EksRestApi.Response response = eksApi.handle(method, rawPath, uri.getRawQuery(), body, call.region());
                    timer.lap("emulator");
                    sendJson(exchange, response.status(), response.errorType(), response.body());
                    return;
                }
                if (op.equals("DescribeCluster")) {
                    forward(exchange, httpCall, true, null, timer);
                    return;
                }
            }
            forward(exchange, httpCall, false, hiddenMissingKey(function, iam, httpCall), timer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "gateway failed on " + exchange.getRequestMethod() + " " + exchange.getRequestURI(), e);
            try {
                sendJson(exchange, 500, "InternalFailure", ("{\"message\":\"gateway failure: " + e + "\"}").getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException ignored) {
                // the response may have been started already; the client sees a broken answer
            }
        } finally {
            ANSWER_AT.remove();
            CallScope.close();
            timer.end();
        }
    }

    // ---------------------------------------------------------------- Lambda

    private void invokeLambda(HttpExchange exchange, String functionRef, byte[] body, String region) throws IOException {
        String name = functionName(functionRef);
        String invocationType = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
        if ("DryRun".equals(invocationType)) {
            holdUntilAnswerTime();
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        String result;
        String invocation = FunctionInvocations.newId();
        try {
            result = FunctionInvocations.within(invocation,
                    () -> lambdas.invoke(name, new String(body, StandardCharsets.UTF_8)));
        } catch (LambdaInvoker.FunctionNotFoundException e) {
            String arn = "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name;
            sendJson(exchange, 404, "ResourceNotFoundException",
                    JSON.writeValueAsBytes(JSON.createObjectNode().put("Type", "User").put("Message", "Function not found: " + arn)));
            return;
        } catch (Exception | Error failure) {
            // Lambda reports a function's exception as a successful Invoke with X-Amz-Function-Error.
            exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
            exchange.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
            ObjectNode payload = FunctionInvocations.isCrash(failure) ? runtimeExit(invocation) : errorPayload(failure);
            sendJson(exchange, 200, null, JSON.writeValueAsBytes(payload));
            return;
        }
        exchange.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
        if ("Event".equals(invocationType)) {
            holdUntilAnswerTime();
            exchange.sendResponseHeaders(202, -1);
            return;
        }
        sendJson(exchange, 200, null, (result == null ? "null" : result).getBytes(StandardCharsets.UTF_8));
    }

    /** The Java runtime's error document: fully qualified class name as errorType, frames as strings, causes nested. */
    static ObjectNode errorPayload(Throwable failure) {
        ObjectNode out = JSON.createObjectNode();
        out.put("errorMessage", failure.getMessage());
        out.put("errorType", failure.getClass().getName());
        ArrayNode frames = out.putArray("stackTrace");
        for (StackTraceElement frame : failure.getStackTrace()) {
            frames.add(frame.getClassName() + "." + frame.getMethodName() + "(" + frame.getFileName() + ":" + frame.getLineNumber() + ")");
        }
        if (failure.getCause() != null && failure.getCause() != failure) {
            out.set("cause", errorPayload(failure.getCause()));
        }
        return out;
    }

    /** What Lambda answers when the function's process exits before it returns: no stack trace, the runtime's words. */
    static ObjectNode runtimeExit(String requestId) {
        return JSON.createObjectNode()
                .put("errorMessage", "RequestId: " + requestId + " Error: Runtime exited with error: exit status 1")
                .put("errorType", FunctionInvocations.EXIT_ERROR);
    }

    /** A function name, a partial ARN (account:function:name) or a full ARN, with or without a qualifier. */
    static String functionName(String reference) {
        String ref = reference;
        int marker = ref.indexOf(":function:");
        if (marker >= 0) {
            ref = ref.substring(marker + ":function:".length());
        } else if (ref.startsWith("function:")) {
            ref = ref.substring("function:".length());
        }
        int qualifier = ref.indexOf(':');
        return qualifier >= 0 ? ref.substring(0, qualifier) : ref;
    }

    // ---------------------------------------------------------------- moto

    /**
     * S3 answers a GetObject/HeadObject of a missing key with 403 AccessDenied instead of 404 NoSuchKey when the
     * caller may not list the bucket (S3 API Reference, GetObject "Permissions"). What to send instead of a 404 for
     * this call (null: keep it), decided once the 404 is known. The listing is judged with the key as s3:prefix.
     */
    private static java.util.function.Supplier<ErrorShapes.Shape> hiddenMissingKey(String function, IamAuthorizer iam,
                                                                                     HttpCall call) {
        if (function == null || iam == null || !call.service().equals("s3")
                || !(call.operation().equals("GetObject") || call.operation().equals("HeadObject"))) {
            return () -> null;
        }
        java.util.List<String> s = call.segments();
        if (s.size() < 2) {
            return () -> null;
        }
        String key = String.join("/", s.subList(1, s.size()));
        RequestContext list = new RequestContext("s3:ListBucket", "arn:aws:s3:::" + s.get(0),
                java.util.Map.of("s3:prefix", java.util.List.of(key)));
        return () -> iam.allowsOnTheSide(function, list) ? null
                : ErrorShapes.accessDenied("s3", "Access Denied");
    }

    private void forward(HttpExchange exchange, HttpCall call, boolean describeCluster,
                         java.util.function.Supplier<ErrorShapes.Shape> instead404, CallTrace.Timer timer)
            throws IOException, InterruptedException {
        byte[] body = call.body();
        String region = call.region();
        URI upstream = moto;
        if (upstream == null) {
            sendJson(exchange, 503, "ServiceUnavailable", "{\"message\":\"moto is not attached to the gateway\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        URI target = upstream.resolve(exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(2))
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response = null;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } finally {
            // moto has served it (or may have): what it changed is known before anyone sees the answer
            if (call.service().equals("iam")) {
                roleViews.served(call, response == null ? -1 : response.statusCode(),
                        response == null ? new byte[0] : response.body());
            } else if (call.service().equals("eks") && !CallCounter.isRead(call.operation())) {
                eksWritten.run();
            }
        }
        timer.lap("moto");
        ErrorShapes.Shape denied = instead404 != null && response.statusCode() == 404 ? instead404.get() : null;
        if (denied != null) {
            sendShape(exchange, denied);
            return;
        }
        byte[] out = response.body();
        if (describeCluster && response.statusCode() == 200) {
            ObjectNode merged = emulator.overlayDescribeCluster(region, (ObjectNode) JSON.readTree(out));
            out = JSON.writeValueAsBytes(merged);
        }
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) && !lower.startsWith(":")) {
                values.forEach(value -> exchange.getResponseHeaders().add(name, value));
            }
        });
        boolean head = exchange.getRequestMethod().equals("HEAD");
        int status = response.statusCode();
        holdUntilAnswerTime();
        if (head) {
            response.headers().firstValue("Content-Length").ifPresent(length -> exchange.getResponseHeaders().set("Content-Length", length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        if (status == 204 || status == 304 || out.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(out);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** When this call's answer may leave, and its trace: set when a latency applies to the call. */
    private record AnswerTime(long nanos, CallTrace.Timer timer) {
    }

    private static final ThreadLocal<AnswerTime> ANSWER_AT = new ThreadLocal<>();

    /** Waits until the call's injected latency has passed since it arrived (no latency: returns at once). */
    private static void holdUntilAnswerTime() throws IOException {
        AnswerTime at = ANSWER_AT.get();
        if (at == null) {
            return;
        }
        ANSWER_AT.remove();
        long wait = at.nanos() - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while answering");
            }
        }
        at.timer().lap("latency");
    }

    private static void sendShape(HttpExchange exchange, ErrorShapes.Shape shape) throws IOException {
        holdUntilAnswerTime();
        exchange.getResponseHeaders().set("Content-Type", shape.contentType());
        if (shape.errorTypeHeader() != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", shape.errorTypeHeader());
        }
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(shape.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(shape.status(), shape.body().length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(shape.body());
        }
    }

    private static void sendJson(HttpExchange exchange, int status, String errorType, byte[] body) throws IOException {
        holdUntilAnswerTime();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        trace.close();
    }

    /** For tests and tools that want the raw list of configured rules. */
    public List<FaultRule> faultRules() {
        return faults.rules();
    }
}
