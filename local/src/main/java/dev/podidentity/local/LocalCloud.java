package dev.podidentity.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.eks.AddonCatalog;
import dev.podidentity.local.eks.EksEmulator;
import dev.podidentity.local.eks.MotoDirectory;
import dev.podidentity.local.eks.RoleDirectory;
import dev.podidentity.local.gateway.CallCounter;
import dev.podidentity.local.gateway.FaultInjector;
import dev.podidentity.local.gateway.RateLimits;
import dev.podidentity.local.gateway.RoleViews;
import dev.podidentity.local.gateway.FunctionInvocations;
import dev.podidentity.local.gateway.Gateway;
import dev.podidentity.local.gateway.LambdaInvoker;
import dev.podidentity.local.gateway.LambdaRegistry;
import dev.podidentity.local.iam.CallContexts;
import dev.podidentity.local.iam.IamAuthorizer;
import dev.podidentity.local.iam.ServiceAuthorization;
import dev.podidentity.local.iam.TemplatePolicies;
import dev.podidentity.local.kube.KubernetesApis;
import dev.podidentity.local.moto.MotoOptions;
import dev.podidentity.local.moto.MotoServer;
import dev.podidentity.local.moto.MotoUnavailableException;
import dev.podidentity.local.world.StateDumper;
import dev.podidentity.local.world.World;
import dev.podidentity.local.world.WorldFile;
import dev.podidentity.local.world.WorldSeeder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The local cloud: moto, the EKS emulator and the gateway, started together. SDK clients point at
 * {@link #endpoint()} with {@link #region()} and the static credentials {@code test}/{@code test}; S3 clients use
 * path-style addressing. Close it to stop everything.
 *
 * <pre>{@code
 * try (LocalCloud cloud = LocalCloud.start(Path.of("local/worlds/default.yaml"))) {
 *     cloud.lambdas().register("resolve", payload -> handler.apply(payload));
 *     IamClient iam = cloud.iam();
 *     ...
 *     cloud.writeState(Path.of("target/state.json"));
 * }
 * }</pre>
 */
public final class LocalCloud implements AutoCloseable {
    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where and as whom the cloud runs; the account is fixed for moto's lifetime. */
    public record Options(String accountId, String region, MotoOptions moto) {
        public Options {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(region, "region");
            moto = moto == null ? MotoOptions.defaults() : moto;
        }

        public static Options of(String accountId, String region) {
            return new Options(accountId, region, MotoOptions.defaults());
        }
    }

    private final Options options;
    private final MotoServer moto;
    private final Gateway gateway;
    private final EksEmulator emulator;
    private final LambdaRegistry lambdas = new LambdaRegistry();
    private final KubernetesApis serviceAccounts = new KubernetesApis();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final IamClient motoIam;
    private final MotoDirectory directory;
    private final S3Client motoS3;
    private final EksClient motoEks;
    private volatile WorldFile seededFile;
    private IamClient iam;
    private EksClient eks;
    private S3Client s3;
    private StsClient sts;
    private SfnClient sfn;
    private DynamoDbClient dynamoDb;
    private EventBridgeClient eventBridge;
    private SqsClient sqs;

    private static final java.util.regex.Pattern ROLE_ARN = java.util.regex.Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:role/(.+)$");

    private LocalCloud(Options options) {
        this.options = options;
        this.directory = new MotoDirectory(this::motoEndpoint);
        // roles: one GetRole per role per call, shared with the IAM authorizer's look-up (see role(String))
        RoleDirectory roles = new RoleDirectory() {
            @Override
            public boolean roleExists(String roleArn) {
                return roleByArn(roleArn).isPresent();
            }

            @Override
            public java.util.Optional<java.time.Instant> roleCreated(String roleArn) {
                return roleByArn(roleArn).map(RoleViews.View::created);
            }
        };
        this.emulator = new EksEmulator(options.accountId(), directory, roles, AddonCatalog.standard(), Clock.systemUTC());
        this.gateway = Gateway.start(0, options.accountId(), options.region(), emulator, lambdas);
        gateway.onEksWrite(directory::clustersChanged);
        MotoServer started;
        try {
            started = startMoto(options, gateway.port());
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        this.moto = started;
        try {
            gateway.upstream(moto.endpoint());
            // Step Functions runs real ASL and calls Lambda through the gateway; moto never runs Lambda code itself.
            moto.configure("{\"stepfunctions\":{\"execute_state_machine\":true},\"lambda\":{\"use_docker\":false}}");
            // the world's seeding writes to moto's IAM directly: any such write drops the roles' views the gateway keeps
            this.motoIam = direct(IamClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(
                    new DirectWrites(gateway.roleViews()::clear))));
            this.motoS3 = direct(S3Client.builder().forcePathStyle(true));
            this.motoEks = direct(EksClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(
                    new DirectWrites(directory::clustersChanged))));
        } catch (RuntimeException e) {
            gateway.close();
            moto.close();
            throw e;
        }
    }

    /** moto's port is probed free before it binds; on a shared machine another process can take it in between. */
    private static MotoServer startMoto(Options options, int gatewayPort) {
        for (int attempt = 1; ; attempt++) {
            try {
                return MotoServer.start(options.moto().withPort(0).withInternalPort(gatewayPort).withAccountId(options.accountId()));
            } catch (MotoUnavailableException e) {
                if (!e.portInUse() || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    public static LocalCloud start(Options options) {
        return new LocalCloud(options);
    }

    /** Starts a cloud in the world's account and region and seeds it. */
    public static LocalCloud start(Path worldFile) {
        WorldFile file = WorldFile.read(worldFile);
        World world = file.world();
        LocalCloud cloud = start(Options.of(world.account(), world.region()));
        try {
            cloud.seed(file);
        } catch (RuntimeException e) {
            cloud.close();
            throw e;
        }
        return cloud;
    }

    // ------------------------------------------------------------------ where to connect

    public URI endpoint() {
        return gateway.endpoint();
    }

    public int gatewayPort() {
        return gateway.port();
    }

    public URI motoEndpoint() {
        return moto.endpoint();
    }

    public int motoPort() {
        return moto.port();
    }

    public String region() {
        return options.region();
    }

    public String accountId() {
        return options.accountId();
    }

    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /**
     * Points any SDK sync client builder at the gateway (endpoint, region, credentials, URL-connection HTTP client);
     * calls made inside an in-process function invocation say which one, so a crash fault can end it.
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(endpoint()).region(Region.of(region())).credentialsProvider(credentials())
                .overrideConfiguration(builder.overrideConfiguration().toBuilder()
                        .addExecutionInterceptor(FunctionInvocations.interceptor()).build())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public synchronized IamClient iam() {
        if (iam == null) {
            iam = keep(client(IamClient.builder()));
        }
        return iam;
    }

    public synchronized EksClient eks() {
        if (eks == null) {
            eks = keep(client(EksClient.builder()));
        }
        return eks;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = keep(client(S3Client.builder().forcePathStyle(true)));
        }
        return s3;
    }

    public synchronized StsClient sts() {
        if (sts == null) {
            sts = keep(client(StsClient.builder()));
        }
        return sts;
    }

    public synchronized SfnClient sfn() {
        if (sfn == null) {
            sfn = keep(client(SfnClient.builder()));
        }
        return sfn;
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = keep(client(DynamoDbClient.builder()));
        }
        return dynamoDb;
    }

    public synchronized EventBridgeClient eventBridge() {
        if (eventBridge == null) {
            eventBridge = keep(client(EventBridgeClient.builder()));
        }
        return eventBridge;
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = keep(client(SqsClient.builder()));
        }
        return sqs;
    }

    // ------------------------------------------------------------------ parts

    /** The default Lambda dispatcher: register handlers by function name. */
    public LambdaRegistry lambdas() {
        return lambdas;
    }

    /** Replaces the Lambda dispatcher (e.g. one that loads handler classes by name); {@link #lambdas()} is then unused. */
    public void lambdaInvoker(LambdaInvoker invoker) {
        gateway.lambdaInvoker(invoker);
    }

    public CallCounter calls() {
        return gateway.calls();
    }

    /**
     * Enforces IAM from now on: each call an in-process function makes is authorized against that function's role as
     * {@code policies} resolve it ({@link IamAuthorizer}); {@code roleNames} gives each role's physical name (for the
     * assumed-role ARN in refusals). Returns the authorizer, which also records every authorization.
     */
    public IamAuthorizer enforceIam(TemplatePolicies policies, java.util.function.Function<String, String> roleNames) {
        CallContexts contexts = new CallContexts(accountId(), "aws", new CallContexts.Lookups() {
            @Override
            public java.util.Optional<CallContexts.RoleView> role(String roleName) {
                return LocalCloud.this.role(roleName).map(role ->
                        new CallContexts.RoleView(role.arn(), role.tags(), role.permissionsBoundaryArn()));
            }

            @Override
            public java.util.Optional<CallContexts.ResourceView> addon(String region, String cluster, String addon) {
                return emulator.peekAddon(region, cluster, addon)
                        .map(v -> new CallContexts.ResourceView(v.arn(), v.tags(), v.associationArns()));
            }

            @Override
            public java.util.Optional<CallContexts.ResourceView> association(String region, String cluster, String id) {
                return emulator.peekAssociation(region, cluster, id)
                        .map(v -> new CallContexts.ResourceView(v.arn(), v.tags(), v.associationArns()));
            }
        });
        IamAuthorizer authorizer = new IamAuthorizer(policies, ServiceAuthorization.load(), contexts,
                function -> "arn:aws:sts::" + accountId() + ":assumed-role/" + roleNames.apply(policies.roleOf(function))
                        + "/" + function);
        gateway.authorizer(authorizer);
        return authorizer;
    }

    /**
     * The view of moto's role of this name that the local cloud's own checks read, read straight from moto (not
     * counted, no faults) and kept until an IAM call changes it ({@link RoleViews}). GetRole carries the role's tags and
     * permissions boundary, as IAM's does, so no ListRoleTags is needed: each extra look-up is one more request for
     * moto's one Python process to serve while the calls being measured wait.
     */
    private java.util.Optional<RoleViews.View> role(String roleName) {
        return dev.podidentity.local.gateway.CallScope.memo("moto GetRole " + roleName,
                () -> gateway.roleViews().get(roleName, name -> {
                    try {
                        software.amazon.awssdk.services.iam.model.Role role =
                                motoIam.getRole(b -> b.roleName(name)).role();
                        java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
                        role.tags().forEach(t -> tags.put(t.key(), t.value()));
                        return java.util.Optional.of(new RoleViews.View(role.arn(), role.createDate(), tags,
                                role.permissionsBoundary() == null ? null
                                        : role.permissionsBoundary().permissionsBoundaryArn()));
                    } catch (software.amazon.awssdk.services.iam.model.NoSuchEntityException missing) {
                        return java.util.Optional.empty();
                    }
                }));
    }

    /** The role with exactly this ARN (name and path), as {@link #role(String)} reads it. */
    private java.util.Optional<RoleViews.View> roleByArn(String roleArn) {
        java.util.regex.Matcher arn = ROLE_ARN.matcher(roleArn);
        if (!arn.matches()) {
            return java.util.Optional.empty();
        }
        String pathAndName = arn.group(1);
        return role(pathAndName.substring(pathAndName.lastIndexOf('/') + 1)).filter(r -> r.arn().equals(roleArn));
    }

    /** The IAM authorizer, when {@link #enforceIam} was called. */
    public java.util.Optional<IamAuthorizer> iamAuthorizer() {
        return gateway.authorizer();
    }

    public FaultInjector faults() {
        return gateway.faults();
    }

    /** The account's token buckets (none unless the world or a test sets some). */
    public RateLimits rateLimits() {
        return gateway.rateLimits();
    }

    public EksEmulator eksEmulator() {
        return emulator;
    }

    public MotoServer moto() {
        return moto;
    }

    /** The cluster's service accounts as its Kubernetes API holds them now. */
    public List<World.ServiceAccount> serviceAccounts(String cluster) {
        return serviceAccounts.get(cluster);
    }

    /** Each world cluster's Kubernetes API server (fabric8 mock, CRUD mode), the endpoint DescribeCluster names. */
    public KubernetesApis kubernetes() {
        return serviceAccounts;
    }

    // ------------------------------------------------------------------ world

    public World seed(Path worldFile) {
        return seed(WorldFile.read(worldFile));
    }

    public World seed(WorldFile file) {
        World world = file.world();
        if (!accountId().equals(world.account()) || !region().equals(world.region())) {
            throw new IllegalArgumentException("world is for " + world.account() + "/" + world.region()
                    + " but this cloud runs " + accountId() + "/" + region());
        }
        World seeded = new WorldSeeder(motoIam, motoS3, motoEks, emulator, serviceAccounts, gateway.faults(),
                gateway.rateLimits()).seed(file);
        seededFile = file;
        return seeded;
    }

    /** Wipes moto, the emulator, service accounts, call counts, faults and rate limits. Lambda registrations stay. */
    public void reset() {
        moto.reset();
        gateway.roleViews().clear();
        directory.clustersChanged();
        emulator.reset();
        serviceAccounts.clear();
        gateway.calls().reset();
        gateway.faults().clear();
        gateway.rateLimits().clear();
    }

    /** {@link #reset()} and seed the last seeded world again. */
    public World reseed() {
        WorldFile file = Objects.requireNonNull(seededFile, "no world was seeded");
        reset();
        return seed(file);
    }

    public ObjectNode dumpState() {
        return new StateDumper(accountId(), region(), motoIam, motoS3, motoEks, emulator, serviceAccounts).dump();
    }

    public void writeState(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(dumpState()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write state to " + file, e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closing an SDK client does not fail in a way that matters here
            }
        }
        motoIam.close();
        motoS3.close();
        motoEks.close();
        serviceAccounts.close();
        gateway.close();
        moto.close();
    }

    /** A client (or anything) closed when the cloud is. */
    public <C extends AutoCloseable> C closing(C client) {
        return keep(client);
    }

    private <C extends AutoCloseable> C keep(C client) {
        clients.add(client);
        return client;
    }

    /** Drops what the local cloud keeps of moto's answers after a write sent to moto without passing the gateway. */
    private record DirectWrites(Runnable drop) implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
        @Override
        public void afterExecution(software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
                                   software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            dropIfWrite(attributes);
        }

        @Override
        public void onExecutionFailure(software.amazon.awssdk.core.interceptor.Context.FailedExecution context,
                                       software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            dropIfWrite(attributes);
        }

        private void dropIfWrite(software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME);
            if (operation == null || !CallCounter.isRead(operation)) {
                drop.run();
            }
        }
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C direct(B builder) {
        return builder.endpointOverride(moto.endpoint()).region(Region.of(region())).credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
