package dev.podidentity.functions.installagent;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.run.contract.AgentTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.app.Services.Sdk.EKS;

/** Installs the eks-pod-identity-agent addon unless the cluster is Auto Mode or has it. */
public final class InstallAgentHandler extends TaskHandler<AgentTask> {
    /**
     * SnapStart priming: a request of the first kind this function gets, with the plan's step Resolve passes on (its
     * AWS calls are built, not sent). EKS is the only service it calls: it never reads the plan.
     */
    private static final String SAMPLE = """
            {"cluster": "priming", "execution": "priming",
            "step": {"type": "InstallAgent", "cluster": "priming", "version": "v1.3.5-eksbuild.1", "tags": {}}}""";

    public InstallAgentHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(EKS), SAMPLE);
    }

    public InstallAgentHandler(Services services) {
        super(AgentTask.class, services.steps()::installAgent);
    }
}
