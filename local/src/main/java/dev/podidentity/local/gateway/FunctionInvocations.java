package dev.podidentity.local.gateway;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Ties the AWS calls a function makes to the in-process invocation making them, so the gateway can crash that
 * invocation ({@link FaultRule.Kind#CRASH}) as Lambda ends one whose process dies: the gateway runs each invocation
 * on its own thread, the SDK clients' {@link #interceptor()} sends the invocation's id with every call made on that
 * thread (or threads it starts), and when the gateway answers a call with {@value #CRASH_HEADER} the interceptor
 * throws {@link RuntimeCrash} right there, so nothing after that call runs. The invoke path then answers the way
 * Lambda does for a dead runtime: an Unhandled function error of type {@value #EXIT_ERROR}.
 *
 * <p>A dead runtime's process is gone with all its threads, so the invocation's other threads (a batch's parallel
 * steps, a background read) make no call after the crash either: each such call throws {@link RuntimeCrash} before it
 * is sent. Without this, a batch whose first call crashed went on with its other steps' calls, which Lambda never
 * sends.
 */
public final class FunctionInvocations {
    /** Request header naming the invocation a call comes from. */
    public static final String INVOCATION_HEADER = "x-local-lambda-invocation";
    /** Response header telling the calling invocation that its runtime dies now. */
    public static final String CRASH_HEADER = "x-local-lambda-crash";
    /** Request header naming the function (template logical id) whose role a call is made with. */
    public static final String FUNCTION_HEADER = "x-local-lambda-function";
    /** The error type Lambda reports when a function's runtime process exits mid-invocation. */
    public static final String EXIT_ERROR = "Runtime.ExitError";

    private static final InheritableThreadLocal<String> CURRENT = new InheritableThreadLocal<>();
    private static final InheritableThreadLocal<String> FUNCTION = new InheritableThreadLocal<>();
    /** Invocations whose runtime died: a few ids per crash test, kept so that no late thread of theirs calls out. */
    private static final Set<String> DEAD = ConcurrentHashMap.newKeySet();

    private FunctionInvocations() {
    }

    /** Runs {@code body} as the invocation {@code id}: calls made meanwhile on this thread carry the id. */
    static <T> T within(String id, Callable<T> body) throws Exception {
        String outer = CURRENT.get();
        CURRENT.set(id);
        try {
            return body.call();
        } finally {
            CURRENT.set(outer);
        }
    }

    /**
     * Runs {@code body} as the function {@code name}: the AWS calls made meanwhile on this thread (or threads it
     * starts) carry the name, so the gateway authorizes them against that function's role.
     */
    public static <T> T asFunction(String name, Callable<T> body) throws Exception {
        String outer = FUNCTION.get();
        FUNCTION.set(name);
        try {
            return body.call();
        } finally {
            FUNCTION.set(outer);
        }
    }

    /** The function whose code runs on this thread, if any. */
    public static Optional<String> function() {
        return Optional.ofNullable(FUNCTION.get());
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** The invocation running on this thread, if any. */
    public static Optional<String> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** True when the failure (or one of its causes) is an injected runtime crash. */
    static boolean isCrash(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RuntimeCrash) {
                return true;
            }
        }
        return false;
    }

    /** For the SDK clients of the local cloud: sends the invocation id, and dies when the gateway says so. */
    public static ExecutionInterceptor interceptor() {
        return new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                String id = CURRENT.get();
                String function = FUNCTION.get();
                if (id != null && DEAD.contains(id)) {
                    throw new RuntimeCrash(id); // the process is gone: this thread would not be running
                }
                if (id == null && function == null) {
                    return context.httpRequest();
                }
                SdkHttpRequest.Builder request = context.httpRequest().toBuilder();
                if (id != null) {
                    request.putHeader(INVOCATION_HEADER, id);
                }
                if (function != null) {
                    request.putHeader(FUNCTION_HEADER, function);
                }
                return request.build();
            }

            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                String id = CURRENT.get();
                if (id != null && context.httpResponse().firstMatchingHeader(CRASH_HEADER).isPresent()) {
                    DEAD.add(id);
                    throw new RuntimeCrash(id);
                }
            }
        };
    }

    /**
     * The function's runtime died (an Error, so no handler code catching exceptions can swallow it). Thrown on the
     * invocation's thread right after the AWS call that the crash rule matched was served.
     */
    public static final class RuntimeCrash extends Error {
        private static final long serialVersionUID = 1L;

        RuntimeCrash(String invocation) {
            super("the runtime of invocation " + invocation + " exited (injected crash)", null, false, false);
        }
    }
}
