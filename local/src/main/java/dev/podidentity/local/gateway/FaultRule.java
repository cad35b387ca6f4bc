package dev.podidentity.local.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One fault to inject into calls of a service and operation ({@code "*"} matches any).
 *
 * <ul>
 *   <li>{@code LATENCY}: the call takes {@code latencyMs} to answer: it is served normally and its answer leaves no
 *       sooner than {@code latencyMs} after it arrived (the local cloud's own work is done within that time, as a
 *       service's is within its latency, not on top of it);</li>
 *   <li>{@code THROTTLE}: answer with the service's own throttling error;</li>
 *   <li>{@code SERVER_ERROR}: answer with the service's 5xx error ({@code status}, default 500);</li>
 *   <li>{@code CRASH}: serve the call, then end the Lambda invocation that made it as a runtime crash
 *       ({@code Runtime.ExitError}, as Lambda reports a function whose process died). Only calls made from inside
 *       an in-process function invocation can crash one; other calls do not count for this rule.</li>
 * </ul>
 * Which operations: one name, {@code "*"} (any), a prefix ending in {@code *} ({@code "Create*"}), or
 * {@value #WRITES} (every operation whose name reads as a write: Create*, Update*, Delete*, Put*, Attach*, Tag*, ...).
 * Which calls: only the first {@code window} matching calls when a window is set (the storm then ends); among those,
 * the first {@code firstN} when set, else the fraction {@code fraction} drawn from a random generator seeded with
 * {@code seed} (reproducible), else every one.
 */
public record FaultRule(String service, String operation, Kind kind, long latencyMs, int status, Integer firstN,
                        Double fraction, long seed, Integer window) {

    /** The operation selector for every write call of a service. */
    public static final String WRITES = "writes";

    public enum Kind { LATENCY, THROTTLE, SERVER_ERROR, CRASH }

    public FaultRule {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(kind, "kind");
        operation = operation == null ? "*" : operation;
        status = status == 0 ? 500 : status;
        if (fraction != null && (fraction < 0 || fraction > 1)) {
            throw new IllegalArgumentException("fraction must be within [0,1]: " + fraction);
        }
        if (window != null && window < 0) {
            throw new IllegalArgumentException("window must not be negative: " + window);
        }
    }

    public FaultRule(String service, String operation, Kind kind, long latencyMs, int status, Integer firstN,
                     Double fraction, long seed) {
        this(service, operation, kind, latencyMs, status, firstN, fraction, seed, null);
    }

    public static FaultRule throttleFirst(String service, String operation, int calls) {
        return new FaultRule(service, operation, Kind.THROTTLE, 0, 0, calls, null, 0);
    }

    public static FaultRule serverErrorFirst(String service, String operation, int calls) {
        return new FaultRule(service, operation, Kind.SERVER_ERROR, 0, 500, calls, null, 0);
    }

    public static FaultRule latency(String service, String operation, long millis) {
        return new FaultRule(service, operation, Kind.LATENCY, millis, 0, null, null, 0);
    }

    public static FaultRule throttleFraction(String service, String operation, double fraction, long seed) {
        return new FaultRule(service, operation, Kind.THROTTLE, 0, 0, null, fraction, seed);
    }

    /** A storm: {@code fraction} of the first {@code window} matching calls throttled, drawn with {@code seed}. */
    public static FaultRule throttleStorm(String service, String operation, double fraction, int window, long seed) {
        return new FaultRule(service, operation, Kind.THROTTLE, 0, 0, null, fraction, seed, window);
    }

    /** A burst of 5xx answers ({@code status}): {@code fraction} of the first {@code window} matching calls. */
    public static FaultRule serverErrorBurst(String service, String operation, int status, double fraction, int window,
                                             long seed) {
        return new FaultRule(service, operation, Kind.SERVER_ERROR, 0, status, null, fraction, seed, window);
    }

    /** The function invocations making the first {@code calls} matching calls crash right after those calls. */
    public static FaultRule crashAfter(String service, String operation, int calls) {
        return new FaultRule(service, operation, Kind.CRASH, 0, 0, calls, null, 0);
    }

    /**
     * Reads one rule from configuration (a YAML/JSON map): {@code service}, {@code operation}, {@code kind}
     * (latency | throttle | error | crash), {@code latencyMs}, {@code status}, {@code firstN}, {@code fraction},
     * {@code seed}, {@code window}.
     */
    public static FaultRule fromMap(Map<String, ?> map) {
        String kind = String.valueOf(map.get("kind")).toLowerCase(Locale.ROOT);
        Kind parsed = switch (kind) {
            case "latency" -> Kind.LATENCY;
            case "throttle", "throttling" -> Kind.THROTTLE;
            case "error", "5xx", "server_error" -> Kind.SERVER_ERROR;
            case "crash" -> Kind.CRASH;
            default -> throw new IllegalArgumentException("fault kind must be latency, throttle, error or crash: " + kind);
        };
        return new FaultRule(String.valueOf(map.get("service")), map.get("operation") == null ? "*" : String.valueOf(map.get("operation")),
                parsed, number(map.get("latencyMs"), 0L).longValue(), number(map.get("status"), 0).intValue(),
                map.get("firstN") == null ? null : number(map.get("firstN"), 0).intValue(),
                map.get("fraction") == null ? null : number(map.get("fraction"), 0.0).doubleValue(),
                number(map.get("seed"), 0L).longValue(),
                map.get("window") == null ? null : number(map.get("window"), 0).intValue());
    }

    boolean matches(String callService, String callOperation) {
        return (service.equals("*") || service.equalsIgnoreCase(callService)) && matchesOperation(callOperation);
    }

    private boolean matchesOperation(String callOperation) {
        if (operation.equals("*") || operation.equals(callOperation)) {
            return true;
        }
        if (operation.equals(WRITES)) {
            return CallCounter.isWrite(callOperation);
        }
        return operation.endsWith("*") && callOperation.startsWith(operation.substring(0, operation.length() - 1));
    }

    private static Number number(Object value, Number fallback) {
        if (value == null) {
            return fallback;
        }
        return value instanceof Number n ? n : Double.valueOf(value.toString());
    }
}
