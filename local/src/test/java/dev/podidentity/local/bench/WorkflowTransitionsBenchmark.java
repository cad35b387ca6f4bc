package dev.podidentity.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Not a test (surefire skips it), and it never fails: what one apply run costs in Step Functions state transitions
 * (StateEntered events in the execution history: what Standard Workflows bill by) and in wall time on the local
 * cloud, for configs declaring 1, 10 and 100 new associations (each with a role the run creates), side by side.
 * Wait states last 1 s and the Map concurrency is the template's default (5), as in the workflow tests.
 * Also printed: the size of the Resolve result the run carries (Step Functions caps a state's data at 256 KiB).
 * Run:
 * <pre>
 *   ./run-tests -pl shared,local -am -DskipTests
 *   mvn -q -o -pl local dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp
 *   java -cp local/target/classes:local/target/test-classes:$(cat /tmp/cp) \
 *       dev.podidentity.local.bench.WorkflowTransitionsBenchmark [1,10,100]
 * </pre>
 */
public final class WorkflowTransitionsBenchmark {
    private static final String KEY = "clusters/dev-cluster.yaml";

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String n : (args.length > 0 ? args[0] : "1,10,100").split(",")) {
            sizes.add(Integer.parseInt(n.trim()));
        }
        List<String> rows = new ArrayList<>();
        try (LocalCloud cloud = LocalCloud.start(LocalWorlds.defaultWorld())) {
            for (int n : sizes) {
                cloud.reseed();
                LocalApp app = LocalApp.deploy(cloud);
                cloud.s3().putObject(b -> b.bucket(app.bucket()).key(KEY), RequestBody.fromString(config(n)));
                ObjectNode input = ProjectFiles.JSON.createObjectNode();
                input.put("action", "apply").put("cluster", "dev-cluster").put("configKey", KEY).put("dryRun", false);
                input.putObject("trigger").put("type", "console").put("id", "bench-" + n);
                cloud.calls().reset();
                long start = System.nanoTime();
                LocalApp.Delivery delivery = app.deliver(input, line -> { }, Duration.ofMinutes(15));
                double seconds = (System.nanoTime() - start) / 1e9;
                LocalApp.Run run = delivery.runs().get(0);
                List<HistoryEvent> history = app.history(run.executionArn());
                Map<String, Integer> byState = new TreeMap<>();
                long resolveBytes = 0;
                for (HistoryEvent e : history) {
                    if (e.stateEnteredEventDetails() != null) {
                        byState.merge(e.stateEnteredEventDetails().name(), 1, Integer::sum);
                    }
                    if (e.stateExitedEventDetails() != null && "Resolve".equals(e.stateExitedEventDetails().name())) {
                        JsonNode out = ProjectFiles.JSON.readTree(e.stateExitedEventDetails().output());
                        resolveBytes = out.path("run").toString().length();
                    }
                }
                int entered = byState.values().stream().mapToInt(Integer::intValue).sum();
                JsonNode counts = run.outputJson().path("summary").path("counts");
                rows.add(String.format("%5d  %-9s  %11d  %9.1f  %11.2f  %13d  %s", n, run.status(), entered, seconds,
                        seconds / n, resolveBytes, counts));
                System.out.println("n=" + n + " states entered by state: " + byState);
                System.out.println("n=" + n + " IAM/EKS calls: " + filtered(cloud.calls().snapshot()));
            }
        }
        System.out.println();
        System.out.println("    N  status     transitions  wall (s)  s/association  Resolve bytes  report counts");
        rows.forEach(System.out::println);
    }

    /**
     * A config declaring {@code n} associations in namespace bench (service accounts app-000, app-001, ...), each
     * with a role the run creates (one managed policy each).
     */
    public static String config(int n) {
        StringBuilder b = new StringBuilder("""
                apiVersion: eksctl.io/v1alpha5
                kind: ClusterConfig
                metadata:
                  name: dev-cluster
                iam:
                  podIdentityAssociations:
                """);
        for (int i = 0; i < n; i++) {
            b.append("    - namespace: bench\n")
                    .append("      serviceAccountName: app-").append(String.format("%03d", i)).append('\n')
                    .append("      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n");
        }
        return b.toString();
    }

    private static Map<String, Long> filtered(Map<String, Long> calls) {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((k, v) -> {
            if (k.startsWith("iam:") || k.startsWith("eks:")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
