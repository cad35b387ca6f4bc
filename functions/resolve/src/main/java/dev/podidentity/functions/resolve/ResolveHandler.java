package dev.podidentity.functions.resolve;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.run.contract.ResolveTask;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.lambda.TaskHandler;

import static dev.podidentity.autopilot.app.Services.Sdk.EKS;
import static dev.podidentity.autopilot.app.Services.Sdk.IAM;
import static dev.podidentity.autopilot.app.Services.Sdk.S3;

/** The Resolve task: load, validate and guard the config, observe the cluster, plan; changes nothing, stores the plan. */
public final class ResolveHandler extends TaskHandler<ResolveTask> {
    /** SnapStart priming: a request of the first kind this function gets (its AWS calls are built, not sent). */
    private static final String SAMPLE = """
            {"input": {"action": "apply", "cluster": "priming", "configKey": "clusters/priming.yaml",
            "trigger": {"type": "console", "id": "priming"}}, "execution": "priming"}""";
    /** And a config of the kind it loads: the priming request stops at S3, so the YAML reader and validator run here. */
    private static final String CONFIG = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: priming
              region: us-east-1
            iam:
              podIdentityAssociations:
                - namespace: priming
                  serviceAccountName: priming
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            addons:
              - name: eks-pod-identity-agent
            """;

    public ResolveHandler() {
        this(Services.fromEnvironment());
        primeBeforeSnapshot(() -> {
            Services.fromEnvironment().prime(S3, EKS, IAM);
            ConfigLoader.withDefaults().load(CONFIG, "clusters/priming.yaml");
        }, SAMPLE);
    }

    public ResolveHandler(Services services) {
        super(ResolveTask.class, services.resolver()::resolveTask);
    }
}
