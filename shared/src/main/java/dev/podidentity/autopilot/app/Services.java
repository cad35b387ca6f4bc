package dev.podidentity.autopilot.app;

import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.run.RunArtifacts;
import dev.podidentity.autopilot.run.RunSettings;
import dev.podidentity.autopilot.run.lock.ClusterLock;
import dev.podidentity.autopilot.run.lock.LockSettings;
import dev.podidentity.autopilot.run.phase.BatchSettings;
import dev.podidentity.autopilot.run.phase.StepRunner;
import dev.podidentity.autopilot.run.report.Reporter;
import dev.podidentity.autopilot.run.resolve.IrsaServiceAccounts;
import dev.podidentity.autopilot.run.resolve.KubernetesAccessCheck;
import dev.podidentity.autopilot.run.resolve.Resolver;
import dev.podidentity.autopilot.run.status.StatusChecker;
import dev.podidentity.autopilot.run.sweep.Sweeper;
import dev.podidentity.autopilot.run.trigger.Dispatcher;

import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.AwsClusterAccess;
import dev.podidentity.autopilot.aws.AwsSettings;
import dev.podidentity.autopilot.aws.AwsEksApi;
import dev.podidentity.autopilot.aws.DynamoDbLocks;
import dev.podidentity.autopilot.aws.AwsIamRoles;
import dev.podidentity.autopilot.aws.S3ConfigStore;
import dev.podidentity.autopilot.aws.SfnExecutions;
import dev.podidentity.autopilot.execute.ExecutorSettings;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.kube.Fabric8Kubernetes;
import dev.podidentity.autopilot.kube.KubernetesClients;
import dev.podidentity.autopilot.kube.KubernetesPriming;
import dev.podidentity.autopilot.observe.ClusterObserver;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.StandardPlanningPolicies;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.autopilot.port.KubernetesPort;

import dev.podidentity.autopilot.support.Lazy;
import dev.podidentity.autopilot.aws.EventBridgeRunEvents;
import dev.podidentity.autopilot.operate.RunNotices;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;

/**
 * Everything a handler calls, built once per container from one set of clients: in a Lambda from the
 * environment (static, so SnapStart snapshots it), in the local cloud from clients pointed at the gateway.
 * Each part (and each SDK client, and the Kubernetes side) is built on first use: a function builds only what its
 * handler calls, so its deployment jar needs only those libraries (functions/&lt;task&gt;/pom.xml) and its init
 * pays for nothing else.
 */
public final class Services {
    private static volatile Services fromEnvironment;
    /** How long an addon step waits in the Lambda for its addon to leave CREATING/UPDATING. */
    static final Duration ADDON_STEP_WAIT = Duration.ofSeconds(15);

    private final IamRoles iam;
    private final EksApi eks;
    private final Lazy<Planner> planner;
    private final Lazy<StepExecutors> executors;
    private final ConfigStore store;
    private final Lazy<RunArtifacts> runs;
    private final Lazy<Resolver> resolver;
    private final Lazy<StepRunner> steps;
    private final Lazy<StatusChecker> status;
    private final Lazy<RunNotices> notices;
    private final Lazy<Reporter> reporter;
    private final Lazy<Dispatcher> dispatcher;
    private final Lazy<Sweeper> sweeper;
    private final Lazy<ClusterLock> lock;
    private final AwsClients clients;

    private Services(AwsClients clients, RunSettings settings, LockSettings lockSettings, BatchSettings batches,
                     KubernetesPort kubernetes, IrsaServiceAccounts irsa, String stateMachineArn) {
        // the ports build their SDK clients on first call: the status and agent functions never build IAM or S3's
        this.clients = clients;
        this.iam = Lazy.proxy(IamRoles.class, () -> new AwsIamRoles(clients.iam()));
        this.eks = Lazy.proxy(EksApi.class, () -> new AwsEksApi(clients.eks()));
        this.planner = new Lazy<>(() -> new Planner(StandardPlanningPolicies.create()));
        // The state machine polls addons itself (cluster-status task): executors look once and return.
        // Other addons are waited for in the step, up to ADDON_STEP_WAIT (under the 20 s a batch keeps in hand
        // before the Lambda timeout); still CREATING/UPDATING then is a RetryableException, and the state
        // machine's Retry runs the step again, which waits again: bounded by that Retry's attempts.
        this.executors = new Lazy<>(() -> new StepExecutors(iam, eks, kubernetes,
                ExecutorSettings.defaults().withAddonWait(Duration.ZERO, Duration.ofSeconds(5)),
                ExecutorSettings.defaults().withAddonWait(ADDON_STEP_WAIT, Duration.ofSeconds(2))));
        this.store = settings.configBucket() == null ? null
                : Lazy.proxy(ConfigStore.class, () -> new S3ConfigStore(clients.s3(), settings.configBucket()));
        this.runs = new Lazy<>(() -> new RunArtifacts(store));
        this.resolver = new Lazy<>(() -> new Resolver(store, new ClusterObserver(eks, iam, planner.get()),
                iam, planner.get(), irsa, settings,
                new KubernetesAccessCheck(eks, settings.kubernetesPrincipals()), runs.get(), batches, Clock.systemUTC()));
        this.steps = new Lazy<>(() -> new StepRunner(executors.get(), runs.get(), batches.parallelism(), batches.pacing()));
        this.status = new Lazy<>(() -> new StatusChecker(eks, executors.get(), settings));
        // Events are put on the bus the environment names (EVENT_BUS_NAME, default "default").
        this.notices = new Lazy<>(() -> new RunNotices(store, settings.configBucket(),
                new EventBridgeRunEvents(clients::eventBridge, System.getenv("EVENT_BUS_NAME")), Clock.systemUTC()));
        this.reporter = new Lazy<>(() -> new Reporter(store, runs.get(), notices.get()));
        this.dispatcher = new Lazy<>(() -> new Dispatcher(new SfnExecutions(clients::sfn), stateMachineArn));
        this.sweeper = new Lazy<>(() -> store == null ? null : new Sweeper(eks, store, resolver.get(),
                Sweeper.maxClustersFrom(System.getenv("SWEEP_MAX_CLUSTERS")), Clock.systemUTC()));
        this.lock = new Lazy<>(() -> {
            if (lockSettings.table() == null || lockSettings.table().isBlank()) {
                throw new IllegalStateException("LOCK_TABLE is not set: the lock function needs its table");
            }
            return new ClusterLock(new DynamoDbLocks(clients::dynamoDb, lockSettings.table()),
                    new SfnExecutions(clients::sfn), lockSettings, Clock.systemUTC());
        });
    }

