package dev.podidentity.local.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One fault to inject into calls of a service and operation ({@code "*"} matches any).
 *
 * <ul>
 *   <li>{@code LATENCY}: delay the call by {@code latencyMs}, then serve it normally;</li>
 *   <li>{@code THROTTLE}: answer with the service's own throttling error;</li>
 *   <li>{@code SERVER_ERROR}: answer with the service's 5xx error ({@code status}, default 500).</li>
 * </ul>
 * Which calls: the first {@code firstN} matching calls when set, else the fraction {@code fraction} of them drawn
 * from a random generator seeded with {@code seed} (reproducible), else every matching call.
 */
public record FaultRule(String service, String operation, Kind kind, long latencyMs, int status, Integer firstN,
                        Double fraction, long seed) {

    public enum Kind { LATENCY, THROTTLE, SERVER_ERROR }

    public FaultRule {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(kind, "kind");
        operation = operation == null ? "*" : operation;
        status = status == 0 ? 500 : status;
        if (fraction != null && (fraction < 0 || fraction > 1)) {
            throw new IllegalArgumentException("fraction must be within [0,1]: " + fraction);
        }
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

    /**
     * Reads one rule from configuration (a YAML/JSON map): {@code service}, {@code operation}, {@code kind}
     * (latency | throttle | error), {@code latencyMs}, {@code status}, {@code firstN}, {@code fraction}, {@code seed}.
     */
    public static FaultRule fromMap(Map<String, ?> map) {
        String kind = String.valueOf(map.get("kind")).toLowerCase(Locale.ROOT);
        Kind parsed = switch (kind) {
            case "latency" -> Kind.LATENCY;
            case "throttle", "throttling" -> Kind.THROTTLE;
            case "error", "5xx", "server_error" -> Kind.SERVER_ERROR;
            default -> throw new IllegalArgumentException("fault kind must be latency, throttle or error: " + kind);
        };
        return new FaultRule(String.valueOf(map.get("service")), map.get("operation") == null ? "*" : String.valueOf(map.get("operation")),
                parsed, number(map.get("latencyMs"), 0L).longValue(), number(map.get("status"), 0).intValue(),
                map.get("firstN") == null ? null : number(map.get("firstN"), 0).intValue(),
                map.get("fraction") == null ? null : number(map.get("fraction"), 0.0).doubleValue(),
                number(map.get("seed"), 0L).longValue());
    }

    boolean matches(String callService, String callOperation) {
        return (service.equals("*") || service.equalsIgnoreCase(callService))
                && (operation.equals("*") || operation.equals(callOperation));
    }

    private static Number number(Object value, Number fallback) {
        if (value == null) {
            return fallback;
        }
        return value instanceof Number n ? n : Double.valueOf(value.toString());
    }
}
