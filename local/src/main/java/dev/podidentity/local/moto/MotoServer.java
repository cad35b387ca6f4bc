package dev.podidentity.local.moto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A moto server child process, started through our launcher (which carries the StartExecution fix), bound to
 * 127.0.0.1. Stopping sends SIGTERM, then kills after a grace period; a JVM shutdown hook does the same if a
 * caller forgets to close.
 */
public final class MotoServer implements AutoCloseable {
    private static final String LAUNCHER_RESOURCE = "/dev/podidentity/local/moto/moto_launcher.py";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path log;
    private volatile Duration startupTime = Duration.ZERO;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.shutdownHook = new Thread(this::stopProcess, "moto-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts moto and waits until it answers; throws {@link MotoUnavailableException} with the reason if it cannot. */
    public static MotoServer start(MotoOptions options) {
        int port = options.port() == 0 ? freePort() : options.port();
        Path log = options.logDir().resolve("moto-" + port + ".log").toAbsolutePath();
        Path launcher = extractLauncher(options.logDir());
        ProcessBuilder builder = new ProcessBuilder(List.of(options.python(), launcher.toString(),
                "-H", "127.0.0.1", "-p", Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("MOTO_PORT", Integer.toString(options.internalPort() == 0 ? port : options.internalPort()));
        env.put("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
        env.put("MOTO_ACCOUNT_ID", options.accountId());
        env.put("PYTHONUNBUFFERED", "1");
        env.putAll(options.extraEnv());

        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new MotoUnavailableException("cannot run python executable '" + options.python()
                    + "' to start moto (" + e.getMessage() + "); install python3 and moto, "
                    + MotoUnavailableException.INSTALL_HINT, e);
        }
        MotoServer server = new MotoServer(process, port, log);
        try {
            server.awaitReady(options.startupTimeout());
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        server.startupTime = Duration.ofNanos(System.nanoTime() - started);
        return server;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String tail = logTail();
                String hint = tail.contains("No module named") || tail.contains("moto is not installed")
                        ? "moto is not installed for this python; " + MotoUnavailableException.INSTALL_HINT
                        : "see " + log;
                throw new MotoUnavailableException("moto exited with code " + process.exitValue() + " before it was ready: "
                        + hint + "\n" + tail, tail.contains("Address already in use"));
            }
            if (answers()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new MotoUnavailableException("moto did not answer on port " + port + " within " + timeout + "; see " + log);
            }
            sleep(50);
        }
    }

    private boolean answers() {
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint().resolve("/moto-api/data.json"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MotoUnavailableException("interrupted while waiting for moto", e);
        }
    }

    private static Path extractLauncher(Path dir) {
        try (InputStream in = MotoServer.class.getResourceAsStream(LAUNCHER_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("launcher resource missing: " + LAUNCHER_RESOURCE);
            }
            Files.createDirectories(dir);
            Path target = dir.resolve("moto_launcher.py");
            // Written beside and moved into place: test JVMs running side by side share the directory, and a moto
            // starting in one must never read the file half written by another.
            Path partial = Files.createTempFile(dir, "moto_launcher-", ".tmp");
            try {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            return target.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the moto launcher into " + dir, e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return log;
    }

    public Duration startupTime() {
        return startupTime;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Wipes every service's state. moto keeps its /moto-api/config settings across a reset. */
    public void reset() {
        post("/moto-api/reset", "");
    }

    /** Sets moto options, e.g. {@code {"stepfunctions":{"execute_state_machine":true}}}. */
    public void configure(String json) {
        post("/moto-api/config", json);
    }

    /** POSTs to a /moto-api path and returns the body; non-2xx answers throw. */
    public String post(String path, String json) {
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint().resolve(path)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("moto " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("moto " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling moto " + path, e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy(); // SIGTERM: moto shuts down cleanly on it
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Drops the safety-net hook, for an owner whose own shutdown hook must still use moto (e.g. to dump state)
     * and then closes it. JVM shutdown hooks run concurrently, so ours would otherwise kill moto too early.
     */
    public void handOverShutdown() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; nothing left to do
        }
    }

    @Override
    public void close() {
        stopProcess();
        handOverShutdown();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MotoUnavailableException("interrupted while waiting for moto", e);
        }
    }
}
