package dev.podidentity.local.moto;

import static java.nio.charset.StandardCharsets.US_ASCII;
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

    /**
     * The launcher's HTTP/1.1 server (instead of werkzeug's, which closes every connection): two requests on one
     * connection, an Expect: 100-continue answered before the body is sent, a chunked body decoded, HEAD without a
     * body. moto reads the service from the credential scope and does not check signatures.
     */
    @Test
    void server_keepsConnectionsOpen_answers100Continue_andDecodesChunkedBodies(@TempDir Path logDir) throws Exception {
        try (MotoServer moto = MotoServer.start(MotoOptions.defaults().withLogDir(logDir));
             java.net.Socket socket = new java.net.Socket("127.0.0.1", moto.port())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            String s3 = "Host: 127.0.0.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential=a/20261207/us-east-1/s3/aws4_request, "
                    + "SignedHeaders=host, Signature=0\r\n";

            out.write(("PUT /keep-alive-bucket HTTP/1.1\r\n" + s3 + "Content-Length: 0\r\n\r\n").getBytes(US_ASCII));
            assertEquals(200, Response.read(in).status());

            out.write(("PUT /keep-alive-bucket/k%20ey HTTP/1.1\r\n" + s3 + "Transfer-Encoding: chunked\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(US_ASCII));
            assertEquals(100, Response.read(in).status(), "100 Continue before the body is sent");
            out.write("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n".getBytes(US_ASCII));
            assertEquals(200, Response.read(in).status());

            out.write(("HEAD /keep-alive-bucket/k%20ey HTTP/1.1\r\n" + s3 + "\r\n").getBytes(US_ASCII));
            Response head = Response.read(in, false);
            assertEquals(200, head.status());
            assertEquals("11", head.headers().get("content-length"));

            out.write(("GET /keep-alive-bucket/k%20ey HTTP/1.1\r\n" + s3 + "\r\n").getBytes(US_ASCII));
            Response get = Response.read(in);
            assertEquals(200, get.status());
            assertEquals("hello world", get.body(), "the chunked body, decoded, under the percent-decoded key");
            assertEquals("keep-alive", get.headers().get("connection"), "four requests, one connection");
        }
    }

    /** One HTTP/1.1 response read off a connection: status, headers (lower-case names), body of Content-Length. */
    private record Response(int status, java.util.Map<String, String> headers, String body) {
        static Response read(java.io.InputStream in) throws java.io.IOException {
            return read(in, true);
        }

        static Response read(java.io.InputStream in, boolean hasBody) throws java.io.IOException {
            int status = Integer.parseInt(line(in).split(" ")[1]);
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), h.substring(colon + 1).trim());
            }
            int length = hasBody && status >= 200 ? Integer.parseInt(headers.getOrDefault("content-length", "0")) : 0;
            return new Response(status, headers, new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8));
        }

        private static String line(java.io.InputStream in) throws java.io.IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("connection closed after: " + b);
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }
    }
}
