package dev.podidentity.autopilot.kube;

/**
 * How to reach one cluster's API server: its endpoint and CA (from DescribeCluster) and a bearer token for the
 * caller's IAM identity. The AWS implementation lives in {@code aws.AwsClusterAccess}; tests give their own.
 */
public interface ClusterAccess {

    /** The API server of the cluster; throws {@link dev.podidentity.autopilot.error.NotFoundException} if none. */
    Endpoint endpoint(String cluster);

    /** A bearer token the API server accepts for the caller (an EKS token in AWS); fresh enough for one call. */
    String token(String cluster);

    /**
     * @param server                   {@code https://...} (or {@code http://...} on the local cloud)
     * @param certificateAuthorityData the cluster CA, base64 PEM as DescribeCluster returns it; null to use the JVM's
     */
    record Endpoint(String server, String certificateAuthorityData) {
    }
}
