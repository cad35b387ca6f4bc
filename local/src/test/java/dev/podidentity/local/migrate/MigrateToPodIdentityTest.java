package dev.podidentity.local.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.lambda.JsonHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.port.KubernetesPort;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.junit.LocalCloudExtension;
import dev.podidentity.local.world.World;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * migrate-to-pod-identity end to end on the default world: the real state machine, the real handlers, IAM in moto,
 * EKS in the emulator, service accounts on dev-cluster's Kubernetes API (fabric8 mock, CRUD), reached through the
 * functions' own path (DescribeCluster endpoint, EKS token, fabric8). The seed is eksctl's documented scenario:
 * default/sa1 on a role we own (with a path), default/sa2 on {@code Unowned-Role1}, and the addons
 * aws-ebs-csi-driver and vpc-cni on IRSA roles.
 */
class MigrateToPodIdentityTest {
    private static final String CLUSTER = "dev-cluster";
    private static final String ACCOUNT = "111122223333";
    private static final String SA1_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/pod-identity-autopilot/autopilot-dev-cluster-default-sa1";
    private static final String SA2_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/Unowned-Role1";
    private static final String EBS_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/AmazonEKS_EBS_CSI_DriverRole";
    private static final String CNI_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/AmazonEKSVPCCNIRole";
    private static final String POD_IDENTITY_STATEMENT = "{\"Sid\":\"AllowEksAuthToAssumeRoleForPodIdentity\","
            + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},"
            + "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}";

    @RegisterExtension
    static final LocalCloudExtension LOCAL = LocalCloudExtension.withDefaultWorld();

    private LocalCloud cloud;
    private LocalApp app;
    private int runs;

    @BeforeEach
    void fresh() {
        cloud = LOCAL.cloud();
        cloud.reseed();
        app = LocalApp.deploy(cloud);
    }

    @Test
    void seedScenario_planChangesNothing_thenApproveMigratesEverything_roleWithPathIncluded() throws Exception {
        ObjectNode before = cloud.dumpState();
        // eksctl aborts the whole command on a role ARN with a path; sa1's role lives under /pod-identity-autopilot/
        List<String> associate = new ArrayList<>();
        resolve(true, true).path("associate").forEach(i -> associate.add(i.path("step").path("roleArn").asText()));
        assertEquals(List.of(SA1_ROLE, SA2_ROLE), associate);

        LocalApp.Run plan = run(false, true);

        assertTrue(plan.succeeded(), plan.cause());
        String text = plan.outputJson().path("planText").asText();
        assertTrue(text.contains("(plan) would update trust policy of role \"Unowned-Role1\" (owner: unknown): allow "
                + "pods.eks.amazonaws.com, remove trust in OIDC provider"), text);
        assertTrue(text.contains("(plan) would update trust policy of role \"pod-identity-autopilot/autopilot-dev-"
                + "cluster-default-sa1\" (owner: pod-identity-autopilot)"), text);
        assertTrue(text.contains("(plan) would migrate addon \"vpc-cni\" to pod identity: service account "
                + "\"aws-node\" with role \"AmazonEKSVPCCNIRole\""), text);
        assertTrue(text.contains("  default/sa1: Deployment default/orders-api\n"), text);
        assertTrue(text.endsWith("no changes were applied; run again with \"approve\": true to apply the changes\n"),
                text);
        ObjectNode after = cloud.dumpState();
        assertEquals(before.path("iam"), after.path("iam"), "a plan writes no IAM");
        assertEquals(cluster(before), cluster(after), "a plan writes no EKS and no Kubernetes");

        LocalApp.Run approve = run(true, true);

        assertTrue(approve.succeeded(), approve.cause() + approve.output());
        JsonNode summary = approve.outputJson().path("summary");
        assertEquals("{\"CREATED\":3,\"UPDATED\":8}", summary.path("counts").toString());
        // every role: exactly the pod identity statement, the OIDC statement gone (removal asked)
        for (String role : List.of(SA1_ROLE, SA2_ROLE, EBS_ROLE, CNI_ROLE)) {
            assertEquals(List.of(POD_IDENTITY_STATEMENT), statements(role), role);
        }
        assertEquals(Map.of("default/sa1", SA1_ROLE, "default/sa2", SA2_ROLE, "kube-system/aws-node", CNI_ROLE,
                "kube-system/ebs-csi-controller-sa", EBS_ROLE), associations());
        JsonNode addons = cluster(cloud.dumpState()).path("addons");
        assertEquals(List.of("aws-ebs-csi-driver", "eks-pod-identity-agent", "vpc-cni"), names(addons));
        for (JsonNode addon : addons) {
            if (!addon.path("name").asText().equals("eks-pod-identity-agent")) {
                assertEquals(1, addon.path("podIdentityAssociations").size(), addon.toString());
            }
        }
        // annotations removed, everything else on the accounts intact (sa1 keeps its label and imagePullSecrets)
        World.ServiceAccount sa1 = account("default", "sa1");
        assertEquals(Map.of(), sa1.annotations());
        assertEquals(Map.of("app.kubernetes.io/name", "sa1"), sa1.labels());
        assertEquals(List.of("regcred"), sa1.imagePullSecrets());
        assertFalse(account("default", "sa2").annotations().containsKey(KubernetesPort.IRSA_ANNOTATION));
        // the report names the workloads whose running pods still hold IRSA credentials
        assertEquals("{\"default/sa1\":[\"Deployment default/orders-api\"],\"default/sa2\":[\"Deployment "
                + "default/billing-worker\"],\"kube-system/ebs-csi-controller-sa\":[],\"kube-system/aws-node\":"
                + "[\"DaemonSet kube-system/aws-node\"]}", summary.path("restartWorkloads").toString());
        assertTrue(summary.path("restartNote").asText().startsWith("running pods keep their IRSA credentials until "
                + "restarted"));

        LocalApp.Run again = run(true, true);
        assertTrue(again.succeeded());
        assertEquals("{}", again.outputJson().path("summary").path("counts").toString(),
                "a migrated cluster has nothing left to do");
    }

    @Test
    void roleSharedByTwoServiceAccounts_getsOneTrustUpdateAndTwoAssociations() throws Exception {
        cloud.kubernetes().client(CLUSTER).serviceAccounts().inNamespace("default").resource(
                new ServiceAccountBuilder().withNewMetadata().withName("sa3").withNamespace("default")
                        .addToAnnotations(KubernetesPort.IRSA_ANNOTATION, SA2_ROLE).endMetadata().build()).create();
        // Issue 13: the role's IRSA trust must name sa3 too, or migration skips it (an annotation proves nothing).
        String irsaTrust = java.net.URLDecoder.decode(cloud.iam().getRole(r -> r.roleName("Unowned-Role1")).role()
                .assumeRolePolicyDocument(), java.nio.charset.StandardCharsets.UTF_8);
        cloud.iam().updateAssumeRolePolicy(r -> r.roleName("Unowned-Role1").policyDocument(irsaTrust.replace(
                "\"system:serviceaccount:default:sa2\"",
                "[\"system:serviceaccount:default:sa2\",\"system:serviceaccount:default:sa3\"]")));

        JsonNode resolved = resolve(true, false);
        List<JsonNode> trust = new ArrayList<>();
        resolved.path("trust").forEach(i -> trust.add(i.path("step")));
        List<JsonNode> forRole = trust.stream().filter(s -> s.path("roleArn").asText().equals(SA2_ROLE)).toList();
        assertEquals(1, forRole.size(), trust.toString());
        assertEquals("[\"default/sa2\",\"default/sa3\"]", forRole.get(0).path("usedBy").toString());

        LocalApp.Run approve = run(true, false);

        assertTrue(approve.succeeded(), approve.cause());
        // OIDC trust stays on service-account roles when removal is not asked; the pods statement is added once
        List<String> statements = statements(SA2_ROLE);
        assertEquals(2, statements.size(), statements.toString());
        assertTrue(statements.get(0).contains("sts:AssumeRoleWithWebIdentity"), statements.get(0));
        assertEquals(POD_IDENTITY_STATEMENT, statements.get(1));
        // addon roles always lose OIDC trust
        assertEquals(List.of(POD_IDENTITY_STATEMENT), statements(CNI_ROLE));
        Map<String, String> associations = associations();
        assertEquals(SA2_ROLE, associations.get("default/sa2"));
        assertEquals(SA2_ROLE, associations.get("default/sa3"));
        // the annotation is removed only when asked
        assertEquals(SA2_ROLE, account("default", "sa3").annotations().get(KubernetesPort.IRSA_ANNOTATION));
        assertTrue(approve.outputJson().path("summary").path("restartNote").asText()
                .contains("while a service account keeps its IRSA annotation"));
    }

    @Test
    void rerunAfterPartialFailure_convergesWithoutDuplicateStatements() throws Exception {
        // A first run that stopped half way: Trust done (twice, as a retried Lambda would), one association made.
        JsonNode resolved = resolve(true, true);
        for (int attempt = 0; attempt < 2; attempt++) {
            for (JsonNode item : resolved.path("trust")) {
                execute(item);
            }
        }
        for (JsonNode item : resolved.path("associate")) {
            if (item.path("step").path("serviceAccount").asText().equals("sa1")) {
                execute(item);
            }
        }
        assertEquals(Map.of("default/sa1", SA1_ROLE), associations());

        LocalApp.Run rerun = run(true, true);

        assertTrue(rerun.succeeded(), rerun.cause());
        for (String role : List.of(SA1_ROLE, SA2_ROLE, EBS_ROLE, CNI_ROLE)) {
            assertEquals(List.of(POD_IDENTITY_STATEMENT), statements(role), role);
        }
        assertEquals(4, associations().size());
        assertEquals(SA2_ROLE, associations().get("default/sa2"));
        assertEquals(List.of("regcred"), account("default", "sa1").imagePullSecrets());
    }

    @Test
    void missingAccessEntry_isAPlanWarningWithTheCommandsToFixIt() {
        String prune = LocalApp.kubernetesPrincipals(cloud).get(2);
        cloud.eks().deleteAccessEntry(b -> b.clusterName(CLUSTER).principalArn(prune));

        JsonNode resolved = resolve(true, true);

        List<String> warnings = new ArrayList<>();
        resolved.path("summary").path("warnings").forEach(w -> warnings.add(w.asText()));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("role " + prune + " has no access entry on cluster \"dev-cluster\"; "
                + "its Kubernetes steps will be refused. Create one: aws eks create-access-entry --cluster-name "
                + "dev-cluster --principal-arn " + prune), warnings.get(0));
        assertTrue(resolved.path("planText").asText().contains("kubernetes access:\n  role " + prune));
    }

    // ------------------------------------------------------------------ helpers

    /** One console migrate run through the state machine, with a trigger id of its own. */
    private LocalApp.Run run(boolean approve, boolean removeOidc) throws Exception {
        ObjectNode input = (ObjectNode) ProjectFiles.readJson(ProjectFiles.event("console-migrate-approve.json"));
        input.put("approve", approve).put("removeOidcProviderTrustRelationship", removeOidc);
        ((ObjectNode) input.path("trigger")).put("id", "migrate-test-" + System.nanoTime() + "-" + (++runs));
        LocalApp.Delivery delivery = app.deliver(input, line -> { }, Duration.ofSeconds(90));
        assertEquals(1, delivery.runs().size(), String.valueOf(delivery.note()));
        return delivery.runs().get(0);
    }

    /**
     * The Resolve task alone: what the state machine would fan out, without running it. The run names its plan by
     * key; the stored plan's steps are put back per phase as {@code {context, step}} items, as one step runs them.
     */
    private JsonNode resolve(boolean approve, boolean removeOidc) {
        ObjectNode input = (ObjectNode) ProjectFiles.readJson(ProjectFiles.event("console-migrate-approve.json"));
        input.put("approve", approve).put("removeOidcProviderTrustRelationship", removeOidc);
        ObjectNode run = JsonHandler.MAPPER.valueToTree(app.services().resolver().resolve(input,
                "migrate-resolve-" + (++runs)));
        JsonNode plan = app.services().runs().plan(run.path("planKey").asText());
        for (String phase : List.of("trust", "associate", "addons", "prune")) {
            ArrayNode items = run.putArray(phase);
            plan.path("phases").path(phase).forEach(step -> {
                ObjectNode item = items.addObject();
                item.set("context", plan.path("context"));
                item.set("step", step);
            });
        }
        return run;
    }

    /** One fanned-out step executed by the same executors the functions use. */
    private void execute(JsonNode item) {
        app.services().steps().run(item);
    }

    private List<String> statements(String roleArn) {
        String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        for (JsonNode role : cloud.dumpState().path("iam").path("roles")) {
            if (role.path("name").asText().equals(name)) {
                List<String> out = new ArrayList<>();
                role.path("trustPolicy").path("Statement").forEach(s -> out.add(s.toString()));
                return out;
            }
        }
        throw new AssertionError("no role " + roleArn);
    }

    private Map<String, String> associations() {
        Map<String, String> out = new TreeMap<>();
        cluster(cloud.dumpState()).path("podIdentityAssociations").forEach(a -> out.put(
                a.path("namespace").asText() + "/" + a.path("serviceAccount").asText(), a.path("roleArn").asText()));
        return out;
    }

    private World.ServiceAccount account(String namespace, String name) {
        return cloud.serviceAccounts(CLUSTER).stream()
                .filter(sa -> sa.namespace().equals(namespace) && sa.name().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode cluster(JsonNode state) {
        for (JsonNode c : state.path("clusters")) {
            if (c.path("name").asText().equals(CLUSTER)) {
                return c;
            }
        }
        throw new AssertionError("no cluster " + CLUSTER);
    }

    private static List<String> names(JsonNode addons) {
        List<String> out = new ArrayList<>();
        addons.forEach(a -> out.add(a.path("name").asText()));
        return out.stream().sorted().toList();
    }
}
