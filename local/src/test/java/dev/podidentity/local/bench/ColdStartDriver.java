package dev.podidentity.local.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs in a fresh JVM on a function's deployment jar, as Lambda's init and first invoke would: construct the
 * handler (init), call it once (first response), print the milliseconds since the JVM started for each.
 * Usage: {@code ColdStartDriver HANDLER_CLASS PAYLOAD_FILE}.
 */
public final class ColdStartDriver {
    private ColdStartDriver() {
    }

    public static void main(String[] args) throws Exception {
        Instant jvmStart = ProcessHandle.current().info().startInstant().orElseThrow();
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getConstructor().newInstance();
        long init = Duration.between(jvmStart, Instant.now()).toMillis();
        byte[] payload = Files.readAllBytes(Path.of(args[1]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String error = "";
        try {
            handler.handleRequest(new ByteArrayInputStream(payload), out, null);
        } catch (RuntimeException e) {
            error = e.getClass().getSimpleName();
        }
        long first = Duration.between(jvmStart, Instant.now()).toMillis();
        System.out.println("COLDSTART init=" + init + " first=" + first + " error=" + error + " bytes="
                + out.toString(StandardCharsets.UTF_8).length());
    }
}
