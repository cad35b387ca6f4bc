package dev.podidentity.autopilot.policy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A statement's {@code Principal} (or {@code NotPrincipal}): either the bare wildcard {@code "*"} or a map from
 * principal type to values. Types are kept sorted so that equal principals serialise identically.
 */
public sealed interface Principal permits Principal.Anyone, Principal.ByType {

    String AWS = "AWS";
    String SERVICE = "Service";
    String FEDERATED = "Federated";
    String CANONICAL_USER = "CanonicalUser";

    /** The principal types IAM documents; anything else is a format error. */
    Set<String> KNOWN_TYPES = Set.of(AWS, SERVICE, FEDERATED, CANONICAL_USER);

    /** The values listed for one type, empty when the type is absent (always empty for {@code "*"}). */
    List<String> values(String type);

    /** {@code "Principal": "*"}: everyone, including anonymous callers. */
    record Anyone() implements Principal {
        @Override
        public List<String> values(String type) {
            return List.of();
        }
    }

    /** {@code "Principal": {"Service": [...], "AWS": [...]}}. */
    record ByType(Map<String, List<String>> byType) implements Principal {
        public ByType {
            if (byType.isEmpty()) {
                throw new IllegalArgumentException("a principal needs at least one type");
            }
            TreeMap<String, List<String>> copy = new TreeMap<>();
            byType.forEach((type, values) -> {
                if (!KNOWN_TYPES.contains(type)) {
                    throw new IllegalArgumentException("unknown principal type " + type);
                }
                if (values.isEmpty()) {
                    throw new IllegalArgumentException("principal type " + type + " has no values");
                }
                copy.put(type, List.copyOf(values));
            });
            byType = Collections.unmodifiableMap(copy);
        }

        @Override
        public List<String> values(String type) {
            return byType.getOrDefault(type, List.of());
        }
    }

    static Principal anyone() {
        return new Anyone();
    }

    static Principal service(String... services) {
        return new ByType(Map.of(SERVICE, List.of(services)));
    }

    static Principal aws(String... arnsOrAccounts) {
        return new ByType(Map.of(AWS, List.of(arnsOrAccounts)));
    }

    static Principal federated(String... providers) {
        return new ByType(Map.of(FEDERATED, List.of(providers)));
    }

    static Principal of(Map<String, List<String>> byType) {
        return new ByType(byType);
    }
}
