package dev.podidentity.functions.resolve;

import dev.podidentity.autopilot.workflow.Services;
import dev.podidentity.autopilot.workflow.TaskHandler;

import static dev.podidentity.autopilot.aws.AwsClients.Service.EKS;
import static dev.podidentity.autopilot.aws.AwsClients.Service.IAM;
import static dev.podidentity.autopilot.aws.AwsClients.Service.S3;

/** The Resolve task: load, validate and guard the config, observe the cluster, plan; changes nothing, stores the plan. */
public final class ResolveHandler extends TaskHandler {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"action": "apply", "cluster": "priming", "configKey": "clusters/priming.yaml",
            "execution": "priming", "trigger": {"type": "console", "id": "priming"}}""";

    public ResolveHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> Services.fromEnvironment().prime(S3, EKS, IAM), SAMPLE);
    }

    public ResolveHandler(Services services) {
        super(services.resolver()::resolveTask);
    }
}
