package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.ACCOUNT;
import static dev.podidentity.local.workflow.WorkflowWorld.ROLE_PREFIX;
import static dev.podidentity.local.workflow.WorkflowWorld.assertContains;
import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.association;
import static dev.podidentity.local.workflow.WorkflowWorld.associationKeys;
import static dev.podidentity.local.workflow.WorkflowWorld.cluster;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static dev.podidentity.local.workflow.WorkflowWorld.outcome;
import static dev.podidentity.local.workflow.WorkflowWorld.ownershipTags;
import static dev.podidentity.local.workflow.WorkflowWorld.scopedTrust;
import static dev.podidentity.local.workflow.WorkflowWorld.podIdentityTrust;
import static dev.podidentity.local.workflow.WorkflowWorld.requireAssociation;
import static dev.podidentity.local.workflow.WorkflowWorld.requireRole;
import static dev.podidentity.local.workflow.WorkflowWorld.role;
import static dev.podidentity.local.workflow.WorkflowWorld.tags;
import static dev.podidentity.local.workflow.WorkflowConfigUploadTest.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.world.World;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every console input in events/ started as an operator would (StartExecution with the file as input), run by the
 * real handlers. Changing actions assert the world they leave and the report; plan-only actions (get, dry run,
 * migrate without approve) assert the plan they answer with and that the world is exactly as before.
 */
@WorkflowTest
class WorkflowConsoleActionsTest {
    static final String S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    static final String PAYMENTS_ROLE = ROLE_PREFIX + "payments-api-role";

    static WorkflowWorld world; // set by @WorkflowTest

    @Test
    void apply_whenConsoleInput_appliesTheNamedConfig() throws Exception {
        LocalApp.Run run = world.run(event("console-apply.json"));

        assertSucceeded(run);
        assertTrue(WorkflowWorld.executionName(run).startsWith("apply-dev-cluster-apply-dev-cluster-20261129-1"),
                WorkflowWorld.executionName(run));
        JsonNode state = world.state();
        assertEquals(List.of("backend/orders-api", "default/sa1"), associationKeys(state, "dev-cluster"));
        assertEquals(ROLE_PREFIX + "pod-identity-autopilot/dev-cluster+backend+orders-api",
                requireAssociation(state, "dev-cluster", "backend", "orders-api").path("roleArn").asText());
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("console", report.path("input").path("trigger").path("type").asText());
        assertEquals(WorkflowWorld.json("{\"CREATED\": 3, \"UPDATED\": 1}"), report.path("summary").path("counts"));
    }

    @Test
    void onboard_whenConsoleInput_waitsForClusterAndAppliesDefaultConfig() throws Exception {
        // new-cluster as it is just after CreateCluster, whatever the deploy after seeding took
        world.justCreated("new-cluster");

        LocalApp.Run run = world.run(event("console-onboard.json"));

        assertSucceeded(run);
        assertTrue(world.statesEntered(run).contains("WaitForCluster"));
        JsonNode state = world.state();
        assertEquals("ACTIVE", cluster(state, "new-cluster").path("status").asText());
        assertEquals(List.of("eks-pod-identity-agent"), WorkflowWorld.addonNames(state, "new-cluster"));
        assertEquals(ROLE_PREFIX + "pod-identity-autopilot/new-cluster+logging+fluent-bit",
                requireAssociation(state, "new-cluster", "logging", "fluent-bit").path("roleArn").asText());
        JsonNode report = world.report(run, "new-cluster");
        assertEquals("defaults/cluster.yaml", report.path("input").path("configKey").asText());
        assertEquals(WorkflowWorld.json("{\"CREATED\": 2}"), report.path("summary").path("counts"));
    }

