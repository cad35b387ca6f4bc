package dev.podidentity.autopilot.aws;

import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The SDK clients of one container, built once (a handler keeps them in a static field, so SnapStart snapshots
 * them warm). Every client shares one URL-connection HTTP client with explicit timeouts and the standard retry
 * strategy with separate backoff for throttling, and the {@link PacingHooks} through which a batch paces its writes. {@link #fromEnvironment()} is what handlers use;
 * {@link #create(AwsSettings)} lets tests point the same code path at the local cloud; {@link #of} wraps clients
 * built elsewhere. The DynamoDB client (only the lock function uses it) is built on first use.
 */
public final class AwsClients implements AutoCloseable {
    private static volatile AwsClients shared;

    private final SdkHttpClient http;
    private final IamClient iam;
    private final EksClient eks;
    private final S3Client s3;
    private final StsClient sts;
    private final SfnClient sfn;
    private final Supplier<DynamoDbClient> dynamoDbFactory;
    private volatile DynamoDbClient dynamoDb;

    private AwsClients(SdkHttpClient http, IamClient iam, EksClient eks, S3Client s3, StsClient sts, SfnClient sfn,
                       Supplier<DynamoDbClient> dynamoDbFactory) {
        this.http = http;
        this.dynamoDbFactory = dynamoDbFactory;
        this.iam = Objects.requireNonNull(iam, "iam");
        this.eks = Objects.requireNonNull(eks, "eks");
        this.s3 = s3;
        this.sts = sts;
        this.sfn = sfn;
    }

    /** The container's clients, built on first use from {@link AwsSettings#fromEnvironment()}. */
    public static AwsClients fromEnvironment() {
        AwsClients clients = shared;
        if (clients == null) {
            synchronized (AwsClients.class) {
                if (shared == null) {
                    shared = create(AwsSettings.fromEnvironment());
                }
                clients = shared;
            }
        }
        return clients;
    }

    public static AwsClients create(AwsSettings settings) {
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.readTimeout())
                .build();
        // Write pacing (a batch's steps share it; no-op outside a batch) sees every attempt and every throttle.
        ClientOverrideConfiguration override = ClientOverrideConfiguration.builder()
                .retryStrategy(PacingHooks.retries(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.maxAttempts())
                        .backoffStrategy(BackoffStrategy.exponentialDelay(settings.backoffBase(), settings.backoffMax()))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(settings.throttlingBase(),
                                settings.backoffMax()))
                        .build()))
                .addExecutionInterceptor(PacingHooks.interceptor())
                .build();
        return new AwsClients(http,
                build(IamClient.builder(), settings, http, override),
                build(EksClient.builder(), settings, http, override),
                // path-style: a local endpoint has no per-bucket host names; AWS accepts both
                build(S3Client.builder().forcePathStyle(settings.endpoint() != null), settings, http, override),
                build(StsClient.builder(), settings, http, override),
                build(SfnClient.builder(), settings, http, override),
                () -> build(DynamoDbClient.builder(), settings, http, override));
    }

    /** Clients built elsewhere (tests); null for the ones not needed. Closing closes them. */
    public static AwsClients of(IamClient iam, EksClient eks, S3Client s3, StsClient sts, SfnClient sfn) {
        return new AwsClients(null, iam, eks, s3, sts, sfn, null);
    }

    /** The same clients with a DynamoDB client built elsewhere (the local cloud's). */
    public AwsClients withDynamoDb(DynamoDbClient client) {
        Objects.requireNonNull(client, "client");
        return new AwsClients(http, iam, eks, s3, sts, sfn, () -> client);
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, AwsSettings settings, SdkHttpClient http, ClientOverrideConfiguration override) {
        // IAM is global, but its endpoint and signing region follow the partition of the configured region.
        builder.region(Region.of(settings.region())).httpClient(http).overrideConfiguration(override);
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        if (settings.credentials() != null) {
            builder.credentialsProvider(settings.credentials());
        }
        return builder.build();
    }

    public IamClient iam() {
        return iam;
    }

    public EksClient eks() {
        return eks;
    }

    public S3Client s3() {
        return require(s3, "s3");
    }

    public StsClient sts() {
        return require(sts, "sts");
    }

    public SfnClient sfn() {
        return require(sfn, "sfn");
    }

    /** Built on first call and kept; the functions that never call it never pay for it. */
    public DynamoDbClient dynamoDb() {
        DynamoDbClient c = dynamoDb;
        if (c == null) {
            synchronized (this) {
                if (dynamoDb == null) {
                    dynamoDb = require(dynamoDbFactory, "dynamodb").get();
                }
                c = dynamoDb;
            }
        }
        return c;
    }

    private static <T> T require(T client, String name) {
        if (client == null) {
            throw new IllegalStateException("no " + name + " client was given");
        }
        return client;
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {iam, eks, s3, sts, sfn, dynamoDb}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing an SDK client releases local resources only
                }
            }
        }
        if (http != null) {
            http.close();
        }
    }
}
