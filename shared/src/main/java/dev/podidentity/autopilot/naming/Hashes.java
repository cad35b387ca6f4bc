package dev.podidentity.autopilot.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable short hashes of tuples, for names that must stay unique after shortening. */
final class Hashes {

    private Hashes() {
    }

    /**
     * The first {@code hexChars} lower-case hex digits of SHA-256 over the parts. Each part is prefixed with its
     * length, so ("a-b", "c") and ("a", "b-c") never hash the same input whatever characters the parts contain.
     */
    static String of(int hexChars, String... parts) {
        StringBuilder encoded = new StringBuilder();
        for (String part : parts) {
            encoded.append(part.length()).append(':').append(part).append(';');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }

    /**
     * Shortens parts to fit {@code budget} characters in total, sharing the cut fairly: short parts stay whole and
     * long ones are trimmed to equal lengths, so every part stays recognisable. Each part keeps at least 1 character.
     */
    static String[] fit(String[] parts, int budget) {
        int n = parts.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> parts[i].length()));
        String[] out = new String[n];
        int remaining = budget;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            int share = Math.max(1, remaining / (n - k));
            int length = Math.min(parts[i].length(), share);
            out[i] = parts[i].substring(0, length);
            remaining -= length;
        }
        return out;
    }
}
