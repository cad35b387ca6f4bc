package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.ACCOUNT;
import static dev.podidentity.local.workflow.WorkflowWorld.ROLE_PREFIX;
import static dev.podidentity.local.workflow.WorkflowWorld.assertContains;
import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.association;
import static dev.podidentity.local.workflow.WorkflowWorld.associationKeys;
import static dev.podidentity.local.workflow.WorkflowWorld.configUploaded;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static dev.podidentity.local.workflow.WorkflowWorld.outcome;
import static dev.podidentity.local.workflow.WorkflowWorld.ownershipTags;
import static dev.podidentity.local.workflow.WorkflowWorld.scopedTrust;
import static dev.podidentity.local.workflow.WorkflowWorld.podIdentityTrust;
import static dev.podidentity.local.workflow.WorkflowWorld.requireAssociation;
import static dev.podidentity.local.workflow.WorkflowWorld.requireRole;
import static dev.podidentity.local.workflow.WorkflowWorld.role;
import static dev.podidentity.local.workflow.WorkflowWorld.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.app.LocalApp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A config uploaded to the bucket (events/config-uploaded.json through the template's rule and the dispatcher),
 * run by the real handlers on moto's Step Functions engine: first apply, update, prune, a file named for another
 * cluster, an invalid file. Each test asserts the world the run leaves (roles with their trust, policies and tags;
 * associations with every field), the execution status and the report in the bucket.
 */
@WorkflowTest
class WorkflowConfigUploadTest {
    static final String KEY = "clusters/dev-cluster.yaml";
    static final String ORDERS_ROLE = "dev-cluster+backend+orders-api";
    static final String SA1_ROLE = "autopilot-dev-cluster-default-sa1";
    static final String S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    static final String DYNAMO_READ = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess";
    static final String DEFAULT_CONFIG = dev.podidentity.local.app.ProjectFiles.read(
            dev.podidentity.local.app.ProjectFiles.root().resolve("local/worlds/default/dev-cluster.yaml"));

    static WorkflowWorld world; // set by @WorkflowTest

    static String config(String sa1Role, String ordersPolicy, boolean withOrders) {
        return """
                apiVersion: eksctl.io/v1alpha5
                kind: ClusterConfig
                metadata:
                  name: dev-cluster
                  region: us-west-2
                addons:
                  - name: eks-pod-identity-agent
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: sa1
                      roleARN: %s
                """.formatted(sa1Role) + (withOrders ? """
                    - namespace: backend
                      serviceAccountName: orders-api
                      permissionPolicyARNs:
                        - %s
                      tags:
                        team: orders
                """.formatted(ordersPolicy) : "");
    }

    @Test
    void configUploaded_whenFirstApply_createsRoleAndAssociationsAndReportsThem() throws Exception {
        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        // the role the application creates for backend/orders-api
        JsonNode orders = requireRole(state, ORDERS_ROLE);
        assertEquals(ROLE_PREFIX + "pod-identity-autopilot/" + ORDERS_ROLE, orders.path("arn").asText());
        assertEquals("/pod-identity-autopilot/", orders.path("path").asText());
        assertEquals(scopedTrust("dev-cluster", "backend", "orders-api"), orders.path("trustPolicy"));
        assertEquals(List.of(S3_READ), texts(orders.path("attachedPolicies")));
        assertTrue(orders.path("inlinePolicies").isEmpty());
        // Issue 13: with no PermissionsBoundaryArn the stack's default boundary is carried by every role it creates.
        assertEquals(ROLE_PREFIX.replace(":role/", ":policy/") + "pod-identity-autopilot/DefaultPermissionsBoundary",
                orders.path("permissionsBoundary").asText());
        Map<String, String> ordersTags = new HashMap<>(ownershipTags("dev-cluster", "backend", "orders-api"));
        ordersTags.put("team", "orders");
        assertEquals(tags(ordersTags), orders.path("tags"));
        // sa1's role is ours: it keeps its IRSA statement and gains the pod identity one
        JsonNode sa1 = requireRole(state, SA1_ROLE);
        JsonNode statements = sa1.path("trustPolicy").path("Statement");
        assertEquals(2, statements.size(), statements::toPrettyString);
        assertEquals("sts:AssumeRoleWithWebIdentity", statements.get(0).path("Action").asText());
        // an existing role of ours keeps its permissions (no convergence): the Trust step adds the open statement
        assertEquals(podIdentityTrust().path("Statement").get(0), statements.get(1));
        assertEquals(List.of("arn:aws:iam::" + ACCOUNT + ":policy/autopilot-dev-s3-read"),
                texts(sa1.path("attachedPolicies")));
        assertTrue(sa1.path("inlinePolicies").has("sqs-send"));
        // the associations, every field
        JsonNode a1 = requireAssociation(state, "dev-cluster", "default", "sa1");
        assertAssociation(a1, "default", "sa1", ROLE_PREFIX + "pod-identity-autopilot/" + SA1_ROLE,
                ownershipTags("dev-cluster", "default", "sa1"));
        JsonNode a2 = requireAssociation(state, "dev-cluster", "backend", "orders-api");
        assertAssociation(a2, "backend", "orders-api", orders.path("arn").asText(), ordersTags);
        assertEquals(List.of("backend/orders-api", "default/sa1"), associationKeys(state, "dev-cluster"));
        assertEquals("ACTIVE", WorkflowWorld.addon(state, "dev-cluster", "eks-pod-identity-agent").orElseThrow()
                .path("status").asText());

        // the execution's output is the report's summary; the full report is in the bucket
        JsonNode output = run.outputJson();
        assertEquals("SUCCEEDED", output.path("status").asText());
        String reportKey = "reports/dev-cluster/" + WorkflowWorld.executionName(run) + ".json";
        assertEquals(reportKey, output.path("reportKey").asText());
        assertEquals(WorkflowWorld.json("{\"CREATED\": 3, \"UPDATED\": 1}"), output.path("summary").path("counts"));
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("SUCCEEDED", report.path("status").asText());
        assertEquals("apply", report.path("input").path("action").asText());
        assertEquals(KEY, report.path("input").path("configKey").asText());
        assertEquals("s3", report.path("input").path("trigger").path("type").asText());
        assertEquals("CREATED", outcome(report, "agent/eks-pod-identity-agent").path("result").asText());
        assertEquals("UPDATED", outcome(report, "trust/" + SA1_ROLE).path("result").asText());
        assertEquals("CREATED", outcome(report, "associate/default/sa1").path("result").asText());
        JsonNode created = outcome(report, "associate/backend/orders-api");
        assertEquals("CREATED", created.path("result").asText());
        assertEquals(a2.path("associationArn").asText(), created.path("resource").asText());
        assertEquals(4, report.path("outcomes").size(), () -> report.path("outcomes").toPrettyString());
        assertContains(report.path("planText").asText(), "orders-api");
    }

    @Test
    void configUploaded_whenPolicyAndRoleChange_updatesRoleAndAssociationInPlace() throws Exception {
        assertSucceeded(world.run(event("config-uploaded.json")));
        JsonNode before = world.state();
        String sa1AssociationId = requireAssociation(before, "dev-cluster", "default", "sa1").path("associationId").asText();
        String ordersAssociationId = requireAssociation(before, "dev-cluster", "backend", "orders-api")
                .path("associationId").asText();

        world.upload(KEY, config(ROLE_PREFIX + "payments-api-role", DYNAMO_READ, true));
        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        JsonNode orders = requireRole(state, ORDERS_ROLE);
        assertEquals(List.of(DYNAMO_READ), texts(orders.path("attachedPolicies")), "the old policy is detached");
        assertEquals(scopedTrust("dev-cluster", "backend", "orders-api"), orders.path("trustPolicy"));
        JsonNode a1 = requireAssociation(state, "dev-cluster", "default", "sa1");
        assertEquals(sa1AssociationId, a1.path("associationId").asText(), "updated, not recreated");
        assertEquals(ROLE_PREFIX + "payments-api-role", a1.path("roleArn").asText());
        JsonNode a2 = requireAssociation(state, "dev-cluster", "backend", "orders-api");
        assertEquals(ordersAssociationId, a2.path("associationId").asText());
        assertEquals(orders.path("arn").asText(), a2.path("roleArn").asText());
        // sa1's old role was ours, made for default/sa1, and nothing uses it any more: it goes too
        assertTrue(role(state, SA1_ROLE).isEmpty(), "the replaced role we own is deleted");
        assertEquals(requireRole(before, "payments-api-role"), requireRole(state, "payments-api-role"),
                "a role we do not own is used as it is");

        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("SUCCEEDED", report.path("status").asText());
        assertEquals("UPDATED", outcome(report, "associate/default/sa1").path("result").asText());
        assertEquals("UPDATED", outcome(report, "associate/backend/orders-api").path("result").asText());
        JsonNode replaced = outcome(report, "prune/default/sa1");
        assertEquals("DELETED", replaced.path("result").asText());
        assertContains(replaced.path("reason").asText(), "role \"" + SA1_ROLE + "\" deleted");
    }

    /**
     * Issue 13: a role an earlier release made trusts every pod of the account (the open pods statement). Its
     * permissions are right, so only the trust tells the planner it has work: the next apply narrows the trust to the
     * cluster and service account in one IAM write, and the apply after that writes nothing.
     */
    @Test
    void configUploaded_whenOurRoleStillHasTheOpenPodsTrust_scopesItOnceAndTheRerunWritesNothing() throws Exception {
        assertSucceeded(world.run(event("config-uploaded.json")));
        // the world as a release before scoped trust left it: the same role and association, the open statement
        world.cloud().iam().updateAssumeRolePolicy(b -> b.roleName(ORDERS_ROLE)
                .policyDocument(podIdentityTrust().toString()));
        JsonNode before = world.stateWithoutTimestamps();
        // the same file again (a new object version, so a new execution): nothing in it changed
        world.upload(KEY, DEFAULT_CONFIG);
        world.cloud().calls().reset();

        LocalApp.Run converge = world.run(event("config-uploaded.json"));

        assertSucceeded(converge);
        assertEquals(1, world.cloud().calls().writes("iam"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(1, world.cloud().calls().count("iam", "UpdateAssumeRolePolicy"));
        assertEquals(0, world.cloud().calls().writes("eks"), () -> world.cloud().calls().snapshot().toString());
        JsonNode state = world.stateWithoutTimestamps();
        assertEquals(scopedTrust("dev-cluster", "backend", "orders-api"),
                requireRole(state, ORDERS_ROLE).path("trustPolicy"));
        assertEquals(requireRole(before, SA1_ROLE), requireRole(state, SA1_ROLE), "a role named by roleARN is "
                + "used as it is");
        assertEquals(before.path("clusters"), state.path("clusters"), "the associations are as they were");
        JsonNode report = world.report(converge, "dev-cluster");
        assertContains(report.path("planText").asText(), "will update role \"pod-identity-autopilot/" + ORDERS_ROLE
                + "\" (trust: scope pods.eks.amazonaws.com to cluster \"dev-cluster\", service account "
                + "\"backend/orders-api\")");
        JsonNode scoped = outcome(report, "associate/backend/orders-api");
        assertEquals("UPDATED", scoped.path("result").asText());
        assertContains(scoped.path("reason").asText(), "trust: pods.eks.amazonaws.com scoped to cluster dev-cluster");

        world.upload(KEY, DEFAULT_CONFIG);
        world.cloud().calls().reset();
        LocalApp.Run rerun = world.run(event("config-uploaded.json"));

        assertSucceeded(rerun);
        assertEquals(0, world.cloud().calls().writes("iam"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(0, world.cloud().calls().writes("eks"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(0, rerun.outputJson().path("summary").path("plan").path("changes").asInt());
    }

    @Test
    void configUploaded_whenEntryRemoved_prunesOnlyWhatWeOwn() throws Exception {
        assertSucceeded(world.run(event("config-uploaded.json")));
        // an association someone else made on the same cluster, with a role we do not own
        world.cloud().eks().createPodIdentityAssociation(b -> b.clusterName("dev-cluster").namespace("default")
                .serviceAccount("sa2").roleArn(ROLE_PREFIX + "payments-api-role"));
        JsonNode before = world.state();
        String ordersRoleArn = requireRole(before, ORDERS_ROLE).path("arn").asText();

        world.upload(KEY, config(ROLE_PREFIX + "pod-identity-autopilot/" + SA1_ROLE, S3_READ, false));
        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertTrue(association(state, "dev-cluster", "backend", "orders-api").isEmpty(), "pruned association");
        assertTrue(role(state, ORDERS_ROLE).isEmpty(), "the role we created for it is deleted");
        assertEquals(requireAssociation(before, "dev-cluster", "default", "sa2"),
                requireAssociation(state, "dev-cluster", "default", "sa2"), "not ours: untouched");
        assertEquals(requireAssociation(before, "dev-cluster", "default", "sa1"),
                requireAssociation(state, "dev-cluster", "default", "sa1"));
        for (String untouched : List.of("payments-api-role", "Unowned-Role1", "AmazonEKSVPCCNIRole",
                "AmazonEKS_EBS_CSI_DriverRole", SA1_ROLE)) {
            assertEquals(requireRole(before, untouched), requireRole(state, untouched), untouched);
        }
        assertEquals(before.path("clusters").get(0), state.path("clusters").get(0), "auto-cluster untouched");

        JsonNode report = world.report(run, "dev-cluster");
        JsonNode pruned = outcome(report, "prune/backend/orders-api");
        assertEquals("DELETED", pruned.path("result").asText());
        assertEquals("prune", pruned.path("phase").asText());
        assertContains(pruned.path("reason").asText(), ORDERS_ROLE);
        assertContains(report.path("planText").asText(), ordersRoleArn.substring(ordersRoleArn.lastIndexOf('/') + 1));
    }

    @Test
    void configUploaded_whenMetadataNameIsAnotherCluster_failsWithClearErrorAndChangesNothing() throws Exception {
        world.upload(KEY, config(ROLE_PREFIX + "pod-identity-autopilot/" + SA1_ROLE, S3_READ, true)
                .replace("name: dev-cluster", "name: prod-cluster"));
        ObjectNode before = worldWithoutReports();

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertEquals("FAILED", run.status());
        assertEquals("PodIdentityAutopilot.RunFailed", run.error());
        assertEquals(before, worldWithoutReports(), "nothing changed");
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("FAILED", report.path("status").asText());
        String cause = report.path("cause").asText();
        assertContains(cause, "dev.podidentity.autopilot.error.InvalidInputException");
        assertContains(cause, KEY + ":4:3: metadata.name: the config is for cluster \"prod-cluster\" but the run is "
                + "for \"dev-cluster\"");
        assertContains(cause, "clusters/prod-cluster.yaml");
        assertEquals(0, report.path("outcomes").size());
        assertContains(run.cause(), "prod-cluster");
    }

    @Test
    void configUploaded_whenConfigInvalid_failsNamingFileLineColumnAndChangesNothing() throws Exception {
        world.upload(KEY, """
                apiVersion: eksctl.io/v1alpha5
                kind: ClusterConfig
                metadata:
                  name: dev-cluster
                iam:
                  podIdentityAssociations:
                    - namespace: Backend_Team
                      serviceAccountName: orders-api
                      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
                """);
        ObjectNode before = worldWithoutReports();

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertEquals("FAILED", run.status());
        assertEquals(before, worldWithoutReports(), "nothing changed");
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("FAILED", report.path("status").asText());
        assertContains(report.path("cause").asText(), KEY + " is not valid; nothing was changed");
        assertContains(report.path("cause").asText(), KEY + ":7:7: iam.podIdentityAssociations[0].namespace: namespace \"Backend_Team\" is not a valid Kubernetes name");
        assertEquals(0, report.path("outcomes").size());
        assertFalse(world.statesEntered(run).contains("Associate"), "no write phase ran");
    }

    /** The world without the reports the runs write (they are the runs' output, not a change to the world). */
    static ObjectNode worldWithoutReports() {
        return world.stateWithoutReports();
    }

    static void assertAssociation(JsonNode a, String namespace, String sa, String roleArn, Map<String, String> tags) {
        assertEquals("dev-cluster", a.path("clusterName").asText());
        assertEquals(namespace, a.path("namespace").asText());
        assertEquals(sa, a.path("serviceAccount").asText());
        assertEquals(roleArn, a.path("roleArn").asText());
        String id = a.path("associationId").asText();
        assertTrue(id.matches("a-[a-z0-9]{17}"), id);
        assertEquals("arn:aws:eks:us-west-2:" + ACCOUNT + ":podidentityassociation/dev-cluster/" + id,
                a.path("associationArn").asText());
        assertEquals(WorkflowWorld.tags(tags), a.path("tags"));
        assertFalse(a.path("disableSessionTags").asBoolean(true));
        assertTrue(a.path("createdAt").isNumber());
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out.stream().sorted().toList();
    }
}
