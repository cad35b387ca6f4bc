package dev.podidentity.autopilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
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
    void answered_beforeASnapshot_aCallParsesItsAnswer_sendsNothing_andTheNextCallIsStoppedAgain() throws Exception {
        AtomicInteger received = new AtomicInteger();
        HttpServer server = countingServer(received);
        try (AwsClients clients = clientsOf(server)) {
            java.util.concurrent.atomic.AtomicReference<String> parsed = new java.util.concurrent.atomic.AtomicReference<>();
            Priming.answering(() -> Priming.offline(() -> {
                // the answers prime() brings are what the services send: the SDK parses them into the nested shapes
                Priming.answered("text/xml", AwsClients.IAM_GET_ROLE, () -> {
                    var role = clients.iam().getRole(r -> r.roleName("priming")).role();
                    parsed.set(role.arn() + " " + role.tags().get(0).key() + " "
                            + role.permissionsBoundary().permissionsBoundaryArn());
                });
                Priming.answered("application/json", AwsClients.EKS_DESCRIBE_CLUSTER, () -> parsed.set(parsed.get()
                        + " " + clients.eks().describeCluster(r -> r.name("priming")).cluster().identity().oidc()
                        .issuer()));
                // the same thread's next call brought no answer: stopped before sending, as always
                clients.eks().describeCluster(r -> r.name("unanswered"));
                parsed.set("not stopped");
            }));
            assertEquals("arn:aws:iam::111122223333:role/priming priming arn:aws:iam::111122223333:policy/priming "
                    + "https://oidc.eks.us-east-1.amazonaws.com/id/PRIMING", parsed.get());
            assertEquals(0, received.get(), "priming sent a request");

            // offline without answering (what a handler's own code path runs inside a step) brings no answers: the call
            // is stopped before sending
            AtomicInteger stopped = new AtomicInteger();
            Priming.offline(() -> Priming.answered("application/json", AwsClients.EKS_DESCRIBE_CLUSTER, () -> {
                try {
                    clients.eks().describeCluster(r -> r.name("warm-up"));
                } catch (RuntimeException e) {
                    stopped.incrementAndGet();
                }
            }));
            assertEquals(1, stopped.get());
            assertEquals(0, received.get(), "priming sent a request");

            // outside priming an answer is nothing: the call goes out
            Priming.answered("application/json", "{}",
                    () -> assertThrows(SdkException.class, () -> clients.eks().describeCluster(r -> r.name("x"))));
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
    void warmUp_withoutSnapStart_runsTheStepOfflineOnItsOwnThreadAtOnce_whileTheCallerCallsOut() throws Exception {
        AtomicInteger received = new AtomicInteger();
        HttpServer server = countingServer(received);
        try (AwsClients clients = clientsOf(server)) {
            java.util.concurrent.CountDownLatch callerCalled = new java.util.concurrent.CountDownLatch(1);
            AtomicInteger stopped = new AtomicInteger();
            List<Boolean> activeInStep = new java.util.concurrent.CopyOnWriteArrayList<>();
            Runnable step = () -> {
                activeInStep.add(Priming.active());
                try {
                    callerCalled.await();
                    clients.eks().describeCluster(r -> r.name("warm-up"));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                } catch (RuntimeException e) {
                    stopped.incrementAndGet();
                    throw e;
                }
            };
            for (String type : List.of("on-demand", "provisioned-concurrency")) {
                Thread warmUp = Priming.warmUp(step, type);
                assertTrue(warmUp.isDaemon(), "a warm-up never keeps the JVM alive");
                assertNotEquals(Thread.currentThread(), warmUp);
                // the first request, on the caller's thread, while the warm-up runs: it goes out
                assertThrows(SdkException.class, () -> clients.eks().describeCluster(r -> r.name("request")));
                assertFalse(Priming.active(), "the caller is not priming");
                callerCalled.countDown();
                warmUp.join(30_000);
                assertFalse(warmUp.isAlive());
            }
            assertEquals(List.of(true, true), activeInStep, "the step ran as priming, once per warm-up");
            assertEquals(2, stopped.get(), "each warm-up's request was stopped before sending");
            assertEquals(2, received.get(), "only the callers' requests reached the endpoint");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void warmUp_runsTheStepsQueuedWhileItRuns_onTheSameThread_inOrder() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread first = Priming.warmUp(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            ran.add("first on " + Thread.currentThread().getName());
        }, "on-demand");
        Thread second = Priming.warmUp(() -> ran.add("second on " + Thread.currentThread().getName()), "on-demand");
        assertSame(first, second, "one warm-up thread: it takes one core beside the request, not every core");
        release.countDown();
        first.join(30_000);
        assertEquals(List.of("first on warm-up", "second on warm-up"), ran);
    }

    @Test
    void finishWarmUp_endsInitWhenTheStepsHaveRun_answered_butWaitsNoLongerThanItsBound() throws Exception {
        AtomicInteger received = new AtomicInteger();
        HttpServer server = countingServer(received);
        try (AwsClients clients = clientsOf(server)) {
            Priming.finishWarmUp(java.time.Duration.ofSeconds(30)); // nothing queued: returns at once
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicReference<String> parsed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread warmUp = Priming.warmUp(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                // init has the CPU: the warm-up's calls parse their answers, as before a snapshot, and send nothing
                Priming.answered("application/json", AwsClients.EKS_DESCRIBE_CLUSTER, () -> parsed.set(clients.eks()
                        .describeCluster(r -> r.name("warm-up")).cluster().identity().oidc().issuer()));
            }, "on-demand");

            long started = System.nanoTime();
            Priming.finishWarmUp(java.time.Duration.ofMillis(300));
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMs >= 250, "waited " + waitedMs + " ms");
            assertTrue(warmUp.isAlive(), "a warm-up past the bound goes on beside the request");
            assertNull(parsed.get());

            release.countDown();
            Priming.finishWarmUp(java.time.Duration.ofSeconds(30));
            assertFalse(warmUp.isAlive(), "init ends after the warm-up");
            assertEquals("https://oidc.eks.us-east-1.amazonaws.com/id/PRIMING", parsed.get());
            assertEquals(0, received.get(), "the warm-up sent a request");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void warmUp_withSnapStartOrOffLambda_runsNothingNow() {
        AtomicInteger ran = new AtomicInteger();
        for (String type : java.util.Arrays.asList("snap-start", null, "", "ON-DEMAND")) {
            assertNull(Priming.warmUp(ran::incrementAndGet, type), String.valueOf(type));
        }
        assertEquals(0, ran.get(), "the snapshot's hook (or nothing, off Lambda) runs the steps, not init");
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
