package dev.podidentity.autopilot.naming;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names of Step Functions executions. The name is the idempotency key of a run: the same trigger (S3 object version,
 * CloudTrail event id, console request id) for the same cluster and action always yields the same name, so a
 * redelivered event cannot start a second run while Step Functions remembers the name (90 days).
 *
 * <p>Form: {@code <action>-<cluster>-<trigger>} with characters outside {@code [0-9A-Za-z_-]} replaced by
 * {@code -}, shortened to fit, then {@code _} and 16 hex digits of SHA-256 over the exact tuple. The hash is always
 * present because the replacement loses information ({@code v1.2} and {@code v1-2} read alike).
 */
public final class ExecutionNames {

    public static final int MAX_LENGTH = 80;

    private static final Pattern VALID = Pattern.compile("[0-9A-Za-z_-]{1,80}");
    private static final int HASH_CHARS = 16;

    private ExecutionNames() {
    }

    public static String forTrigger(String cluster, String triggerId, String action) {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(triggerId, "triggerId");
        Objects.requireNonNull(action, "action");
        String[] parts = {sanitise(action), sanitise(cluster), sanitise(triggerId)};
        int budget = MAX_LENGTH - 2 /* dashes */ - 1 /* underscore */ - HASH_CHARS;
        int length = parts[0].length() + parts[1].length() + parts[2].length();
        String[] fitted = length <= budget ? parts : Hashes.fit(parts, budget);
        return fitted[0] + "-" + fitted[1] + "-" + fitted[2] + "_" + Hashes.of(HASH_CHARS, cluster, triggerId, action);
    }

    /** Whether Step Functions accepts the text as an execution name (as we restrict them). */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    private static String sanitise(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            out.append(ok ? c : '-');
        }
        return out.isEmpty() ? "-" : out.toString();
    }
}
