package dev.podidentity.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.podidentity.autopilot.aws.Priming;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs in a fresh JVM on a function's deployment jar, as Lambda's init and first invoke would: construct the
 * handler (init), call it once (first response), print the milliseconds since the JVM started for each, and the
 * call's own milliseconds. With {@code -Dcoldstart.prime=true} the SnapStart priming runs between the two, as before
 * a snapshot: the call is then what a restored function's first request costs (restore itself not counted).
 * Usage: {@code ColdStartDriver HANDLER_CLASS PAYLOAD_FILE SPAWNED_AT_EPOCH_MILLIS}: the last is the parent's clock
 * right before it started this JVM, so the times count the JVM's own start too, as a Lambda cold start does. With
 * {@code -Dcoldstart.cpuQuotaFile} and {@code -Dcoldstart.invokeQuotaUs} ({@link LambdaCpu}) the JVM's cgroup gets the
 * invocation's CPU quota when init is done, as Lambda throttles an invocation and not an on-demand init.
 *
 * <p>Not {@code ProcessHandle.current().info().startInstant()}: on Linux that is {@code /proc/stat}'s boot time, in
 * whole seconds, plus the process's start in ticks since boot, so it is early by the boot time's lost fraction (0.73 s
 * on the machine where this was found), which adds the same constant to every time and pulls every ratio toward 1.
 */
public final class ColdStartDriver {
    private ColdStartDriver() {
    }

    public static void main(String[] args) throws Exception {
        Instant jvmStart = Instant.ofEpochMilli(Long.parseLong(args[2]));
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getConstructor().newInstance();
        long init = Duration.between(jvmStart, Instant.now()).toMillis();
        if (Boolean.getBoolean("coldstart.prime")) {
            // what SnapStart's beforeCheckpoint runs: the first request below then starts where a restore would
            Priming.run();
        }
        String quotaFile = System.getProperty("coldstart.cpuQuotaFile");
        if (quotaFile != null) {
            // the invocation's CPU from here on (a snapshot's priming, above, ran at init's)
            Files.writeString(Path.of(quotaFile), System.getProperty("coldstart.invokeQuotaUs"));
        }
        byte[] payload = Files.readAllBytes(Path.of(args[1]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String error = "";
        long called = System.nanoTime();
        try {
            handler.handleRequest(new ByteArrayInputStream(payload), out, new OneMinute(args[0]));
        } catch (RuntimeException e) {
            error = e.getClass().getSimpleName();
            // why, for the benchmark's stderr: a row that threw times a refusal, not the work
            System.out.println("COLDSTART-ERROR " + args[0] + ": " + e);
        }
        long call = (System.nanoTime() - called) / 1_000_000;
        long first = Duration.between(jvmStart, Instant.now()).toMillis();
        System.out.println("COLDSTART init=" + init + " first=" + first + " call=" + call + " error=" + error
                + " bytes=" + out.toString(StandardCharsets.UTF_8).length());
    }

    /** What Lambda hands a handler, for an invocation with a minute left. */
    private record OneMinute(String handler) implements Context {
        @Override public String getAwsRequestId() { return "coldstart"; }
        @Override public String getLogGroupName() { return "/aws/lambda/coldstart"; }
        @Override public String getLogStreamName() { return "coldstart"; }
        @Override public String getFunctionName() { return handler; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-west-2:111122223333:function:x"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 60_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }
        @Override public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { System.err.print(message); }
                @Override public void log(byte[] message) { System.err.write(message, 0, message.length); }
            };
        }
    }
}
