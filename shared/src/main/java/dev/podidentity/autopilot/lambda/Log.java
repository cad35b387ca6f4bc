package dev.podidentity.autopilot.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line on stdout, which CloudWatch Logs indexes field by field. Every line of a run carries
 * the execution name and the cluster, so one query finds everything a run did across all functions.
 */
public final class Log {
    /**
     * The invocation a line belongs to (request id, function name, cold start), as Lambda's JSON log format names
     * them; set by the handler base for the duration of one invocation, inherited by the threads it starts.
     */
    private static final InheritableThreadLocal<Map<String, Object>> INVOCATION = new InheritableThreadLocal<>();

    /** Where lines go: stdout in Lambda (CloudWatch Logs); the local runner sends them to a file. */
    private static volatile PrintStream sink = System.out;

    private final Map<String, String> context;
    private final PrintStream out;

    private Log(Map<String, String> context, PrintStream out) {
        this.context = context;
        this.out = out;
    }

    public static Log forRun(String execution, String cluster) {
        Map<String, String> ctx = new LinkedHashMap<>();
        ctx.put("execution", execution == null ? "" : execution);
        ctx.put("cluster", cluster == null ? "" : cluster);
        return new Log(ctx, null);
    }

    /** Sends every later line to {@code out} instead of stdout. */
    public static void sendTo(PrintStream out) {
        sink = out;
    }

    /**
     * One line exactly as given (already JSON), e.g. a metrics document in CloudWatch's embedded metric format, to
     * where the other lines go.
     */
    public static void emit(String jsonLine) {
        sink.println(jsonLine);
    }

    /** Every line this thread (and the threads it starts) writes until {@link #endInvocation()} names the invocation. */
    public static void beginInvocation(String requestId, String functionName, boolean coldStart) {
        Map<String, Object> invocation = new LinkedHashMap<>();
        invocation.put("requestId", requestId);
        invocation.put("functionName", functionName);
        invocation.put("coldStart", coldStart);
        INVOCATION.set(invocation);
    }

    public static void endInvocation() {
        INVOCATION.remove();
    }

    /**
     * The error an invocation ends with, as one line of the invocation: its type and message. An error of ours (an
     * {@code AutopilotException}: bad input, a conflict, something not ours) says all it means in its message, so it
     * carries no stack trace; any other error is a bug or the runtime's, and its frames (and its causes') go in the
     * line's {@code stackTrace} field, never as loose lines that CloudWatch would index one by one.
     */
    public static void invocationFailed(Throwable error, boolean withStackTrace) {
        java.util.List<Object> fields = new java.util.ArrayList<>(java.util.List.of(
                "errorType", error.getClass().getName(),
                "errorMessage", String.valueOf(error.getMessage())));
        if (withStackTrace) {
            java.util.List<String> frames = new java.util.ArrayList<>();
            for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t != error) {
                    frames.add("Caused by: " + t);
                }
                for (StackTraceElement frame : t.getStackTrace()) {
                    frames.add(frame.toString());
                }
            }
            fields.add("stackTrace");
            fields.add(frames);
        }
        new Log(Map.of(), null).write("ERROR", "invocation failed: " + error.getClass().getSimpleName(),
                fields.toArray());
    }

    /** The same context plus one more field, e.g. the step id. */
    public Log with(String key, String value) {
        Map<String, String> ctx = new LinkedHashMap<>(context);
        ctx.put(key, value);
        return new Log(ctx, out);
    }

    public void info(String message, Object... keyValues) {
        write("INFO", message, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write("WARN", message, keyValues);
    }

    public void error(String message, Object... keyValues) {
        write("ERROR", message, keyValues);
    }

    private void write(String level, String message, Object... keyValues) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("message", message);
        Map<String, Object> invocation = INVOCATION.get();
        if (invocation != null) {
            line.putAll(invocation);
        }
        line.putAll(context);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        PrintStream target = out != null ? out : sink;
        try {
            target.println(JsonHandler.MAPPER.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            target.println("{\"level\":\"ERROR\",\"message\":\"unloggable line\"}");
        }
    }
}