    /** The services of this Lambda container, built on first use from the environment. */
    public static Services fromEnvironment() {
        Services s = fromEnvironment;
        if (s == null) {
            synchronized (Services.class) {
                s = fromEnvironment;
                if (s == null) {
                    AwsClients clients = AwsClients.fromEnvironment();
                    // built on its first call: fabric8 is loaded only by the functions that reach a cluster
                    KubernetesPort kubernetes = Lazy.proxy(KubernetesPort.class,
                            () -> kubernetes(clients, AwsSettings.fromEnvironment()));
                    s = new Services(clients, RunSettings.fromEnvironment(), LockSettings.fromEnvironment(),
                            BatchSettings.fromEnvironment(), kubernetes, IrsaServiceAccounts.from(kubernetes),
                            System.getenv("STATE_MACHINE_ARN"));
                    fromEnvironment = s;
                }
            }
        }
        return s;
    }

    /**
     * The clusters' API servers, reached with an EKS token for this container's credentials; clients are built per
     * cluster on first use, so a function that never talks to Kubernetes never pays for it.
     */
    public static KubernetesPort kubernetes(AwsClients clients, AwsSettings settings) {
        return new Fabric8Kubernetes(KubernetesClients.using(AwsClusterAccess.create(clients, settings)));
    }

    public static Services of(AwsClients clients, RunSettings settings, KubernetesPort kubernetes,
                              IrsaServiceAccounts irsa, String stateMachineArn) {
        return of(clients, settings, LockSettings.fromEnvironment(), BatchSettings.defaults(), kubernetes, irsa,
                stateMachineArn);
    }

    public static Services of(AwsClients clients, RunSettings settings, LockSettings lockSettings,
                              BatchSettings batches, KubernetesPort kubernetes, IrsaServiceAccounts irsa,
                              String stateMachineArn) {
        return new Services(clients, settings, lockSettings, batches, kubernetes, irsa, stateMachineArn);
    }

    /** The plans and batch outcomes runs keep in the config bucket. */
    public RunArtifacts runs() {
        return runs.get();
    }

    public Resolver resolver() {
        return resolver.get();
    }

    public StepRunner steps() {
        return steps.get();
    }

    public StatusChecker status() {
        return status.get();
    }

    public Reporter reporter() {
        return reporter.get();
    }

    /** The Markdown reports, run-finished events, run metrics and sweep-finding events. */
    public RunNotices notices() {
        return notices.get();
    }

    public Dispatcher dispatcher() {
        return dispatcher.get();
    }

    public Sweeper sweeper() {
        return sweeper.get();
    }

    /** The SDK clients a handler may ask to prime (the handlers see no SDK or adapter types). */
    public enum Sdk { IAM, EKS, S3, SFN, DYNAMODB, EVENTBRIDGE }

    /** SnapStart priming of the clients a function calls: one request each, built and signed, not sent. */
    public void prime(Sdk... services) {
        if (services.length == 1) {
            clients.prime(AwsClients.Service.valueOf(services[0].name()));
            return;
        }
        // each client on its own thread: building one is mostly class loading and initialisation of its own
        // module's classes (endpoint rules, marshallers), which the others do not wait for
        List<Thread> threads = new ArrayList<>();
        for (Sdk service : services) {
            threads.add(Thread.ofPlatform().name("prime-" + service).start(
                    () -> clients.prime(AwsClients.Service.valueOf(service.name()))));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Priming of the Kubernetes side, for the functions whose first request reads a service account: fabric8's path
     * for it, run against an API server on loopback with a token signed here ({@link KubernetesPriming}).
     */
    public void primeKubernetes() {
        KubernetesPriming.deleteServiceAccountPath(AwsClusterAccess.create(clients, AwsSettings.fromEnvironment()));
    }

    /** The per-cluster run lock; built (with its DynamoDB client) on first use, so only the lock function pays. */
    public ClusterLock lock() {
        return lock.get();
    }
}
