package dev.podidentity.autopilot.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.podidentity.autopilot.error.InvalidInputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A Lambda handler that reads and writes JSON with our own Jackson mapper (records, our enums' wire names), so
 * the payload shapes are the same in AWS, in {@code sam local invoke} and in the local cloud's in-process
 * invocations. Subclasses are thin: parse, call one service method, return; typed exceptions escape unchanged so
 * Step Functions sees their class names.
 */
public abstract class JsonHandler<I, O> implements RequestStreamHandler {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Class<I> inputType;

    protected JsonHandler(Class<I> inputType) {
        this.inputType = inputType;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) {
        try {
            respond(input, output, context);
        } catch (RuntimeException e) {
            throw withoutStackTraces(e);
        }
    }

    /**
     * The error as the state machine gets it: Lambda's Java runtime puts the stack trace of an escaping exception (and
     * of its causes) in the error's Cause, 2-10 KB that every failed task would carry in the run's state. The trace
     * goes to the function's log; the exception goes on with its class (the error name the ASL matches) and message.
     */
    static RuntimeException withoutStackTraces(RuntimeException e) {
        e.printStackTrace();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            t.setStackTrace(new StackTraceElement[0]);
        }
        return e;
    }

    private void respond(InputStream input, OutputStream output, Context context) {
        I request;
        try {
            request = MAPPER.readValue(input, inputType);
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
}
