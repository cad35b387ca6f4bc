package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.kube.ClusterAccess;
import dev.podidentity.autopilot.kube.EksTokens;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ClusterAccess} in AWS: the endpoint and CA from DescribeCluster, and an EKS token presigned with the SDK's
 * own SigV4 signer for the function's credentials (the execution role in Lambda). A token is reused for a little
 * less than its presigned expiry, so a burst of calls signs once.
 */
public final class AwsClusterAccess implements ClusterAccess {
    private static final Duration REUSE = Duration.ofSeconds(EksTokens.PRESIGN_EXPIRY_SECONDS - 15);

    private final EksClient eks;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    public AwsClusterAccess(EksClient eks, AwsCredentialsProvider credentials, String region, Clock clock) {
        this.eks = Objects.requireNonNull(eks, "eks");
        this.credentials = credentials == null ? DefaultCredentialsProvider.builder().build() : credentials;
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The container's access: the EKS client of {@code clients}, region and credentials of {@code settings}. */
    public static AwsClusterAccess create(AwsClients clients, AwsSettings settings) {
        return new AwsClusterAccess(clients.eks(), settings.credentials(), settings.region(), Clock.systemUTC());
    }

    @Override
    public Endpoint endpoint(String cluster) {
        try {
            var c = eks.describeCluster(r -> r.name(cluster)).cluster();
            if (c.endpoint() == null || c.endpoint().isEmpty()) {
                throw new NotFoundException("cluster \"" + cluster + "\" has no API server endpoint yet (status "
                        + c.statusAsString() + ")");
            }
            String ca = c.certificateAuthority() == null ? null : c.certificateAuthority().data();
            return new Endpoint(c.endpoint(), ca);
        } catch (SdkException e) {
            throw AwsErrors.map(e, "DescribeCluster \"" + cluster + "\"");
        }
    }

    @Override
    public String token(String cluster) {
        Instant now = clock.instant();
        Token t = tokens.get(cluster);
        if (t == null || now.isAfter(t.signedAt().plus(REUSE))) {
            t = new Token(presign(cluster, now), now);
            tokens.put(cluster, t);
        }
        return t.value();
    }

    /** The presigned GetCallerIdentity URL, wrapped as an EKS token. Visible for tests. */
    String presign(String cluster, Instant when) {
        String dnsSuffix = PartitionMetadata.of(Region.of(region)).dnsSuffix();
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(EksTokens.getCallerIdentityUrl(region, dnsSuffix))
                .putHeader(EksTokens.CLUSTER_ID_HEADER, cluster)
                .build();
        Clock at = Clock.fixed(when, java.time.ZoneOffset.UTC);
        URI presigned = signer.sign(r -> r.identity(credentials.resolveCredentials())
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION,
                                Duration.ofSeconds(EksTokens.PRESIGN_EXPIRY_SECONDS))
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, at))
                .request().getUri();
        return EksTokens.token(presigned);
    }

    private record Token(String value, Instant signedAt) {
    }
}
