package dev.podidentity.autopilot.port;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * EKS and IAM for the stages' tests, as fakes that take time and keep a timeline: every call is recorded with when it
 * started and ended, takes {@code latencyMs}, and answers what the test said for its method ({@code "eks:listAddons"},
 * {@code "iam:getRole"}). A method can be told not to answer before other methods have started
 * ({@link #answersAfter}): a read that is meant to overlap another then proves it does, and a sequential caller
 * fails that method with an {@link AssertionError} naming the read that never started. Interrupted calls end at
 * once, and {@link #running} counts the calls still in flight (a caller must leave none behind).
 */
public final class TimedCloud {
    /** How long a gated method waits for the reads it must overlap before it says they never started. */
    static final long GATE_SECONDS = 5;

    /** One call: {@code start} and {@code end} in nanoseconds of {@link System#nanoTime}; end 0 while running. */
    public record Call(String method, List<Object> args, long start, long end, boolean interrupted) {
    }

    private final long latencyMs;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Function<Object[], Object>> answers = new ConcurrentHashMap<>();
    private final Map<String, List<String>> gates = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
    public final AtomicInteger running = new AtomicInteger();

    public TimedCloud(long latencyMs) {
        this.latencyMs = latencyMs;
    }

    /** What {@code method} ({@code eks:name} or {@code iam:name}) answers; it may throw. */
    public TimedCloud answer(String method, Function<Object[], Object> answer) {
        answers.put(method, answer);
        return this;
    }

    /** {@code method} does not answer until each of {@code others} has started (at most {@link #GATE_SECONDS}). */
    public TimedCloud answersAfter(String method, String... others) {
        gates.put(method, List.of(others));
        return this;
    }

    public EksApi eks() {
        return proxy(EksApi.class, "eks:");
    }

    public IamRoles iam() {
        return proxy(IamRoles.class, "iam:");
    }

    /** The calls so far, in the order they started. */
    public List<Call> calls() {
        synchronized (calls) {
            return calls.stream().sorted(java.util.Comparator.comparingLong(Call::start)).toList();
        }
    }

    public List<Call> calls(String method) {
        return calls().stream().filter(c -> c.method().equals(method)).toList();
    }

    /** The one call of {@code method}; fails (naming every call made) unless there was exactly one. */
    public Call only(String method) {
        List<Call> found = calls(method);
        org.junit.jupiter.api.Assertions.assertEquals(1, found.size(), method + ": " + methods());
        return found.getFirst();
    }

    /** The methods called, in the order they started. */
    public List<String> methods() {
        return calls().stream().map(Call::method).toList();
    }

    private CountDownLatch startedLatch(String method) {
        return started.computeIfAbsent(method, m -> new CountDownLatch(1));
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, String prefix) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "toString" -> "TimedCloud " + prefix;
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> proxy == args[0];
                };
            }
            if (m.isDefault()) {
                return java.lang.reflect.InvocationHandler.invokeDefault(proxy, m, args);
            }
            String method = prefix + m.getName();
            Object[] a = args == null ? new Object[0] : args;
            long start = System.nanoTime();
            running.incrementAndGet();
            startedLatch(method).countDown();
            boolean interrupted = false;
            try {
                Thread.sleep(latencyMs);
                for (String other : gates.getOrDefault(method, List.of())) {
                    if (!startedLatch(other).await(GATE_SECONDS, TimeUnit.SECONDS)) {
                        throw new AssertionError(method + " answered only after " + other + " started, and "
                                + other + " did not start while " + method + " was in flight");
                    }
                }
                Function<Object[], Object> answer = answers.get(method);
                if (answer == null) {
                    throw new UnsupportedOperationException(method + " is not expected here");
                }
                return answer.apply(a);
            } catch (InterruptedException e) {
                interrupted = true;
                Thread.currentThread().interrupt();
                throw new IllegalStateException(method + " interrupted", e);
            } finally {
                interrupted |= Thread.currentThread().isInterrupted();
                calls.add(new Call(method, java.util.Arrays.asList(a.clone()), start, System.nanoTime(), interrupted));
                running.decrementAndGet();
            }
        });
    }
}
