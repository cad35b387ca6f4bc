package dev.podidentity.autopilot.aws;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.Context.BeforeTransmission;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SnapStart priming: before Lambda takes a function's snapshot (CRaC {@code beforeCheckpoint}), run what its first
 * request needs, so the classes are loaded and initialised in the snapshot instead of on the first request after
 * a restore: Jackson's bindings, the SDK clients' marshallers, endpoint rules and signers, our own code path.
 * <p>
 * No AWS call is made: while priming, every SDK request is built, marshalled and signed, then stopped by
 * {@link #STOP_BEFORE_SENDING} (which every client of {@code AwsClients} carries) before it is transmitted. Off
 * Lambda (local cloud, tests) there is no checkpoint and priming never runs.
 * <p>
 * Without SnapStart (Lambda's {@code AWS_LAMBDA_INITIALIZATION_TYPE} is {@code on-demand} or
 * {@code provisioned-concurrency}) no snapshot is ever taken, and the same steps run at once instead, on one warm-up
 * thread beside the rest of init, and the handler's constructor waits for them ({@link #finishWarmUp}): init is where
 * Lambda gives the CPU. An on-demand init runs on a full, unthrottled vCPU, while an invocation gets CPU in proportion
 * to memory (0.58 vCPU at 1,024 MB, 0.29 at 512), so a class loaded during init costs about half of what it costs on
 * the first request, and a warm-up left running into the request would take the request's own throttled CPU.
 * Provisioned concurrency inits before any request arrives: there the wait costs no request anything.
 */
public final class Priming implements Resource {
    /** Stops a request made while priming right before it would go on the wire, unless it brought its answer. */
    public static final ExecutionInterceptor STOP_BEFORE_SENDING = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(BeforeTransmission context, ExecutionAttributes attributes) {
            if (ACTIVE.get() && ANSWER.get() == null) {
                throw new NotSent();
            }
        }
    };

    /**
     * Inherited: a read the primed code path starts on a thread of its own (a virtual thread of
     * {@code BackgroundRead}) is stopped too, not sent from the snapshot's init. A thread started while priming keeps
     * the flag for its life; the ones the code paths start end with their reads.
     */
    private static final InheritableThreadLocal<Boolean> ACTIVE = new InheritableThreadLocal<>() {
        @Override
        protected Boolean initialValue() {
            return false;
        }
    };
    /** Inherited, like ACTIVE: the clients a step primes on threads of their own are answered too. */
    private static final InheritableThreadLocal<Boolean> ANSWERING = new InheritableThreadLocal<>() {
        @Override
        protected Boolean initialValue() {
            return false;
        }
    };
    /** The answer the priming call on this thread brought ({@link #answered}); not inherited: one call's own. */
    private static final ThreadLocal<Answer> ANSWER = new ThreadLocal<>();
    private static final List<Runnable> STEPS = new CopyOnWriteArrayList<>();
    /** Steps for the warm-up thread, guarded by itself; the thread ends when it finds none left. */
    private static final Queue<Runnable> WARM_UP = new ArrayDeque<>();
    private static Thread warmUpThread;
    /** How long a handler's init waits for the warm-up: well inside Lambda's 10 s for an on-demand init. */
    static final java.time.Duration WARM_UP_WAIT = java.time.Duration.ofSeconds(4);
    /** Held here: CRaC's global context keeps its resources only weakly. */
    private static final Priming HOOK = new Priming();

    static {
        Core.getGlobalContext().register(HOOK);
    }

    private Priming() {
    }

    /**
     * Runs {@code step} before the snapshot is taken (a Lambda handler's no-argument constructor registers it), or,
     * in an environment initialised without SnapStart, on the warm-up thread (see above).
     */
    public static void beforeSnapshot(Runnable step) {
        STEPS.add(step);
        warmUp(step, System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
    }

    /**
     * The first thing a handler class's init does: without SnapStart, the clients' shared parts (the HTTP client and
     * its TLS context, the retry strategy) start building on the warm-up thread while this thread builds the JSON
     * mapper; the handler's own step follows them there.
     */
    public static void beginWarmUp() {
        warmUp(AwsClients::fromEnvironment, System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
    }

    /**
     * In an environment initialised this way ({@code AWS_LAMBDA_INITIALIZATION_TYPE}) with no snapshot to come, queues
     * {@code step} for the warm-up thread, started on the first step, and returns that thread; otherwise null. The
     * steps run offline, one at a time and in order, beside the rest of init, which waits for them at its end.
     */
    static Thread warmUp(Runnable step, String initializationType) {
        if (!"on-demand".equals(initializationType) && !"provisioned-concurrency".equals(initializationType)) {
            return null;
        }
        synchronized (WARM_UP) {
            WARM_UP.add(step);
            if (warmUpThread == null || !warmUpThread.isAlive()) {
                // a daemon: a warm-up still running never keeps a JVM alive
                warmUpThread = Thread.ofPlatform().daemon().name("warm-up").start(Priming::warmUpSteps);
            }
            return warmUpThread;
        }
    }

    /**
     * The end of a handler's init: waits for the warm-up's steps to finish (at most {@link #WARM_UP_WAIT}; a warm-up
     * that takes longer goes on beside the first request, as a daemon). Returns at once when there is none: SnapStart,
     * off Lambda, or already done.
     */
    public static void finishWarmUp() {
        finishWarmUp(WARM_UP_WAIT);
    }

    static void finishWarmUp(java.time.Duration wait) {
        Thread running;
        synchronized (WARM_UP) {
            running = warmUpThread;
        }
        if (running == null || running == Thread.currentThread()) {
            return;
        }
        try {
            running.join(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void warmUpSteps() {
        while (true) {
            Runnable step;
            synchronized (WARM_UP) {
                step = WARM_UP.poll();
                if (step == null) {
                    warmUpThread = null;
                    return;
                }
            }
            // answered, as before a snapshot: init, which the handler's constructor makes wait for it, has the CPU
            answering(() -> offline(step));
        }
    }

    /** Whether this thread is priming: its SDK requests are stopped, and what it does is not a request's. */
    public static boolean active() {
        return ACTIVE.get();
    }

    /** Runs every registered step now, SDK requests stopped before sending; a step's RuntimeException ends that step only. */
    public static void run() {
        answering(() -> {
            for (Runnable step : STEPS) {
                offline(step);
            }
        });
    }

    /**
     * Runs {@code steps} with the calls that bring an answer ({@link #answered}) answered: before a snapshot, or in the
     * warm-up of an init, where the parsing costs no request anything. (When the warm-up still ran beside the first
     * request, answering took a core the request needed: 8-12% slower first responses.)
     */
    static void answering(Runnable steps) {
        ANSWERING.set(true);
        try {
            steps.run();
        } finally {
            ANSWERING.set(false);
        }
    }

    /** Runs {@code call} with its SDK requests marshalled and signed but not sent; a RuntimeException it throws is swallowed. */
    public static void offline(Runnable call) {
        ACTIVE.set(true);
        try {
            call.run();
        } catch (RuntimeException expected) {
            // the stopped request (or what the code path made of it) ends the step: its classes are loaded.
            // A LinkageError is not caught: a class missing from the function's jar fails the snapshot, not a request.
        } finally {
            ACTIVE.set(false);
        }
    }

    /** A response as the service would send it: its content type and body. */
    record Answer(String contentType, byte[] body) {
    }

    /**
     * Runs {@code call}, made while priming for a snapshot ({@link #answering}), with its one request answered by
     * {@code body} instead of being stopped ({@link AnsweringHttpClient}, which every client of {@code AwsClients}
     * sends through): the SDK then parses a response too. Otherwise it runs {@code call} as it is.
     */
    static void answered(String contentType, String body, Runnable call) {
        if (!ANSWERING.get()) {
            call.run();
            return;
        }
        ANSWER.set(new Answer(contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            call.run();
        } finally {
            ANSWER.remove();
        }
    }

    /** The answer this priming thread's current call brought, or null. */
    static Answer answer() {
        return ACTIVE.get() ? ANSWER.get() : null;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to refresh: clients resolve credentials per request
    }

    /** Thrown into a request made while priming; never escapes {@link #offline}. */
    static final class NotSent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotSent() {
            super("priming: request built and signed, not sent", null, false, false);
        }
    }
}
