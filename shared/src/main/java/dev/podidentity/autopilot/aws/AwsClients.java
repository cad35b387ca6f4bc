package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.support.Lazy;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The SDK clients of one container, built once (a handler keeps them in a static field, so SnapStart snapshots
 * them warm). Every client shares one URL-connection HTTP client with explicit timeouts and the standard retry
 * strategy with separate backoff for throttling, and the {@link PacingHooks} through which a batch paces its writes. {@link #fromEnvironment()} is what handlers use;
 * {@link #create(AwsSettings)} lets tests point the same code path at the local cloud; {@link #of} wraps clients
 * built elsewhere. Every client is built on its first use.
 */
public final class AwsClients implements AutoCloseable {
    private static volatile AwsClients shared;

    private final SdkHttpClient http;
    // Typed Object, cast on use: a lambda typed with a client class (Supplier<IamClient>) loads that class when
    // it is created, and a function's jar holds only the SDK modules it calls (functions/<task>/pom.xml).
    private final Lazy<Object> iam;
    private final Lazy<Object> eks;
    private final Lazy<Object> s3;
    private final Lazy<Object> sts;
    private final Lazy<Object> sfn;
    private final Lazy<Object> dynamoDb;
    private final Lazy<Object> eventBridge;

    private AwsClients(SdkHttpClient http, Lazy<Object> iam, Lazy<Object> eks, Lazy<Object> s3,
                       Lazy<Object> sts, Lazy<Object> sfn, Lazy<Object> dynamoDb, Lazy<Object> eventBridge) {
        this.http = http;
        this.iam = iam;
        this.eks = eks;
        this.s3 = s3;
        this.sts = sts;
        this.sfn = sfn;
        this.dynamoDb = dynamoDb;
        this.eventBridge = eventBridge;
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
        // priming's answered calls end here instead of on the wire (Priming#answered)
        SdkHttpClient http = new AnsweringHttpClient(UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.readTimeout())
                .build());
        ClientOverrideConfiguration.Builder configured = ClientOverrideConfiguration.builder()
                .addExecutionInterceptor(Priming.STOP_BEFORE_SENDING)
                // throttled calls become the AwsThrottled metric (docs/operations.md)
                .addMetricPublisher(SdkThrottles.INSTANCE);
        XRaySubsegments tracing = XRaySubsegments.fromEnvironment();
        if (tracing != null) {
            // each call a subsegment of the function's X-Ray trace (Tracing: Active in template.yaml)
            configured.addExecutionInterceptor(tracing);
        }
        // Write pacing (a batch's steps share it; no-op outside a batch) sees every attempt and every throttle.
        ClientOverrideConfiguration override = configured
                .retryStrategy(PacingHooks.retries(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.maxAttempts())
                        .backoffStrategy(BackoffStrategy.exponentialDelay(settings.backoffBase(), settings.backoffMax()))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(settings.throttlingBase(),
                                settings.backoffMax()))
                        .build()))
                .addExecutionInterceptor(PacingHooks.interceptor())
                .build();
        return new AwsClients(http,
                new Lazy<Object>(() -> build(IamClient.builder(), settings, http, override)),
                new Lazy<Object>(() -> build(EksClient.builder(), settings, http, override)),
                // path-style: a local endpoint has no per-bucket host names; AWS accepts both
                new Lazy<Object>(() -> build(S3Client.builder().forcePathStyle(settings.s3EndpointConfigured()),
                        settings, http, override)),
                new Lazy<Object>(() -> build(StsClient.builder(), settings, http, override)),
                new Lazy<Object>(() -> build(SfnClient.builder(), settings, http, override)),
                new Lazy<Object>(() -> build(DynamoDbClient.builder(), settings, http, override)),
                new Lazy<Object>(() -> build(EventBridgeClient.builder(), settings, http, override)));
    }

    /** Clients built elsewhere (tests); null for the ones not needed. Closing closes them. */
    public static AwsClients of(IamClient iam, EksClient eks, S3Client s3, StsClient sts, SfnClient sfn) {
        return new AwsClients(null, Lazy.of(Objects.requireNonNull(iam, "iam")),
                Lazy.of(Objects.requireNonNull(eks, "eks")), Lazy.of(s3), Lazy.of(sts), Lazy.of(sfn), Lazy.of(null), Lazy.of(null));
    }

    /** The same clients with a DynamoDB client built elsewhere (the local cloud's). */
    public AwsClients withDynamoDb(DynamoDbClient client) {
        Objects.requireNonNull(client, "client");
        return new AwsClients(http, iam, eks, s3, sts, sfn, Lazy.of((Object) client), eventBridge);
    }

    /** The same clients with an EventBridge client built elsewhere (the local cloud's). */
    public AwsClients withEventBridge(EventBridgeClient client) {
        Objects.requireNonNull(client, "client");
        return new AwsClients(http, iam, eks, s3, sts, sfn, dynamoDb, Lazy.of((Object) client));
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

    /** The clients a function may prime. */
    public enum Service { IAM, EKS, S3, SFN, DYNAMODB, EVENTBRIDGE }

    /**
     * SnapStart priming: builds each named client and makes one typical request with it, marshalled and signed but
     * not sent ({@link Priming#offline}), and answered here with a response of the kind the service sends (nested
     * shapes included), which the SDK parses: its classes, the request's and the response's, are in the snapshot.
     */
    public void prime(Service... services) {
        for (Service service : services) {
            Priming.offline(() -> {
                switch (service) {
                    case IAM -> Priming.answered("text/xml", IAM_GET_ROLE,
                            () -> iam().getRole(r -> r.roleName("priming")));
                    case EKS -> Priming.answered("application/json", EKS_DESCRIBE_CLUSTER,
                            () -> eks().describeCluster(r -> r.name("priming")));
                    case S3 -> Priming.answered("text/plain", "priming",
                            () -> s3().getObjectAsBytes(r -> r.bucket("priming").key("priming")));
                    case SFN -> Priming.answered("application/x-amz-json-1.0",
                            "{\"executionArn\":\"arn:aws:states:us-east-1:111122223333:execution:priming:priming\","
                                    + "\"startDate\":1767225600}",
                            () -> sfn().startExecution(r -> r.stateMachineArn(
                                    "arn:aws:states:us-east-1:111122223333:stateMachine:priming").name("priming")
                                    .input("{}")));
                    case DYNAMODB -> Priming.answered("application/x-amz-json-1.0",
                            "{\"Item\":{\"pk\":{\"S\":\"priming\"},\"n\":{\"N\":\"1\"}}}",
                            () -> dynamoDb().getItem(r -> r.tableName("priming")
                                    .key(Map.of("pk", AttributeValue.fromS("priming")))));
                    case EVENTBRIDGE -> Priming.answered("application/x-amz-json-1.1",
                            "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"priming\"}]}",
                            () -> eventBridge().putEvents(r -> r.entries(e -> e.source("priming")
                                    .detailType("priming").detail("{}"))));
                }
            });
        }
    }

    /** A GetRole answer with what our roles carry: a boundary, tags, last use. */
    static final String IAM_GET_ROLE = """
            <GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>\
            <Path>/</Path><RoleName>priming</RoleName><RoleId>AROAPRIMING</RoleId>\
            <Arn>arn:aws:iam::111122223333:role/priming</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate>\
            <AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration>\
            <PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>\
            <PermissionsBoundaryArn>arn:aws:iam::111122223333:policy/priming</PermissionsBoundaryArn>\
            </PermissionsBoundary><Tags><member><Key>priming</Key><Value>priming</Value></member></Tags>\
            <RoleLastUsed><LastUsedDate>2026-01-01T00:00:00Z</LastUsedDate><Region>us-east-1</Region></RoleLastUsed>\
            </Role></GetRoleResult><ResponseMetadata><RequestId>priming</RequestId></ResponseMetadata></GetRoleResponse>""";

    /** A DescribeCluster answer with the parts of a cluster we read. */
    static final String EKS_DESCRIBE_CLUSTER = """
            {"cluster": {"name": "priming", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/priming",
            "createdAt": 1767225600, "version": "1.33", "endpoint": "https://priming.example",
            "roleArn": "arn:aws:iam::111122223333:role/priming", "status": "ACTIVE", "platformVersion": "eks.1",
            "resourcesVpcConfig": {"subnetIds": ["subnet-1"], "endpointPublicAccess": true},
            "kubernetesNetworkConfig": {"serviceIpv4Cidr": "10.100.0.0/16", "ipFamily": "ipv4"},
            "identity": {"oidc": {"issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/PRIMING"}},
            "certificateAuthority": {"data": "cHJpbWluZw=="}, "accessConfig": {"authenticationMode": "API"},
            "computeConfig": {"enabled": false}, "tags": {"priming": "priming"}}}""";

    // Each client is built on its first call and kept: a function builds (and ships) only the ones it calls.

    public IamClient iam() {
        return (IamClient) iam.get();
    }

    public EksClient eks() {
        return (EksClient) eks.get();
    }

    public S3Client s3() {
        return (S3Client) require(s3.get(), "s3");
    }

    public StsClient sts() {
        return (StsClient) require(sts.get(), "sts");
    }

    public SfnClient sfn() {
        return (SfnClient) require(sfn.get(), "sfn");
    }

    public DynamoDbClient dynamoDb() {
        return (DynamoDbClient) require(dynamoDb.get(), "dynamodb");
    }

    /** Built on first call and kept: only the Report and Sweep functions put events. */
    public EventBridgeClient eventBridge() {
        return (EventBridgeClient) require(eventBridge.get(), "eventbridge");
    }

    private static <T> T require(T client, String name) {
        if (client == null) {
            throw new IllegalStateException("no " + name + " client was given");
        }
        return client;
    }

    @Override
    public void close() {
        for (Lazy<Object> client : List.of(iam, eks, s3, sts, sfn, dynamoDb, eventBridge)) {
            if (client.isBuilt() && client.get() instanceof AutoCloseable c) {
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
