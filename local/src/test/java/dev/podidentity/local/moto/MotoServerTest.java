package dev.podidentity.local.moto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotoServerTest {

    @Test
    void start_whenMotoInstalled_answersResetsAndStopsWithoutLeavingAProcess(@TempDir Path logDir) throws Exception {
        MotoServer moto = MotoServer.start(MotoOptions.defaults().withLogDir(logDir).withAccountId("111122223333"));
        long pid = moto.pid();
        try {
            assertTrue(moto.isAlive());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> data = http.send(HttpRequest.newBuilder(moto.endpoint().resolve("/moto-api/data.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, data.statusCode());
            assertEquals(URI.create("http://127.0.0.1:" + moto.port()), moto.endpoint());
            moto.reset();
            assertTrue(Files.exists(moto.logFile()), "moto log is kept in the given directory");
            assertTrue(moto.logFile().startsWith(logDir.toAbsolutePath()));
        } finally {
            moto.close();
        }
        assertFalse(moto.isAlive());
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        assertTrue(handle.isEmpty() || !handle.get().isAlive(), "no moto process left behind");
        moto.close(); // closing twice is harmless
    }

    @Test
    void start_whenPortTaken_reportsPortInUseSoCallersCanRetry(@TempDir Path logDir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            MotoUnavailableException e = assertThrows(MotoUnavailableException.class,
                    () -> MotoServer.start(MotoOptions.defaults().withLogDir(logDir).withPort(taken.getLocalPort())));
            assertTrue(e.portInUse(), e.getMessage());
        }
    }

    @Test
    void start_whenPythonExecutableMissing_failsWithInstallHint(@TempDir Path logDir) {
        MotoUnavailableException e = assertThrows(MotoUnavailableException.class,
                () -> MotoServer.start(MotoOptions.defaults().withLogDir(logDir).withPython("/nonexistent/python3-for-moto")));
        assertTrue(e.getMessage().contains("/nonexistent/python3-for-moto"), e.getMessage());
        assertTrue(e.getMessage().contains("pip install 'moto[server]'"), e.getMessage());
    }

    @Test
    void start_whenPythonHasNoMoto_failsWithInstallHint(@TempDir Path logDir) throws Exception {
        // A "python" that behaves like an interpreter without moto: the launcher's import fails.
        Path fakePython = logDir.resolve("python-without-moto");
        Files.writeString(fakePython, "#!/bin/sh\nexec python3 -S -c \"import sys; sys.path=[p for p in sys.path if 'site-packages' not in p]; "
                + "sys.argv=sys.argv[1:]; exec(open(sys.argv[0]).read())\" \"$@\"\n");
        assertTrue(fakePython.toFile().setExecutable(true));
        MotoUnavailableException e = assertThrows(MotoUnavailableException.class,
                () -> MotoServer.start(MotoOptions.defaults().withLogDir(logDir).withPython(fakePython.toString())));
        assertTrue(e.getMessage().contains("pip install 'moto[server]'"), e.getMessage());
    }
}
