package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.execute.ExecutorSettings;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.observe.ClusterObserver;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.port.KubernetesPort;

/** Wires the ports to the SDK adapters: what a handler calls once per container. */
public final class AwsAdapters {
    private AwsAdapters() {
    }

    /** Every executor on these clients, without Kubernetes access: service-account steps report SKIPPED. */
    public static StepExecutors executors(AwsClients clients, ExecutorSettings settings) {
        return executors(clients, KubernetesPort.notImplemented(), settings);
    }

    /** Every executor on these clients and this Kubernetes side. */
    public static StepExecutors executors(AwsClients clients, KubernetesPort kubernetes, ExecutorSettings settings) {
        return new StepExecutors(new AwsIamRoles(clients.iam()), new AwsEksApi(clients.eks()), kubernetes, settings);
    }

    public static StepExecutors executors(AwsClients clients) {
        return executors(clients, ExecutorSettings.defaults());
    }

    public static ClusterObserver observer(AwsClients clients, Planner planner) {
        return new ClusterObserver(new AwsEksApi(clients.eks()), new AwsIamRoles(clients.iam()), planner);
    }
}
