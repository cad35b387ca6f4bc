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

    public ReadLimits withMaxBytes(int bytes) {
        return new ReadLimits(bytes, maxAliases, maxDepth, maxNodes);
    }
}
