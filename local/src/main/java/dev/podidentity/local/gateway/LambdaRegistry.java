package dev.podidentity.local.gateway;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lambda functions by name, registered by tests and by the local runner. Thread-safe. It also keeps what Lambda
 * bills by: invocations and their duration per function ({@link #invocations()}).
 */
public final class LambdaRegistry implements LambdaInvoker {
    private final ConcurrentMap<String, LambdaFunction> functions = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder[]> billed = new ConcurrentHashMap<>();

    /** Invocations of one function and their summed duration, as Lambda would bill them (1 ms granularity). */
    public record Invocations(long count, long billedMillis) {
    }

    public LambdaRegistry register(String functionName, LambdaFunction function) {
        functions.put(functionName, function);
        return this;
    }

    /** The function registered under that name, or null. */
    public LambdaFunction function(String functionName) {
        return functions.get(functionName);
    }

    public void unregister(String functionName) {
        functions.remove(functionName);
    }

    public void clear() {
        functions.clear();
    }

    public Set<String> names() {
        return new TreeSet<>(functions.keySet());
    }

    @Override
    public String invoke(String functionName, String payload) throws Exception {
        LambdaFunction function = functions.get(functionName);
        if (function == null) {
            throw new FunctionNotFoundException(functionName);
        }
        long start = System.nanoTime();
        try {
            // The function's AWS calls are made with its own role, as Lambda gives each function its execution role.
            return FunctionInvocations.asFunction(functionName, () -> function.apply(payload));
        } finally {
            long millis = Math.max(1, (System.nanoTime() - start + 999_999) / 1_000_000);
            LongAdder[] sums = billed.computeIfAbsent(functionName, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
            sums[0].increment();
            sums[1].add(millis);
        }
    }

    /** Invocations per function name since the last {@link #resetInvocations()}. */
    public Map<String, Invocations> invocations() {
        Map<String, Invocations> out = new TreeMap<>();
        billed.forEach((name, sums) -> out.put(name, new Invocations(sums[0].sum(), sums[1].sum())));
        return out;
    }

    public void resetInvocations() {
        billed.clear();
    }
}
