package dev.podidentity.autopilot.policy;

import java.util.Collection;
import java.util.Optional;

/** Measures policy documents the way IAM does and checks them against {@link PolicyLimit}s. */
public final class PolicySize {

    private PolicySize() {
    }

    /**
     * The characters IAM counts: the canonical minified JSON without any white space (IAM ignores white space,
     * including inside strings, when it applies its limits).
     */
    public static int characters(PolicyDocument document) {
        String json = document.toJson();
        int count = 0;
        for (int i = 0; i < json.length(); i++) {
            if (!Character.isWhitespace(json.charAt(i))) {
                count++;
            }
        }
        return count;
    }

    /** A problem message when the document exceeds the limit. */
    public static Optional<String> problem(PolicyDocument document, PolicyLimit limit) {
        return problem(characters(document), limit.maxCharacters(), limit.subject());
    }

    /** As {@link #problem(PolicyDocument, PolicyLimit)} for an account whose quota was raised, e.g. trust policies. */
    public static Optional<String> problem(PolicyDocument document, PolicyLimit limit, int raisedMaxCharacters) {
        return problem(characters(document), raisedMaxCharacters, limit.subject());
    }

    /** Checks several documents whose sizes IAM adds up, such as all inline policies of one role. */
    public static Optional<String> problem(Collection<PolicyDocument> documents, PolicyLimit limit) {
        int total = documents.stream().mapToInt(PolicySize::characters).sum();
        return problem(total, limit.maxCharacters(), limit.subject());
    }

    private static Optional<String> problem(int characters, int max, String subject) {
        if (characters <= max) {
            return Optional.empty();
        }
        return Optional.of(subject + " would be " + characters + " characters without white space; IAM allows at most "
                + max);
    }
}
