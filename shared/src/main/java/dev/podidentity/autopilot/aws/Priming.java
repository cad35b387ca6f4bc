package dev.podidentity.autopilot.aws;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.Context.BeforeTransmission;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SnapStart priming: before Lambda takes a function's snapshot (CRaC {@code beforeCheckpoint}), run what its first
 * request needs, so the classes are loaded and initialised in the snapshot instead of on the first request after
 * a restore: Jackson's bindings, the SDK clients' marshallers, endpoint rules and signers, our own code path.
 * <p>
 * No AWS call is made: while priming, every SDK request is built, marshalled and signed, then stopped by
 * {@link #STOP_BEFORE_SENDING} (which every client of {@code AwsClients} carries) before it is transmitted. Off
 * Lambda (local cloud, tests, the benchmark's fresh JVMs) there is no checkpoint and priming never runs.
 */
public final class Priming implements Resource {
    /** Stops a request made while priming right before it would go on the wire. */
    public static final ExecutionInterceptor STOP_BEFORE_SENDING = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(BeforeTransmission context, ExecutionAttributes attributes) {
            if (ACTIVE.get()) {
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
    private static final List<Runnable> STEPS = new CopyOnWriteArrayList<>();
    /** Held here: CRaC's global context keeps its resources only weakly. */
    private static final Priming HOOK = new Priming();

    static {
        Core.getGlobalContext().register(HOOK);
    }

    private Priming() {
    }

    /** Runs {@code step} before the snapshot is taken (a Lambda handler's no-argument constructor registers it). */
    public static void beforeSnapshot(Runnable step) {
        STEPS.add(step);
    }

    /** Runs every registered step now, SDK requests stopped before sending; a step's RuntimeException ends that step only. */
    public static void run() {
        for (Runnable step : STEPS) {
            offline(step);
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
