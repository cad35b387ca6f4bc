package dev.podidentity.autopilot.policy;

/**
 * A policy document that IAM would not accept, or that we cannot read. {@link #path()} is relative to the
 * document root (e.g. {@code Statement[1].Effect}, empty for the root itself) so that the config validator can
 * prefix it with the config field path and line of the inline policy.
 */
public final class PolicyFormatException extends RuntimeException {

    private final String path;
    private final String problem;

    public PolicyFormatException(String path, String problem) {
        super(path.isEmpty() ? problem : path + ": " + problem);
        this.path = path;
        this.problem = problem;
    }

    public PolicyFormatException(String path, String problem, Throwable cause) {
        this(path, problem);
        initCause(cause);
    }

    /** Where inside the document the problem is; empty when it concerns the whole document. */
    public String path() {
        return path;
    }

    /** The problem alone, without the path. */
    public String problem() {
        return problem;
    }
}
