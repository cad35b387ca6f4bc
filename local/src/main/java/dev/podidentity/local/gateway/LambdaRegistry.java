package dev.podidentity.local.gateway;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Lambda functions by name, registered by tests and by the local runner. Thread-safe. */
public final class LambdaRegistry implements LambdaInvoker {
    private final ConcurrentMap<String, LambdaFunction> functions = new ConcurrentHashMap<>();

    public LambdaRegistry register(String functionName, LambdaFunction function) {
        functions.put(functionName, function);
        return this;
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
        return function.apply(payload);
    }
}
