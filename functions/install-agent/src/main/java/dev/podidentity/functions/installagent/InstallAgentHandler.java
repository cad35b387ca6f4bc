package dev.podidentity.functions.installagent;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.run.contract.AgentTask;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.app.Services.Sdk.EKS;
import static dev.podidentity.autopilot.app.Services.Sdk.S3;

/** Installs the eks-pod-identity-agent addon unless the cluster is Auto Mode or has it. */
public final class InstallAgentHandler extends TaskHandler<AgentTask> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"cluster": "priming", "execution": "priming"}""";

    public InstallAgentHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(EKS, S3), SAMPLE);
    }

    public InstallAgentHandler(Services services) {
        super(AgentTask.class, services.steps()::installAgent);
    }
}
