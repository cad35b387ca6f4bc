package dev.podidentity.local.world;

/** Configs of a given size for scale tests and benchmarks. */
public final class GeneratedConfigs {
    private GeneratedConfigs() {
    }

    /**
     * A ClusterConfig for {@code cluster} declaring {@code n} associations in namespace {@code bench}, service
     * accounts {@code app-0000}, {@code app-0001}, ..., each with a role the run creates (one AWS managed policy).
     */
    public static String associations(String cluster, int n) {
        StringBuilder b = new StringBuilder("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: "
                + cluster + "\niam:\n  podIdentityAssociations:\n");
        for (int i = 0; i < n; i++) {
            b.append("    - namespace: bench\n      serviceAccountName: ").append(serviceAccount(i))
                    .append("\n      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n");
        }
        return b.toString();
    }

    /** The service account of the {@code i}th association of {@link #associations}. */
    public static String serviceAccount(int i) {
        return String.format("app-%04d", i);
    }
}
