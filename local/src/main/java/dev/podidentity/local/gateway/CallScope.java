package dev.podidentity.local.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one call through the gateway has already read from moto on the side, so that reading it again while the same
 * call is being served costs nothing: the IAM authorizer and the EKS emulator both look up the role a
 * CreatePodIdentityAssociation passes, at the same moment of the same call. Nothing outlives the call; outside one
 * (a test calling the emulator directly) every read goes to moto.
 */
public final class CallScope {
    private static final ThreadLocal<Map<Object, Object>> MEMO = new ThreadLocal<>();

    private CallScope() {
    }

    static void open() {
        MEMO.set(new HashMap<>());
    }

    static void close() {
        MEMO.remove();
    }

    /** {@code read}'s value, read at most once per call (null values too). */
    @SuppressWarnings("unchecked")
    public static <T> T memo(Object key, Supplier<T> read) {
        Map<Object, Object> memo = MEMO.get();
        if (memo == null) {
            return read.get();
        }
        if (memo.containsKey(key)) {
            return (T) memo.get(key);
        }
        T value = read.get();
        memo.put(key, value);
        return value;
    }
}
