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
import dev.podidentity.autopilot.observe.ClusterObserver;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.StandardPlanningPolicies;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.autopilot.port.KubernetesPort;

import java.time.Clock;
import java.time.Duration;

/**
 * Everything a handler calls, built once per container from one set of clients: in a Lambda from the
 * environment (static, so SnapStart snapshots it), in the local cloud from clients pointed at the gateway.
 */
public final class Services {
    private static volatile Services fromEnvironment;
    /** How long an addon step waits in the Lambda for its addon to leave CREATING/UPDATING. */
    static final Duration ADDON_STEP_WAIT = Duration.ofSeconds(15);

    private final Resolver resolver;
    private final StepRunner steps;
    private final StatusChecker status;
    private final Reporter reporter;
    private final Dispatcher dispatcher;
    private final Sweeper sweeper;
    private final AwsClients clients;
    private final LockSettings lockSettings;
    private volatile ClusterLock lock;

    private final RunArtifacts runs;

    private Services(AwsClients clients, RunSettings settings, LockSettings lockSettings, BatchSettings batches,
                     KubernetesPort kubernetes,
                     IrsaServiceAccounts irsa, String stateMachineArn) {
        IamRoles iam = new AwsIamRoles(clients.iam());
        EksApi eks = new AwsEksApi(clients.eks());
        Planner planner = new Planner(StandardPlanningPolicies.create());
        // The state machine polls addons itself (cluster-status task): executors look once and return.
        ExecutorSettings executorSettings = ExecutorSettings.defaults().withAddonWait(Duration.ZERO, Duration.ofSeconds(5));
        // Other addons are waited for in the step, up to ADDON_STEP_WAIT (under the 20 s a batch keeps in hand
        // before the Lambda timeout); still CREATING/UPDATING then is a RetryableException, and the state
        // machine's Retry runs the step again, which waits again: bounded by that Retry's attempts.
        StepExecutors executors = new StepExecutors(iam, eks, kubernetes, executorSettings,
                ExecutorSettings.defaults().withAddonWait(ADDON_STEP_WAIT, Duration.ofSeconds(2)));
        ConfigStore store = settings.configBucket() == null ? null : new S3ConfigStore(clients.s3(), settings.configBucket());
        this.runs = new RunArtifacts(store);
        this.resolver = new Resolver(store, new ClusterObserver(eks, iam, planner), iam, planner, irsa, settings,
                new KubernetesAccessCheck(eks, settings.kubernetesPrincipals()), runs, batches);
        this.steps = new StepRunner(executors, runs, batches.parallelism(), batches.pacing());
        this.status = new StatusChecker(eks, executors, settings);
        this.reporter = new Reporter(store, runs);
        this.dispatcher = new Dispatcher(new SfnExecutions(clients.sfn()), stateMachineArn);
        this.sweeper = store == null ? null : new Sweeper(eks, store, resolver,
                Sweeper.maxClustersFrom(System.getenv("SWEEP_MAX_CLUSTERS")), java.time.Clock.systemUTC());
        this.clients = clients;
        this.lockSettings = lockSettings;
    }

    /** The services of this Lambda container, built on first use from the environment. */
    public static Services fromEnvironment() {
        Services s = fromEnvironment;
        if (s == null) {
            synchronized (Services.class) {
                s = fromEnvironment;
                if (s == null) {
                    AwsClients clients = AwsClients.fromEnvironment();
                    KubernetesPort kubernetes = kubernetes(clients, AwsSettings.fromEnvironment());
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
        return runs;
    }

    public Resolver resolver() {
        return resolver;
    }

    public StepRunner steps() {
        return steps;
    }

    public StatusChecker status() {
        return status;
    }

    public Reporter reporter() {
        return reporter;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Sweeper sweeper() {
        return sweeper;
    }

    /** The per-cluster run lock; built (with its DynamoDB client) on first use, so only the lock function pays. */
    public ClusterLock lock() {
        ClusterLock l = lock;
        if (l == null) {
            synchronized (this) {
                if (lock == null) {
                    if (lockSettings.table() == null || lockSettings.table().isBlank()) {
                        throw new IllegalStateException("LOCK_TABLE is not set: the lock function needs its table");
                    }
                    lock = new ClusterLock(new DynamoDbLocks(clients::dynamoDb, lockSettings.table()),
                            new SfnExecutions(clients.sfn()), lockSettings, Clock.systemUTC());
                }
                l = lock;
            }
        }
        return l;
    }
}
