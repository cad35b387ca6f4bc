package dev.podidentity.autopilot.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value built by its factory on first {@link #get()} and kept (null included). A function builds only the clients
 * and parts its handler calls, so its jar needs only their libraries and its init pays for nothing else.
 */
public final class Lazy<T> implements Supplier<T> {
    private Supplier<? extends T> factory;
    private T value;

    public Lazy(Supplier<? extends T> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** An already-built value (a client handed in by a test or the local cloud). */
    public static <T> Lazy<T> of(T value) {
        return new Lazy<>(() -> value);
    }

    /**
     * An implementation of {@code port} whose target is built on its first call: a function that never calls the
     * port never builds its client (nor loads its SDK module, which its jar then need not carry).
     */
    public static <T> T proxy(Class<T> port, Supplier<? extends T> target) {
        Lazy<T> lazy = new Lazy<>(target);
        Object proxy = Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (self, method, args) -> {
            try {
                return method.invoke(lazy.get(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        return port.cast(proxy);
    }

    @Override
    public synchronized T get() {
        if (factory != null) {
            value = factory.get();
            factory = null;
        }
        return value;
    }

    /** Whether {@link #get()} has built the value. */
    public synchronized boolean isBuilt() {
        return factory == null;
    }
}
