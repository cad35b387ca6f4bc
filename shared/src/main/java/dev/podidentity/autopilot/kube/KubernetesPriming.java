package dev.podidentity.autopilot.kube;

import dev.podidentity.autopilot.port.KubernetesPort;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Priming of the Kubernetes side (SnapStart's, or the warm-up of an on-demand init): the first request of a function
 * that deletes a service account pays for fabric8's client, its DSL, the JDK HTTP client and the JSON model of a
 * service account, about 250 ms of CPU in a fresh JVM, on its own throttled CPU. Here that code path runs once, the
 * same way ({@link Fabric8Kubernetes#deleteServiceAccount}: a read, then nothing to delete), against an API server
 * on this machine's loopback that answers with a service account we do not own. The token is the real one, presigned
 * offline for the function's own credentials; nothing leaves the machine, and no cluster is touched.
 */
public final class KubernetesPriming {
    /** A service account as the API server returns it: IRSA-annotated, not labelled as ours (so never deleted). */
    static final String SERVICE_ACCOUNT = """
            {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"priming","namespace":"priming",\
            "uid":"00000000-0000-0000-0000-000000000000","resourceVersion":"1",\
            "creationTimestamp":"2026-01-01T00:00:00Z",\
            "annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/priming"},\
            "labels":{"app":"priming"}},"automountServiceAccountToken":true,\
            "imagePullSecrets":[{"name":"priming"}]}""";

    /** Priming never waits long on itself: a handler's init waits for it. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private KubernetesPriming() {
    }

    /**
     * Runs the service-account read of a prune through fabric8 against a loopback answer, with {@code tokens}' token
     * for a cluster named "priming" (an EKS token is a signature made here, not a call). Returns what the port said.
     */
    public static KubernetesPort.Result deleteServiceAccountPath(ClusterAccess tokens) {
        Objects.requireNonNull(tokens, "tokens");
        try (LoopbackApiServer server = new LoopbackApiServer(SERVICE_ACCOUNT)) {
            return deleteServiceAccountPath(tokens, server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same path against {@code server} (a test reads what the server saw). */
    static KubernetesPort.Result deleteServiceAccountPath(ClusterAccess tokens, LoopbackApiServer server) {
        ClusterAccess loopback = new ClusterAccess() {
            @Override
            public Endpoint endpoint(String cluster) {
                return new Endpoint(server.url(), null);
            }

            @Override
            public String token(String cluster) {
                return tokens.token(cluster);
            }
        };
        try (KubernetesClients clients = KubernetesClients.using(loopback, TIMEOUT)) {
            return new Fabric8Kubernetes(clients).deleteServiceAccount("priming", "priming", "priming");
        }
    }

    /**
     * An API server on the loopback interface that answers every GET with one JSON body and anything else with 405,
     * each on a connection of its own ({@code Connection: close}); it keeps the request lines it saw.
     */
    static final class LoopbackApiServer implements AutoCloseable {
        private final ServerSocket socket;
        private final byte[] body;
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<String> authorizations = new CopyOnWriteArrayList<>();

        LoopbackApiServer(String body) throws IOException {
            this.body = body.getBytes(StandardCharsets.UTF_8);
            this.socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("priming-kube-api").start(this::serve);
        }

        String url() {
            return "http://" + socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort();
        }

        /** "GET /api/v1/..." per request, in order. */
        List<String> requests() {
            return requests;
        }

        /** The Authorization header of each request ("" when there was none). */
        List<String> authorizations() {
            return authorizations;
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    connection.setSoTimeout((int) TIMEOUT.toMillis());
                    answer(connection);
                } catch (IOException closedOrBroken) {
                    // closed: the loop ends; a broken connection: the client sees it fail, priming goes on
                }
            }
        }

        private void answer(Socket connection) throws IOException {
            List<String> head = readHead(connection.getInputStream());
            if (head.isEmpty()) {
                return;
            }
            String requestLine = head.get(0);
            String[] parts = requestLine.split(" ");
            requests.add(parts.length > 1 ? parts[0] + " " + parts[1] : requestLine);
            authorizations.add(head.stream().filter(h -> h.regionMatches(true, 0, "authorization:", 0, 14))
                    .map(h -> h.substring(14).trim()).findFirst().orElse(""));
            boolean get = requestLine.startsWith("GET ");
            byte[] answer = get ? body : ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"reason\":\"MethodNotAllowed\",\"code\":405}").getBytes(StandardCharsets.UTF_8);
            OutputStream out = connection.getOutputStream();
            out.write((
                    (get ? "HTTP/1.1 200 OK" : "HTTP/1.1 405 Method Not Allowed") + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + answer.length + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(answer);
            out.flush();
        }

        /** The request line and headers, up to the blank line; a GET has no body to read. */
        private static List<String> readHead(InputStream in) throws IOException {
            List<String> lines = new ArrayList<>();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.US_ASCII).stripTrailing();
                    if (text.isEmpty()) {
                        return lines;
                    }
                    lines.add(text);
                    line.reset();
                } else {
                    line.write(b);
                }
            }
            return lines;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
