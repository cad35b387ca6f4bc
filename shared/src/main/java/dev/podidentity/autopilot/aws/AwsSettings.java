package dev.podidentity.autopilot.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * How the SDK clients are built: region, optional endpoint override, HTTP timeouts and retry tuning. The same
 * settings serve AWS and the local cloud; only the endpoint (and, locally, the credentials) differ.
 *
 * @param endpoint       null for the service's real endpoint; the local cloud's gateway in local runs and tests
 * @param credentials    null for the SDK's default chain (the Lambda execution role in AWS)
 * @param maxAttempts    SDK attempts per call, first one included (standard retry mode)
 * @param backoffBase    base of the full-jitter exponential backoff for retryable non-throttling errors (5xx, I/O)
 * @param throttlingBase base of the backoff for throttling errors: longer, because throttling means "slow down"
 * @param backoffMax     cap of either backoff
 */
public record AwsSettings(String region, URI endpoint, AwsCredentialsProvider credentials, Duration connectTimeout,
                          Duration readTimeout, int maxAttempts, Duration backoffBase, Duration throttlingBase,
                          Duration backoffMax) {

    /**
     * The SDK's own endpoint settings (environment variables, and the system properties which win over them): the
     * SDK reads them itself when a client is built, so {@link #fromEnvironment()} sets no override, and
     * {@code sam local invoke --env-vars} or any other tool points the functions at a local endpoint the usual way.
     */
    public static final String ENDPOINT_ENV = "AWS_ENDPOINT_URL";
    public static final String S3_ENDPOINT_ENV = "AWS_ENDPOINT_URL_S3";
    public static final String ENDPOINT_PROPERTY = "aws.endpointUrl";
    public static final String S3_ENDPOINT_PROPERTY = "aws.endpointUrlS3";
    /** System property naming the region; wins over {@code AWS_REGION}. */
    public static final String REGION_PROPERTY = "aws.region";

    public AwsSettings {
        Objects.requireNonNull(region, "region (AWS_REGION) must be set");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(throttlingBase, "throttlingBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
    }

    /**
     * Defaults for a Lambda function: 2 s to connect, 20 s to read (IAM and EKS answer in well under a second;
     * a hung connection must not eat the function's timeout), 6 attempts, 100 ms / 500 ms backoff bases capped at
     * 10 s, so a burst of throttling is ridden out over roughly 20 s before the state machine's own retry takes over.
     */
    public static AwsSettings defaults(String region) {
        return new AwsSettings(region, null, null, Duration.ofSeconds(2), Duration.ofSeconds(20), 6,
                Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(10));
    }

    /** Region from {@code aws.region} or {@code AWS_REGION}; no endpoint override (the SDK applies
     * {@code AWS_ENDPOINT_URL} and its per-service variants itself). */
    public static AwsSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), System::getProperty);
    }

    static AwsSettings fromEnvironment(Map<String, String> env, Function<String, String> properties) {
        String region = firstNonBlank(properties.apply(REGION_PROPERTY), env.get("AWS_REGION"),
                env.get("AWS_DEFAULT_REGION"));
        if (region == null) {
            throw new IllegalStateException("no region: set AWS_REGION (Lambda sets it) or -D" + REGION_PROPERTY);
        }
        return defaults(region);
    }

    /**
     * Whether S3 is pointed at a configured endpoint (a local one has no per-bucket host names, so S3 goes
     * path-style there): this settings' override, or the SDK's general or S3 endpoint setting.
     */
    public boolean s3EndpointConfigured() {
        return s3EndpointConfigured(System.getenv(), System::getProperty);
    }

    boolean s3EndpointConfigured(Map<String, String> env, Function<String, String> properties) {
        return endpoint != null || firstNonBlank(properties.apply(S3_ENDPOINT_PROPERTY),
                properties.apply(ENDPOINT_PROPERTY), env.get(S3_ENDPOINT_ENV), env.get(ENDPOINT_ENV)) != null;
    }

    public AwsSettings withEndpoint(URI uri) {
        return new AwsSettings(region, uri, credentials, connectTimeout, readTimeout, maxAttempts, backoffBase,
                throttlingBase, backoffMax);
    }

    public AwsSettings withCredentials(AwsCredentialsProvider provider) {
        return new AwsSettings(region, endpoint, provider, connectTimeout, readTimeout, maxAttempts, backoffBase,
                throttlingBase, backoffMax);
    }

    /** Shorter backoff, for tests and benchmarks against the local cloud (same attempts, same code path). */
    public AwsSettings withBackoff(Duration base, Duration throttling, Duration max) {
        return new AwsSettings(region, endpoint, credentials, connectTimeout, readTimeout, maxAttempts, base,
                throttling, max);
    }

    public AwsSettings withMaxAttempts(int attempts) {
        return new AwsSettings(region, endpoint, credentials, connectTimeout, readTimeout, attempts, backoffBase,
                throttlingBase, backoffMax);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
