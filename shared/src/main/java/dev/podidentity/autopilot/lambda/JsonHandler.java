package dev.podidentity.autopilot.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.podidentity.autopilot.aws.Priming;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.podidentity.autopilot.error.AutopilotException;
import dev.podidentity.autopilot.error.InvalidInputException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A Lambda handler that reads and writes JSON with our own Jackson mapper (records, our enums' wire names), so
 * the payload shapes are the same in AWS, in {@code sam local invoke} and in the local cloud's in-process
 * invocations. Subclasses are thin: parse, call one service method, return; typed exceptions escape unchanged so
 * Step Functions sees their class names.
 */
public abstract class JsonHandler<I, O> implements RequestStreamHandler {
    static {
        // before the mapper below: without SnapStart the SDK's HTTP client and TLS context build beside it
        Priming.beginWarmUp();
    }

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Handler classes that have been invoked in this JVM: the first invocation of each is its cold start. */
    private static final java.util.Set<Class<?>> INVOKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Class<I> inputType;
    private final ObjectMapper reader;

    protected JsonHandler(Class<I> inputType) {
        this(inputType, MAPPER);
    }

    /** A handler whose input needs a binding of its own ({@link EventBridgeEvents#MAPPER}); the output is ours. */
    protected JsonHandler(Class<I> inputType, ObjectMapper reader) {
        this.inputType = inputType;
        this.reader = reader;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) {
        // a priming sample request (Priming): not the function's first, and it sent nothing of its own
        boolean sample = Priming.active();
        boolean coldStart = !sample && INVOKED.add(getClass());
        Log.beginInvocation(context == null ? "local-" + java.util.UUID.randomUUID() : context.getAwsRequestId(),
                context == null ? getClass().getSimpleName() : context.getFunctionName(), coldStart);
        try {
            respond(input, output, context);
        } catch (RuntimeException e) {
            throw withoutStackTraces(e);
        } finally {
            if (!sample) {
                // the throttle counts are the real request's, for it to flush
                ThrottleMetrics.flush();
            }
            Log.endInvocation();
        }
    }

    /**
     * The error as the state machine gets it: Lambda's Java runtime puts the stack trace of an escaping exception (and
     * of its causes) in the error's Cause, 2-10 KB that every failed task would carry in the run's state. The error
     * goes to the function's log as one JSON line (with the trace only when it is not one of ours); the exception
     * goes on with its class (the error name the ASL matches) and message.
     */
    static RuntimeException withoutStackTraces(RuntimeException e) {
        Log.invocationFailed(e, !(e instanceof AutopilotException));
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            t.setStackTrace(new StackTraceElement[0]);
        }
        return e;
    }

    private void respond(InputStream input, OutputStream output, Context context) {
        I request;
        try {
            request = reader.readValue(input, inputType);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the " + getClass().getSimpleName() + " input is not a valid "
                    + inputType.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        O response = handle(request, context);
        try {
            MAPPER.writeValue(output, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected abstract O handle(I request, Context context);

    /**
     * SnapStart priming (see {@link Priming}): after the step, the snapshot holds this handler's code path for a
     * request like {@code sample} (Jackson's bindings in and out, the SDK calls it makes, built but not sent). Without
     * SnapStart the same step runs now, as a warm-up, and init ends when it has (the last thing a constructor calls).
     */
    protected final void primeBeforeSnapshot(Runnable clients, String sample) {
        Priming.beforeSnapshot(() -> {
            clients.run();
            Priming.offline(() -> handleRequest(new ByteArrayInputStream(sample.getBytes(StandardCharsets.UTF_8)),
                    new ByteArrayOutputStream(), null));
            try {
                MAPPER.writeValueAsBytes(MAPPER.readTree(sample));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Priming.finishWarmUp();
    }
}
