package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.autopilot.port.KubernetesPort;
import java.util.Objects;

/**
 * Every executor, built once from the ports, and {@link #execute} to run any step. Handlers keep one instance per
 * container ({@code AwsAdapters.executors(AwsClients.fromEnvironment())}).
 */
public final class StepExecutors {
    private final RoleEnsurer roles;
    private final TrustPolicyUpdater trust;
    private final AssociationExecutor associations;
    private final AddonExecutor addons;
    private final AgentInstaller agent;
    private final AssociationReader reader;
    private final KubernetesPort kubernetes;

    public StepExecutors(IamRoles iam, EksApi eks, KubernetesPort kubernetes, ExecutorSettings settings) {
        this(iam, eks, kubernetes, settings, settings);
    }

    /**
     * @param addonSettings for addon steps, which wait for their addon to settle (the agent has the state
     *                      machine's own wait loop and uses {@code settings})
     */
    public StepExecutors(IamRoles iam, EksApi eks, KubernetesPort kubernetes, ExecutorSettings settings,
                         ExecutorSettings addonSettings) {
        this.kubernetes = Objects.requireNonNull(kubernetes, "kubernetes");
        this.roles = new RoleEnsurer(iam);
        this.trust = new TrustPolicyUpdater(iam);
        this.associations = new AssociationExecutor(eks, iam, kubernetes, settings);
        this.addons = new AddonExecutor(eks, iam, addonSettings);
        this.agent = new AgentInstaller(eks, settings);
        this.reader = new AssociationReader(eks);
    }

    public RoleEnsurer roles() {
        return roles;
    }

    public TrustPolicyUpdater trust() {
        return trust;
    }

    public AssociationExecutor associations() {
        return associations;
    }

    public AddonExecutor addons() {
        return addons;
    }

    public AgentInstaller agent() {
        return agent;
    }

    public AssociationReader reader() {
        return reader;
    }

    /**
     * Runs one step of a plan for the cluster. {@code WaitForCluster} and {@code ReportAssociations} write nothing
     * and are not executors' work: they come back SKIPPED.
     */
    public Outcome execute(String cluster, Step step) {
        return execute(cluster, step, Preflight.READ_FIRST);
    }

    /** As {@link #execute(String, Step)}; {@code preflight} applies to the steps that create (see {@link Preflight}). */
    public Outcome execute(String cluster, Step step, Preflight preflight) {
        return switch (step) {
            case Step.InstallAgent s -> agent.install(cluster, s);
            case Step.UpdateTrustPolicy s -> trust.update(cluster, s);
            case Step.EnsureRoleAndAssociation s -> associations.ensure(cluster, s, preflight);
            case Step.UpdateAssociation s -> associations.update(cluster, s);
            case Step.MigrateServiceAccount s -> associations.migrate(cluster, s, preflight);
            case Step.DeleteAssociation s -> associations.delete(cluster, s);
            case Step.CreateAddon s -> addons.create(cluster, s);
            case Step.UpdateAddon s -> addons.update(cluster, s);
            case Step.MigrateAddon s -> addons.migrate(cluster, s);
            case Step.DeleteAddon s -> addons.delete(cluster, s);
            case Step.RemoveIrsaAnnotation s -> {
                KubernetesPort.Result r = kubernetes.removeIrsaAnnotation(cluster, s.namespace(), s.serviceAccount());
                yield Outcome.of(s.id(), r.skipped() ? Outcome.Result.SKIPPED
                        : r.changed() ? Outcome.Result.UPDATED : Outcome.Result.UNCHANGED, r.reason(), s.roleArn());
            }
            case Step.WaitForCluster s -> Outcome.of(s.id(), Outcome.Result.SKIPPED,
                    "waiting for the cluster is the state machine's WaitActive loop", null);
            case Step.ReportAssociations s -> Outcome.of(s.id(), Outcome.Result.SKIPPED,
                    s.associations().size() + " association(s) reported; nothing to write", null);
        };
    }
}
