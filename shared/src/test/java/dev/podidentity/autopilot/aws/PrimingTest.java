package dev.podidentity.autopilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.podidentity.autopilot.support.Lazy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

class PrimingTest {

    /** An endpoint that counts the requests that reach it and answers each with a 500. */
    private static HttpServer countingServer(AtomicInteger received) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** Clients of every service pointed at {@code server}, one attempt per call. */
    private static AwsClients clientsOf(HttpServer server) {
        return AwsClients.create(AwsSettings.defaults("us-west-2")
                .withEndpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .withMaxAttempts(1));
    }

    @Test
    void prime_buildsAndSignsEveryClientsRequest_butSendsNothing_andLaterCallsGoOut() throws Exception {
        AtomicInteger received = new AtomicInteger();
        HttpServer server = countingServer(received);
        try (AwsClients clients = clientsOf(server)) {
            long t0 = System.nanoTime();
            clients.prime(AwsClients.Service.values());
            assertEquals(0, received.get(), "priming sent a request");
            assertTrue(System.nanoTime() - t0 < 60_000_000_000L);

            // outside priming the same clients call out as always
            assertThrows(SdkException.class, () -> clients.eks().describeCluster(r -> r.name("x")));
            assertEquals(1, received.get());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void offline_stopsTheRequestsOfReadsStartedOnOtherThreads_butNotOfThreadsStartedBefore() throws Exception {
        AtomicInteger received = new AtomicInteger();
        HttpServer server = countingServer(received);
        try (AwsClients clients = clientsOf(server)) {
            clients.eks(); // built outside, as a handler's constructor builds its clients
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            AtomicInteger outsideFailed = new AtomicInteger();
            // started before priming, calling while it runs: an ordinary request of its own thread
            Thread outside = Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    clients.eks().describeCluster(r -> r.name("outside"));
                } catch (SdkException | InterruptedException e) {
                    outsideFailed.incrementAndGet(); // the server's 500
                }
            });
            AtomicInteger stopped = new AtomicInteger();
            Priming.offline(() -> {
                // what a primed code path does with BackgroundRead: a read on a virtual thread of its own
                Thread read = Thread.ofVirtual().start(() -> {
                    try {
                        clients.eks().describeCluster(r -> r.name("priming"));
                    } catch (RuntimeException e) {
                        stopped.incrementAndGet();
                    }
                });
                go.countDown();
                try {
                    read.join();
                    outside.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals(1, stopped.get(), "the priming thread's read was stopped");
            assertEquals(1, received.get(), "only the request of the thread started before priming went out");
            assertEquals(1, outsideFailed.get());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void offline_swallowsWhatTheStoppedCallThrows_butNotAMissingClass() {
        Priming.offline(() -> {
            throw new IllegalStateException("the code path's reaction to the stopped request");
        });
        assertThrows(NoClassDefFoundError.class, () -> Priming.offline(() -> {
            throw new NoClassDefFoundError("software/amazon/awssdk/services/iam/IamClient");
        }));
    }

    @Test
    void lazy_buildsOnFirstUseOnce_andAProxyBuildsItsTargetOnItsFirstCall() {
        AtomicInteger built = new AtomicInteger();
        Lazy<String> lazy = new Lazy<>(() -> "v" + built.incrementAndGet());
        assertFalse(lazy.isBuilt());
        assertEquals("v1", lazy.get());
        assertEquals("v1", lazy.get());
        assertEquals(1, built.get());

        AtomicInteger targets = new AtomicInteger();
        @SuppressWarnings("unchecked")
        List<String> list = Lazy.proxy(List.class, () -> {
            targets.incrementAndGet();
            return List.of("a");
        });
        assertEquals(0, targets.get(), "nothing built before the first call");
        assertEquals("a", list.get(0));
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(5), "the target's own exception, unwrapped");
        assertEquals(1, targets.get());
    }
}
