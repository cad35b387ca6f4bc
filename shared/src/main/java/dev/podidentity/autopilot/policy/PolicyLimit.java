package dev.podidentity.autopilot.policy;

/**
 * IAM's size limits on policy documents, in characters of the document without white space (IAM does not count
 * white space). Source: IAM User Guide, "IAM and AWS STS quotas".
 */
public enum PolicyLimit {
    /** All inline policies of one role together; a single inline policy is checked against the same number. */
    ROLE_INLINE_POLICIES(10_240, "the inline policies of a role"),
    /** The role trust policy; 2,048 by default, raisable to 8,192 through Service Quotas. */
    TRUST_POLICY(2_048, "a role trust policy"),
    MANAGED_POLICY(6_144, "a managed policy");

    private final int maxCharacters;
    private final String subject;

    PolicyLimit(int maxCharacters, String subject) {
        this.maxCharacters = maxCharacters;
        this.subject = subject;
    }

    public int maxCharacters() {
        return maxCharacters;
    }

    /** What the limit applies to, for messages. */
    public String subject() {
        return subject;
    }
}
