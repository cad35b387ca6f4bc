package dev.podidentity.local.eks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** One page of a list and the opaque token for the next, with EKS's 1..100 bound on maxResults. */
record Page<T>(List<T> items, String nextToken) {
    private static final String PREFIX = "emu:";

    static <T> Page<T> of(List<T> all, Integer maxResults, String nextToken) {
        if (maxResults != null && (maxResults < 1 || maxResults > 100)) {
            throw EksApiException.invalidParameter("maxResults must be between 1 and 100, got " + maxResults);
        }
        int size = maxResults == null ? 100 : maxResults;
        int from = offset(nextToken);
        if (from > all.size()) {
            throw EksApiException.invalidParameter("The nextToken provided is not valid");
        }
        int to = Math.min(all.size(), from + size);
        String next = to < all.size() ? token(to) : null;
        return new Page<>(List.copyOf(all.subList(from, to)), next);
    }

    private static int offset(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!decoded.startsWith(PREFIX)) {
                throw new IllegalArgumentException(decoded);
            }
            return Integer.parseInt(decoded.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw EksApiException.invalidParameter("The nextToken provided is not valid");
        }
    }

    private static String token(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }
}
