package dev.podidentity.local.execute;

import dev.podidentity.autopilot.app.Services;
import dev.podidentity.autopilot.aws.AwsAdapters;
import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.AwsEksApi;
import dev.podidentity.autopilot.aws.AwsIamRoles;
import dev.podidentity.autopilot.aws.AwsSettings;
import dev.podidentity.autopilot.execute.ExecutorSettings;
import dev.podidentity.autopilot.execute.StepExecutors;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.plan.DesiredRole;
import dev.podidentity.local.LocalCloud;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The application's own client factory pointed at the local cloud (same code path as in AWS: timeouts, standard
 * retries, endpoint override), with short backoffs so retries do not slow the suite.
 */
public final class LocalAws {
    public static final String ACCOUNT = "111122223333";
    public static final String POLICY_S3_READ = "arn:aws:iam::" + ACCOUNT + ":policy/autopilot-dev-s3-read";
    public static final String BOUNDARY = "arn:aws:iam::" + ACCOUNT + ":policy/autopilot-permissions-boundary";

    private LocalAws() {
    }

    public static AwsSettings settings(LocalCloud cloud) {
        return AwsSettings.defaults(cloud.region()).withEndpoint(cloud.endpoint()).withCredentials(cloud.credentials())
                .withBackoff(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(100));
    }

    public static AwsClients clients(LocalCloud cloud) {
        return AwsClients.create(settings(cloud));
    }

    /** Propagation retries 5 ms apart (4 attempts), addon waits up to 2 s polling every 10 ms. */
    public static ExecutorSettings fast() {
        return ExecutorSettings.defaults().withRolePropagation(4, Duration.ofMillis(5))
                .withAddonWait(Duration.ofSeconds(2), Duration.ofMillis(10));
    }

    public static StepExecutors executors(AwsClients clients) {
        return AwsAdapters.executors(clients, fast());
    }

    /** Executors whose Kubernetes side is the local cloud's API servers, reached the functions' way. */
    public static StepExecutors executors(AwsClients clients, LocalCloud cloud) {
        return AwsAdapters.executors(clients, Services.kubernetes(clients, settings(cloud)), fast());
    }

    public static AwsIamRoles iam(AwsClients clients) {
        return new AwsIamRoles(clients.iam());
    }

    public static AwsEksApi eks(AwsClients clients) {
        return new AwsEksApi(clients.eks());
    }

    public static String roleArn(String path, String name) {
        return "arn:aws:iam::" + ACCOUNT + ":role" + path + name;
    }

    /** A role to create for ns/sa on the cluster, the way the planner describes one. */
    public static DesiredRole toCreate(String cluster, String name, String ns, String sa, List<String> managed,
                                       Map<String, String> inline, String boundary) {
        return new DesiredRole(DesiredRole.Mode.CREATE, roleArn("/pod-identity-autopilot/", name), name,
                "/pod-identity-autopilot/", managed, inline, boundary,
                OwnershipTags.merge(Map.of("team", "payments"), OwnershipTags.forAssociation(cluster, ns, sa)));
    }

    public static final String SQS_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-west-2:" + ACCOUNT + ":orders\"}]}";
    public static final String SQS_POLICY_REFORMATTED = "{ \"Statement\": [ { \"Resource\": \"arn:aws:sqs:us-west-2:"
            + ACCOUNT + ":orders\", \"Action\": \"sqs:SendMessage\", \"Effect\": \"Allow\" } ], \"Version\": \"2012-10-17\" }";
}
