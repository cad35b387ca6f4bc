package dev.podidentity.autopilot.config.tree;

/**
 * Bounds on what a config file may cost us to read. The config bucket is writable by more people than the
 * application's IAM permissions are, so a hostile file must fail fast and clearly rather than exhaust a Lambda.
 *
 * @param maxBytes       size of the file; 5,000 associations (the EKS quota) fit in well under 2 MiB
 * @param maxAliases     YAML aliases to collections; real eksctl configs use none or a few
 * @param maxDepth       nesting depth of mappings and lists
 * @param maxNodes       values after aliases are expanded, the guard against "billion laughs"
 */
public record ReadLimits(int maxBytes, int maxAliases, int maxDepth, int maxNodes) {
    public static final ReadLimits DEFAULT = new ReadLimits(4 * 1024 * 1024, 50, 64, 500_000);

    /**
     * Longest single value (or key), in characters. Values reach the run's Step Functions state (256 KB at most) in
     * plans, outcomes and errors; no eksctl field needs more (an inline policy is a mapping, IAM caps a role's inline
     * policies at 10,240 characters).
     */
    public static final int MAX_VALUE_CHARS = 32 * 1024;

    /** The problem for a value (or key) longer than {@link #MAX_VALUE_CHARS}; null when it fits. */
    public static String valueTooLong(String value) {
        if (value == null || value.length() <= MAX_VALUE_CHARS) {
            return null;
        }
        return String.format("a value of %,d characters (starting \"%s...\"); values may have at most %,d characters",
                value.length(), value.substring(0, 32).replaceAll("[\\p{Cntrl}\"]", "?"), MAX_VALUE_CHARS);
    }

    public ReadLimits withMaxBytes(int bytes) {
        return new ReadLimits(bytes, maxAliases, maxDepth, maxNodes);
    }
}