    @Test
    void create_whenPermissionPolicyArns_createsRoleAndAssociationOnly() throws Exception {
        LocalApp.Run run = world.run(event("console-create.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        JsonNode role = requireRole(state, "dev-cluster+backend+orders-api");
        assertEquals(scopedTrust("dev-cluster", "backend", "orders-api"), role.path("trustPolicy"));
        assertEquals(List.of(S3_READ), texts(role.path("attachedPolicies")));
        Map<String, String> expectedTags = new HashMap<>(ownershipTags("dev-cluster", "backend", "orders-api"));
        expectedTags.put("team", "orders");
        assertEquals(tags(expectedTags), role.path("tags"));
        JsonNode association = requireAssociation(state, "dev-cluster", "backend", "orders-api");
        WorkflowConfigUploadTest.assertAssociation(association, "backend", "orders-api", role.path("arn").asText(),
                expectedTags);
        assertEquals(List.of("backend/orders-api"), associationKeys(state, "dev-cluster"), "only what was asked");
        assertEquals("ACTIVE", WorkflowWorld.addon(state, "dev-cluster", "eks-pod-identity-agent").orElseThrow()
                .path("status").asText(), "an association needs the agent");
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("CREATED", outcome(report, "associate/backend/orders-api").path("result").asText());
        assertEquals("CREATED", outcome(report, "agent/eks-pod-identity-agent").path("result").asText());
        assertEquals(2, report.path("outcomes").size());
    }

    @Test
    void get_whenAssociationsExist_answersEksctlFieldsAndChangesNothing() throws Exception {
        assertSucceeded(world.run(event("console-apply.json")));
        ObjectNode before = world.stateWithoutTimestamps();

        LocalApp.Run run = world.run(event("console-get.json"));

        assertSucceeded(run);
        assertEquals(before, world.stateWithoutTimestamps());
        assertFalse(world.hasReport(run, "dev-cluster"), "a read answers in the output; no report is written");
        JsonNode output = run.outputJson();
        assertTrue(output.path("planOnly").asBoolean());
        assertEquals("get", output.path("action").asText());
        JsonNode sa1 = requireAssociation(before, "dev-cluster", "default", "sa1");
        // eksctl get podidentityassociation --namespace default --output json
        JsonNode expected = WorkflowWorld.json("""
                [{"AssociationARN": "%s", "Namespace": "default", "ServiceAccountName": "sa1",
                  "RoleARN": "%s"}]""".formatted(sa1.path("associationArn").asText(),
                ROLE_PREFIX + "pod-identity-autopilot/autopilot-dev-cluster-default-sa1"));
        assertEquals(expected, output.path("summary").path("associations"));
        assertContains(output.path("planText").asText(), "get on cluster \"dev-cluster\"");
    }

    @Test
    void update_whenDisableSessionTags_updatesTheAssociationInPlace() throws Exception {
        JsonNode before = world.state();
        JsonNode old = requireAssociation(before, "auto-cluster", "payments", "payments-api");

        LocalApp.Run run = world.run(event("console-update.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        JsonNode updated = requireAssociation(state, "auto-cluster", "payments", "payments-api");
        assertTrue(updated.path("disableSessionTags").asBoolean());
        assertEquals(old.path("associationId"), updated.path("associationId"));
        assertEquals(PAYMENTS_ROLE, updated.path("roleArn").asText());
        assertEquals(old.path("tags"), updated.path("tags"));
        assertEquals(requireRole(before, "payments-api-role"), requireRole(state, "payments-api-role"));
        JsonNode report = world.report(run, "auto-cluster");
        JsonNode outcome = outcome(report, "associate/payments/payments-api");
        assertEquals("UPDATED", outcome.path("result").asText());
        assertContains(outcome.path("reason").asText(), "disableSessionTags");
        assertEquals(1, report.path("outcomes").size());
    }

    @Test
    void delete_whenRoleNotOurs_deletesAssociationAndKeepsRole() throws Exception {
        JsonNode before = world.state();

        LocalApp.Run run = world.run(event("console-delete.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertTrue(association(state, "auto-cluster", "payments", "payments-api").isEmpty());
        assertEquals(requireRole(before, "payments-api-role"), requireRole(state, "payments-api-role"),
                "not created by this application: kept as it was");
        JsonNode report = world.report(run, "auto-cluster");
        assertEquals(1, report.path("outcomes").size(), () -> report.path("outcomes").toPrettyString());
        JsonNode outcome = report.path("outcomes").get(0);
        assertEquals("DELETED", outcome.path("result").asText());
        assertContains(outcome.path("stepId").asText(), "payments/payments-api");
    }

    @Test
    void createAddon_whenDefaultPodIdentityAssociations_createsAddonRoleAndAssociation() throws Exception {
        LocalApp.Run run = world.run(event("console-create-addon.json"));

        assertSucceeded(run);
        assertFalse(world.statesEntered(run).contains("InstallAgent"), "auto-cluster is Auto Mode");
        JsonNode state = world.state();
        JsonNode addon = WorkflowWorld.addon(state, "auto-cluster", "aws-efs-csi-driver").orElseThrow();
        String roleName = "auto-cluster+addon=aws-efs-csi-driver+efs-csi-controller-sa";
        String roleArn = ROLE_PREFIX + "pod-identity-autopilot/" + roleName;
        JsonNode role = requireRole(state, roleName);
        assertEquals(scopedTrust("auto-cluster", null, "efs-csi-controller-sa"), role.path("trustPolicy"));
        assertEquals(List.of("arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy"),
                texts(role.path("attachedPolicies")));
        assertEquals(tags(Map.of("pod-identity-autopilot/managed-by", "pod-identity-autopilot",
                "pod-identity-autopilot/cluster", "auto-cluster", "pod-identity-autopilot/addon", "aws-efs-csi-driver",
                "pod-identity-autopilot/service-account", "efs-csi-controller-sa")), role.path("tags"));
        assertEquals(1, addon.path("podIdentityAssociations").size());
        assertEquals(roleArn, addon.path("podIdentityAssociations").get(0).path("roleArn").asText());
        JsonNode association = requireAssociation(state, "auto-cluster", "kube-system", "efs-csi-controller-sa");
        assertEquals(roleArn, association.path("roleArn").asText());
        assertTrue(association.path("ownerArn").asText().startsWith("arn:aws:eks:us-west-2:" + ACCOUNT
                + ":addon/auto-cluster/aws-efs-csi-driver/"), association::toString);
        JsonNode report = world.report(run, "auto-cluster");
        assertEquals("CREATED", outcome(report, "addon/aws-efs-csi-driver").path("result").asText());
    }

    @Test
    void updateAddon_whenPodIdentityAssociationsGiven_createsRoleAndSetsAddonAssociations() throws Exception {
        LocalApp.Run run = world.run(event("console-update-addon.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        String roleName = "dev-cluster+addon=vpc-cni+aws-node";
        JsonNode role = requireRole(state, roleName);
        assertEquals(List.of("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"), texts(role.path("attachedPolicies")));
        assertEquals(scopedTrust("dev-cluster", null, "aws-node"), role.path("trustPolicy"));
        JsonNode addon = WorkflowWorld.addon(state, "dev-cluster", "vpc-cni").orElseThrow();
        assertEquals(1, addon.path("podIdentityAssociations").size());
        assertEquals("aws-node", addon.path("podIdentityAssociations").get(0).path("serviceAccount").asText());
        assertEquals(role.path("arn"), requireAssociation(state, "dev-cluster", "kube-system", "aws-node")
                .path("roleArn"));
        assertEquals("ACTIVE", WorkflowWorld.addon(state, "dev-cluster", "eks-pod-identity-agent").orElseThrow()
                .path("status").asText());
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("UPDATED", outcome(report, "addon/vpc-cni").path("result").asText());
        assertEquals("CREATED", outcome(report, "agent/eks-pod-identity-agent").path("result").asText());
    }

    @Test
    void deleteAddon_whenPreserve_deletesAddonAndKeepsItsIrsaRole() throws Exception {
        JsonNode before = world.state();

        LocalApp.Run run = world.run(event("console-delete-addon.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertEquals(List.of("vpc-cni"), WorkflowWorld.addonNames(state, "dev-cluster"));
        assertEquals(requireRole(before, "AmazonEKS_EBS_CSI_DriverRole"),
                requireRole(state, "AmazonEKS_EBS_CSI_DriverRole"));
        assertEquals("DELETED", outcome(world.report(run, "dev-cluster"), "addon/aws-ebs-csi-driver")
                .path("result").asText());
    }

    @Test
    void migrate_whenNotApproved_answersThePlanAndChangesNothing() throws Exception {
        ObjectNode before = world.stateWithoutTimestamps();

        LocalApp.Run run = world.run(event("console-migrate-plan.json"));

        assertSucceeded(run);
        assertEquals(before, world.stateWithoutTimestamps());
        JsonNode output = run.outputJson();
        assertTrue(output.path("planOnly").asBoolean());
        String plan = output.path("planText").asText();
        assertContains(plan, "(plan) migrate-to-pod-identity on cluster \"dev-cluster\":");
        assertContains(plan, "(plan) would create pod identity association \"default/sa2\" with its IRSA role "
                + "\"Unowned-Role1\"");
        assertContains(plan, "(plan) would migrate addon \"vpc-cni\" to pod identity: service account \"aws-node\" "
                + "with role \"AmazonEKSVPCCNIRole\"");
        assertContains(plan, "run again with \"approve\": true to apply the changes");
        assertEquals(List.of("Prepare", "Resolve", "PlanOnly?", "ReportPlan", "PlanOnly"), world.statesEntered(run));
    }

    @Test
    void migrate_whenApproved_associatesIrsaServiceAccountsAndAddonsAndDropsOidcTrust() throws Exception {
        JsonNode before = world.state();

        LocalApp.Run run = world.run(event("console-migrate-approve.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertEquals(ROLE_PREFIX + "pod-identity-autopilot/autopilot-dev-cluster-default-sa1",
                requireAssociation(state, "dev-cluster", "default", "sa1").path("roleArn").asText());
        assertEquals(ROLE_PREFIX + "Unowned-Role1",
                requireAssociation(state, "dev-cluster", "default", "sa2").path("roleArn").asText());
        for (String[] addonRole : List.of(new String[] {"vpc-cni", "aws-node", "AmazonEKSVPCCNIRole"},
                new String[] {"aws-ebs-csi-driver", "ebs-csi-controller-sa", "AmazonEKS_EBS_CSI_DriverRole"})) {
            JsonNode a = requireAssociation(state, "dev-cluster", "kube-system", addonRole[1]);
            assertEquals(ROLE_PREFIX + addonRole[2], a.path("roleArn").asText());
            assertTrue(a.path("ownerArn").asText().contains(":addon/dev-cluster/" + addonRole[0] + "/"), a::toString);
        }
        // removeOidcProviderTrustRelationship: true leaves the pod identity statement only
        for (String name : List.of("autopilot-dev-cluster-default-sa1", "Unowned-Role1", "AmazonEKSVPCCNIRole",
                "AmazonEKS_EBS_CSI_DriverRole")) {
            JsonNode role = requireRole(state, name);
            assertEquals(podIdentityTrust().path("Statement"), role.path("trustPolicy").path("Statement"), name);
            JsonNode was = requireRole(before, name);
            assertEquals(was.path("tags"), role.path("tags"), name + ": tags untouched");
            assertEquals(was.path("attachedPolicies"), role.path("attachedPolicies"), name + ": permissions untouched");
        }
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("SUCCEEDED", report.path("status").asText());
        assertEquals("CREATED", outcome(report, "associate/default/sa2").path("result").asText());
        assertEquals("UPDATED", outcome(report, "addon/vpc-cni").path("result").asText());
        // the functions reach dev-cluster's Kubernetes API: the IRSA annotation goes, the rest of the account stays
        JsonNode annotation = outcome(report, "annotation/default/sa1");
        assertEquals("UPDATED", annotation.path("result").asText());
        assertTrue(annotation.path("reason").asText().startsWith("removed annotation eks.amazonaws.com/role-arn"),
                annotation::toString);
        World.ServiceAccount sa1 = world.cloud().serviceAccounts("dev-cluster").stream()
                .filter(sa -> sa.name().equals("sa1")).findFirst().orElseThrow();
        assertEquals(Map.of(), sa1.annotations());
        assertEquals(List.of("regcred"), sa1.imagePullSecrets());
        assertEquals(WorkflowWorld.json("{\"CREATED\": 3, \"UPDATED\": 8}"), report.path("summary").path("counts"));
    }

    @Test
    void dryRun_whenApplyWouldChange_answersThePlanAndChangesNothing() throws Exception {
        ObjectNode before = world.stateWithoutTimestamps();

        LocalApp.Run run = world.run(event("console-dry-run.json"));

        assertSucceeded(run);
        assertEquals(before, world.stateWithoutTimestamps());
        assertTrue(role(world.state(), "dev-cluster+backend+orders-api").isEmpty());
        JsonNode output = run.outputJson();
        assertTrue(output.path("planOnly").asBoolean());
        assertEquals("apply", output.path("action").asText());
        assertEquals(4, output.path("summary").path("changes").asInt());
        String plan = output.path("planText").asText();
        assertContains(plan, "(plan) apply on cluster \"dev-cluster\":");
        assertContains(plan, "(plan) would install addon \"eks-pod-identity-agent\"");
        assertContains(plan, "(plan) would create role \"pod-identity-autopilot/dev-cluster+backend+orders-api\" "
                + "(managed: AmazonS3ReadOnlyAccess; boundary: pod-identity-autopilot/DefaultPermissionsBoundary), "
                + "then create pod identity association \"backend/orders-api\"");
        assertContains(plan, "4 changes, 0 unchanged");
        assertContains(plan, "no changes were applied (dry run)");
        assertFalse(world.hasReport(run, "dev-cluster"));
    }
}
