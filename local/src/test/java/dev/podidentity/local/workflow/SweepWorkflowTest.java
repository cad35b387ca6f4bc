package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.ACCOUNT;
import static dev.podidentity.local.workflow.WorkflowWorld.assertContains;
import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The periodic sweep on the local cloud, with the real handlers and Resolve: a world with a cluster onboarded and in
 * sync, one never onboarded, one whose association was deleted by hand, a config without a cluster, an invalid
 * config and a cluster still CREATING. The sweep classifies each, and the gateway sees no write but its report.
 */
@WorkflowTest
class SweepWorkflowTest {
    static final String AUTO_CONFIG = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: auto-cluster
              region: us-west-2
            iam:
              podIdentityAssociations:
                - namespace: payments
                  serviceAccountName: payments-api
                  roleARN: arn:aws:iam::%1$s:role/payments-api-role
                  tags:
                    team: payments
                - namespace: billing
                  serviceAccountName: invoices
                  roleARN: arn:aws:iam::%1$s:role/payments-api-role
            """.formatted(ACCOUNT);
    static final String BROKEN_CONFIG = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: broken-cluster
              region: us-west-2
            iam:
              podIdentityAssociations:
                - serviceAccountName: worker
                  permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
            """;
    static final String GHOST_CONFIG = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: ghost-cluster
              region: us-west-2
            """;

    static WorkflowWorld world; // set by @WorkflowTest

    @Test
    void sweep_classifiesEveryCluster_andWritesNothingButItsReport() throws Exception {
        LocalCloud cloud = world.cloud();
        // new-cluster: still being created throughout, as it is on AWS for minutes (the world's own 10 s would
        // run out during the two runs below)
        cloud.eksEmulator().setClusterStatus(WorkflowWorld.REGION, "new-cluster", "CREATING");
        // (1) dev-cluster: onboarded by a run of its config, so in sync.
        assertSucceeded(world.run(event("console-apply.json")));
        // (3) auto-cluster: its config applied, then one association deleted by hand.
        world.upload("clusters/auto-cluster.yaml", AUTO_CONFIG);
        assertSucceeded(world.run(apply("auto-cluster", "clusters/auto-cluster.yaml")));
        String invoices = cloud.eks().listPodIdentityAssociations(b -> b.clusterName("auto-cluster").namespace("billing"))
                .associations().get(0).associationId();
        cloud.eks().deletePodIdentityAssociation(b -> b.clusterName("auto-cluster").associationId(invoices));
        // (2) legacy-cluster: created while the application was not listening. (5) broken-cluster: an invalid config.
        createCluster(cloud, "legacy-cluster");
        createCluster(cloud, "broken-cluster");
        world.upload("clusters/broken-cluster.yaml", BROKEN_CONFIG);
        // (4) a config for a cluster that does not exist.
        world.upload("clusters/ghost-cluster.yaml", GHOST_CONFIG);

        JsonNode scheduled = event("scheduled-sweep.json");
        JsonNode before = withoutBuckets(world.stateWithoutTimestamps());
        List<String> keysBefore = bucketKeys(world.state());
        cloud.calls().reset();

        LocalApp.Delivery delivery = world.deliver(scheduled);
        assertEquals(List.of(), delivery.matchedRules(), "the schedule rule is DISABLED by default");
        assertEquals(Map.of(), cloud.calls().snapshot(), "a Scheduled Event of a disabled rule does nothing");

        // What the rule does once the stack enables it (EventPatternsTest): invoke the sweep's live alias.
        JsonNode report = ProjectFiles.JSON.readTree(cloud.lambdas().invoke("SweepFunction", scheduled.toString()));

        Map<String, Long> writes = new TreeMap<>();
        cloud.calls().snapshot().forEach((call, count) -> {
            String operation = call.substring(call.indexOf(':') + 1);
            if (List.of("Create", "Update", "Delete", "Put", "Attach", "Detach", "Tag", "Untag", "Associate", "Start")
                    .stream().anyMatch(operation::startsWith)) {
                writes.put(call, count);
            }
        });
        // its report, and one event per finding that needs a person (WorkflowRunEventsTest reads them back)
        long findings = 0;
        for (JsonNode f : report.path("clusters")) {
            findings += List.of("NOT_ONBOARDED", "DRIFT", "INVALID_CONFIG").contains(f.path("verdict").asText()) ? 1 : 0;
        }
        assertTrue(findings > 0, report::toPrettyString);
        assertEquals(Map.of("s3:PutObject", 1L, "events:PutEvents", findings), writes,
                () -> "every call: " + cloud.calls().snapshot());
        assertEquals(before, withoutBuckets(world.stateWithoutTimestamps()), "IAM, EKS and Kubernetes are unchanged");
        List<String> keysAfter = new ArrayList<>(bucketKeys(world.state()));
        keysAfter.removeAll(keysBefore);
        assertEquals(List.of("sweeps/20261129T060000Z.json"), keysAfter);
        assertEquals(report, stored(cloud, "sweeps/20261129T060000Z.json"), "the report returned is the one stored");

        assertEquals(5, report.path("clustersInRegion").asInt());
        assertEquals(5, report.path("examined").asInt());
        assertEquals(0, report.path("skipped").size());
        assertEquals(Map.of("DRIFT", 1, "INVALID_CONFIG", 1, "IN_SYNC", 1, "NOT_JUDGED", 1, "NOT_ONBOARDED", 1),
                ProjectFiles.JSON.convertValue(report.path("counts"), Map.class), report::toPrettyString);

        JsonNode dev = finding(report, "dev-cluster");
        assertEquals("IN_SYNC", dev.path("verdict").asText(), dev::toPrettyString);
        assertTrue(dev.path("onboarded").asBoolean());
        assertTrue(dev.path("onboardingEvidence").asText().startsWith("reports/dev-cluster/"), dev::toPrettyString);
        assertEquals(0, dev.path("changes").asInt());
        assertEquals(0, dev.path("steps").size());

        JsonNode auto = finding(report, "auto-cluster");
        assertEquals("DRIFT", auto.path("verdict").asText(), auto::toPrettyString);
        assertEquals("clusters/auto-cluster.yaml", auto.path("configKey").asText());
        assertEquals(1, auto.path("changes").asInt(), auto::toPrettyString);
        assertEquals(1, auto.path("steps").size());
        assertContains(auto.path("steps").get(0).asText(),
                "(plan) would create pod identity association \"billing/invoices\" with role \"payments-api-role\"");
        assertEquals("apply", auto.path("fix").path("action").asText());
        assertEquals("clusters/auto-cluster.yaml", auto.path("fix").path("configKey").asText());

        JsonNode legacy = finding(report, "legacy-cluster");
        assertEquals("NOT_ONBOARDED", legacy.path("verdict").asText(), legacy::toPrettyString);
        assertFalse(legacy.path("onboarded").asBoolean());
        assertTrue(legacy.path("configKey").isNull());
        assertEquals("onboard", legacy.path("fix").path("action").asText());
        assertEquals("legacy-cluster", legacy.path("fix").path("cluster").asText());

        JsonNode broken = finding(report, "broken-cluster");
        assertEquals("INVALID_CONFIG", broken.path("verdict").asText(), broken::toPrettyString);
        assertEquals(1, broken.path("problems").size(), broken::toPrettyString);
        assertContains(broken.path("problems").get(0).asText(), "clusters/broken-cluster.yaml:8:");
        assertContains(broken.path("problems").get(0).asText(), "iam.podIdentityAssociations[0].namespace must be set");

        JsonNode created = finding(report, "new-cluster");
        assertEquals("NOT_JUDGED", created.path("verdict").asText());
        assertEquals("CREATING", created.path("status").asText());

        JsonNode ghost = report.path("configsWithoutCluster");
        assertEquals(1, ghost.size(), ghost::toPrettyString);
        assertEquals("ghost-cluster", ghost.get(0).path("cluster").asText());
        assertEquals("clusters/ghost-cluster.yaml", ghost.get(0).path("configKey").asText());
    }

    @Test
    void sweep_ofTheDefaultWorld_findsNothingOnboarded_andTheDevConfigPending() throws Exception {
        world.cloud().eksEmulator().setClusterStatus(WorkflowWorld.REGION, "new-cluster", "CREATING"); // still being created
        JsonNode report = ProjectFiles.JSON.readTree(world.cloud().lambdas().invoke("SweepFunction",
                event("scheduled-sweep.json").toString()));
        JsonNode dev = finding(report, "dev-cluster");
        assertEquals("NOT_ONBOARDED", dev.path("verdict").asText());
        // The same plan an apply shows (docs/local.md: ./run-local events/console-dry-run.json): 4 changes.
        assertEquals(4, dev.path("changes").asInt());
        assertContains(dev.path("note").asText(), "4 changes pending from clusters/dev-cluster.yaml");
        assertEquals("NOT_ONBOARDED", finding(report, "auto-cluster").path("verdict").asText());
        assertEquals("NOT_JUDGED", finding(report, "new-cluster").path("verdict").asText());
    }

    /** Issue 13: a role of ours still trusting every pod of the account is drift, and the sweep says which. */
    @Test
    void sweep_whenOurRoleStillTrustsAnyPod_reportsTheTrustToScopeAsDrift() throws Exception {
        assertSucceeded(world.run(event("console-apply.json")));
        world.cloud().iam().updateAssumeRolePolicy(b -> b.roleName("dev-cluster+backend+orders-api")
                .policyDocument(WorkflowWorld.podIdentityTrust().toString()));

        JsonNode report = ProjectFiles.JSON.readTree(world.cloud().lambdas().invoke("SweepFunction",
                event("scheduled-sweep.json").toString()));

        JsonNode dev = finding(report, "dev-cluster");
        assertEquals("DRIFT", dev.path("verdict").asText(), dev::toPrettyString);
        assertEquals(1, dev.path("changes").asInt(), dev::toPrettyString);
        assertContains(dev.path("steps").get(0).asText(), "(plan) would update role "
                + "\"pod-identity-autopilot/dev-cluster+backend+orders-api\" (trust: scope pods.eks.amazonaws.com to "
                + "cluster \"dev-cluster\", service account \"backend/orders-api\")");
    }

    /**
     * Issue 13, one judgement everywhere: the sweep judges a config with the deployment's guardrails, not the
     * defaults. The default world's dev config asks for a role in namespace backend; this deployment allows none there.
     */
    @Test
    void sweep_judgesConfigsWithTheDeploymentsGuardrails() throws Exception {
        world.deploy(Map.of("AllowedNamespaces", "dev-*=payments;*=*"));

        JsonNode report = ProjectFiles.JSON.readTree(world.cloud().lambdas().invoke("SweepFunction",
                event("scheduled-sweep.json").toString()));

        JsonNode dev = finding(report, "dev-cluster");
        assertEquals("INVALID_CONFIG", dev.path("verdict").asText(), dev::toPrettyString);
        List<String> problems = new ArrayList<>();
        dev.path("problems").forEach(p -> problems.add(p.asText()));
        assertContains(String.join("\n", problems), "guardrail AllowedNamespaces: namespace \"backend\" is not "
                + "allowed on cluster \"dev-cluster\"");
    }

    private static ObjectNode apply(String cluster, String key) {
        ObjectNode input = event("console-apply.json");
        input.put("cluster", cluster).put("configKey", key);
        ((ObjectNode) input.get("trigger")).put("id", "apply-" + cluster + "-sweep-test");
        return input;
    }

    private static void createCluster(LocalCloud cloud, String name) {
        cloud.eks().createCluster(b -> b.name(name).version("1.33")
                .roleArn("arn:aws:iam::" + ACCOUNT + ":role/" + name + "-cluster-role")
                .resourcesVpcConfig(v -> v.subnetIds("subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002")));
    }

    private static JsonNode finding(JsonNode report, String cluster) {
        for (JsonNode c : report.path("clusters")) {
            if (cluster.equals(c.path("cluster").asText())) {
                return c;
            }
        }
        throw new AssertionError("no finding for " + cluster + " in " + report.toPrettyString());
    }

    private static JsonNode withoutBuckets(ObjectNode state) {
        state.remove("buckets");
        return state;
    }

    private static List<String> bucketKeys(JsonNode state) {
        List<String> keys = new ArrayList<>();
        state.path("buckets").forEach(b -> b.path("keys").forEach(k -> keys.add(k.asText())));
        return keys;
    }

    private JsonNode stored(LocalCloud cloud, String key) throws Exception {
        byte[] bytes = cloud.s3().getObjectAsBytes(b -> b.bucket(world.app().bucket()).key(key)).asByteArray();
        return ProjectFiles.JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    }
}
