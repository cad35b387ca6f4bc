package dev.podidentity.functions.installagent;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.run.contract.AgentTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

/** Installs the eks-pod-identity-agent addon unless the cluster is Auto Mode or has it. */
public final class InstallAgentHandler extends TaskHandler<AgentTask> {
    public InstallAgentHandler() {
        this(Services.fromEnvironment());
    }

    public InstallAgentHandler(Services services) {
        super(AgentTask.class, services.steps()::installAgent);
    }
}
