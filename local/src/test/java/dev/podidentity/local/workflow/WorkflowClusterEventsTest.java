package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.REGION;
import static dev.podidentity.local.workflow.WorkflowWorld.ROLE_PREFIX;
import static dev.podidentity.local.workflow.WorkflowWorld.assertContains;
import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.associationKeys;
import static dev.podidentity.local.workflow.WorkflowWorld.cluster;
import static dev.podidentity.local.workflow.WorkflowWorld.clusterCreated;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static dev.podidentity.local.workflow.WorkflowWorld.outcome;
import static dev.podidentity.local.workflow.WorkflowWorld.ownershipTags;
import static dev.podidentity.local.workflow.WorkflowWorld.scopedTrust;
import static dev.podidentity.local.workflow.WorkflowWorld.podIdentityTrust;
import static dev.podidentity.local.workflow.WorkflowWorld.requireAssociation;
import static dev.podidentity.local.workflow.WorkflowWorld.requireRole;
import static dev.podidentity.local.workflow.WorkflowWorld.role;
import static dev.podidentity.local.workflow.WorkflowWorld.roleNames;
import static dev.podidentity.local.workflow.WorkflowWorld.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.world.WorldFile;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * CloudTrail CreateCluster and DeleteCluster events, through the template's rules, the dispatcher and the real
 * handlers: onboarding waits for the cluster, installs the agent unless Auto Mode has it built in, and applies the
 * bucket's default config; offboarding deletes the roles this application made for that cluster and nothing else.
 */
@WorkflowTest
class WorkflowClusterEventsTest {
    static final String CLOUDWATCH = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy";
    static final String FLUENT_BIT_ROLE = "+logging+fluent-bit";

    static WorkflowWorld world; // set by @WorkflowTest

    @Test
    void clusterCreated_whenClusterStillCreating_waitsInstallsAgentAndAppliesDefaultConfig() throws Exception {
        // The default world's new-cluster is CREATING for its activeAfterMillis from seeding, however often it is
        // described: the run starts while it is CREATING and waits until time has made it ACTIVE.
        Duration activeAfter = Duration.ofMillis(WorldFile.read(LocalWorlds.defaultWorld()).world().clusters().stream()
                .filter(c -> c.name().equals("new-cluster")).findFirst().orElseThrow().activeAfterMillis());
        Duration started = world.sinceSeeding();
        LocalApp.Run run = world.run(event("cluster-created.json"));

        assertSucceeded(run);
        List<String> states = world.statesEntered(run);
        List<HistoryEvent> checks = clusterStatusChecks(run);
        List<String> seen = checks.stream().map(WorkflowClusterEventsTest::statusSeen).toList();
        assertTrue(seen.size() >= 2 && seen.getLast().equals("ACTIVE")
                        && seen.subList(0, seen.size() - 1).stream().allMatch("CREATING"::equals),
                () -> "CREATING at the first check(s), then ACTIVE: " + seen + " (run started " + started.toMillis()
                        + " ms after seeding) " + states);
        Instant due = world.seeding().plus(activeAfter);
        assertFalse(checks.getLast().timestamp().isBefore(due),
                () -> "ACTIVE no sooner than " + activeAfter.toMillis() + " ms after seeding: seen at "
                        + checks.getLast().timestamp() + ", due " + due);
        assertEquals(seen.size() - 1, Collections.frequency(states, "WaitForCluster"), "one wait per CREATING: " + states);
        assertTrue(states.lastIndexOf("ClusterStatus") < states.indexOf("InstallAgent"), states::toString);
        assertTrue(states.indexOf("InstallAgent") < states.indexOf("Associate"), states::toString);

        JsonNode state = world.state();
        JsonNode cluster = cluster(state, "new-cluster");
        assertEquals("ACTIVE", cluster.path("status").asText());
        JsonNode agent = WorkflowWorld.addon(state, "new-cluster", "eks-pod-identity-agent").orElseThrow();
        assertEquals("ACTIVE", agent.path("status").asText());
        assertTrue(agent.path("serviceAccountRoleArn").isNull());
        // defaults/cluster.yaml: logging/fluent-bit may write to CloudWatch Logs
        String roleName = "new-cluster" + FLUENT_BIT_ROLE;
        JsonNode role = requireRole(state, roleName);
        assertEquals("/pod-identity-autopilot/", role.path("path").asText());
        assertEquals(scopedTrust("new-cluster", "logging", "fluent-bit"), role.path("trustPolicy"));
        assertEquals(List.of(CLOUDWATCH), WorkflowConfigUploadTest.texts(role.path("attachedPolicies")));
        assertEquals(tags(ownershipTags("new-cluster", "logging", "fluent-bit")), role.path("tags"));
        JsonNode association = requireAssociation(state, "new-cluster", "logging", "fluent-bit");
        assertEquals(ROLE_PREFIX + "pod-identity-autopilot/" + roleName, association.path("roleArn").asText());
        assertEquals(tags(ownershipTags("new-cluster", "logging", "fluent-bit")), association.path("tags"));
        assertEquals("new-cluster", association.path("clusterName").asText());
        assertFalse(association.path("disableSessionTags").asBoolean(true));
        assertEquals(List.of("logging/fluent-bit"), associationKeys(state, "new-cluster"));

        JsonNode report = world.report(run, "new-cluster");
        assertEquals("SUCCEEDED", report.path("status").asText());
        assertEquals("onboard", report.path("input").path("action").asText());
        assertEquals("cloudtrail", report.path("input").path("trigger").path("type").asText());
        assertEquals("a4b7e2d1-5c3f-4e8a-9b60-7d1e2f3a4b5c", report.path("input").path("trigger").path("id").asText());
        assertEquals("CREATED", outcome(report, "agent/eks-pod-identity-agent").path("result").asText());
        assertEquals("CREATED", outcome(report, "associate/logging/fluent-bit").path("result").asText());
        assertEquals(2, report.path("outcomes").size(), () -> report.path("outcomes").toPrettyString());
        assertEquals(WorkflowWorld.json("{\"CREATED\": 2}"), run.outputJson().path("summary").path("counts"));
    }

    @Test
    void clusterCreated_whenAutoModeCluster_appliesDefaultConfigWithoutInstallingAgent() throws Exception {
        // auto-cluster as it is just after CreateCluster: CREATING for a few seconds, however often it is described
        world.justCreated("auto-cluster");
        JsonNode before = world.state();

        LocalApp.Run run = world.run(clusterCreated("auto-cluster", "5b0c3d2e-1f4a-4b6c-8d7e-9f0a1b2c3d4e"));

        assertSucceeded(run);
        List<String> states = world.statesEntered(run);
        assertTrue(states.contains("WaitForCluster"), states::toString);
        assertEquals("ACTIVE", statusSeen(clusterStatusChecks(run).getLast()), states::toString);
        assertFalse(states.contains("InstallAgent"), "Auto Mode has the agent built in: " + states);
        assertFalse(states.contains("AgentStatus"), states::toString);
        JsonNode state = world.state();
        assertEquals("ACTIVE", cluster(state, "auto-cluster").path("status").asText());
        assertTrue(cluster(state, "auto-cluster").path("addons").isEmpty(), "no addon installed");
        JsonNode association = requireAssociation(state, "auto-cluster", "logging", "fluent-bit");
        assertEquals(ROLE_PREFIX + "pod-identity-autopilot/auto-cluster" + FLUENT_BIT_ROLE,
                association.path("roleArn").asText());
        assertEquals(tags(ownershipTags("auto-cluster", "logging", "fluent-bit")),
                requireRole(state, "auto-cluster" + FLUENT_BIT_ROLE).path("tags"));
        assertEquals(requireAssociation(before, "auto-cluster", "payments", "payments-api"),
                requireAssociation(state, "auto-cluster", "payments", "payments-api"),
                "the existing association is not the default config's business");
        JsonNode report = world.report(run, "auto-cluster");
        assertEquals(1, report.path("outcomes").size(), () -> report.path("outcomes").toPrettyString());
        assertEquals("CREATED", outcome(report, "associate/logging/fluent-bit").path("result").asText());
    }

    @Test
    void clusterCreated_whenNoConfigAndNoDefault_installsOnlyTheAgent() throws Exception {
        world.deleteObject("defaults/cluster.yaml");
        // the wait for ACTIVE is the test above's; here the cluster is ready at once
        world.cloud().eksEmulator().setClusterStatus(REGION, "new-cluster", "ACTIVE");
        JsonNode before = world.state();

        LocalApp.Run run = world.run(event("cluster-created.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertEquals(List.of("eks-pod-identity-agent"), WorkflowWorld.addonNames(state, "new-cluster"));
        assertEquals("ACTIVE", WorkflowWorld.addon(state, "new-cluster", "eks-pod-identity-agent").orElseThrow()
                .path("status").asText());
        assertTrue(associationKeys(state, "new-cluster").isEmpty());
        assertEquals(roleNames(before), roleNames(state), "no role created");
        JsonNode report = world.report(run, "new-cluster");
        assertEquals(1, report.path("outcomes").size(), () -> report.path("outcomes").toPrettyString());
        assertEquals("CREATED", outcome(report, "agent/eks-pod-identity-agent").path("result").asText());
        assertEquals("SUCCEEDED", report.path("status").asText());
    }

    @Test
    void clusterDeleted_whenWeOwnRolesForIt_deletesOnlyThoseRoles() throws Exception {
        assertSucceeded(world.run(event("console-apply.json")));
        var iam = world.cloud().iam();
        // ours, but for another cluster; and someone else's role under our role path
        iam.createRole(b -> b.roleName("auto-cluster+shop+cart").path("/pod-identity-autopilot/")
                .assumeRolePolicyDocument(podIdentityTrust().toString())
                .tags(ownershipTags("auto-cluster", "shop", "cart").entrySet().stream()
                        .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList()));
        iam.createRole(b -> b.roleName("handmade").path("/pod-identity-autopilot/")
                .assumeRolePolicyDocument(podIdentityTrust().toString())
                .tags(Tag.builder().key("pod-identity-autopilot/cluster").value("dev-cluster").build()));
        JsonNode before = world.state();
        assertTrue(role(before, "dev-cluster+backend+orders-api").isPresent());
        // offboarding runs only for a cluster EKS no longer has (the event arrives once DeleteCluster was called)
        world.cloud().eks().deleteCluster(b -> b.name("dev-cluster"));

        LocalApp.Run run = world.run(event("cluster-deleted.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertTrue(role(state, "dev-cluster+backend+orders-api").isEmpty(), "ours for dev-cluster: deleted");
        assertTrue(role(state, "autopilot-dev-cluster-default-sa1").isEmpty(),
                "ours for dev-cluster (with attached, inline policies and a boundary): deleted");
        for (String kept : List.of("auto-cluster+shop+cart", "handmade", "Unowned-Role1", "payments-api-role",
                "AmazonEKSVPCCNIRole", "AmazonEKS_EBS_CSI_DriverRole")) {
            assertEquals(requireRole(before, kept), requireRole(state, kept), kept);
        }
        assertEquals(before.path("iam").path("policies"), state.path("iam").path("policies"),
                "customer managed policies are detached, never deleted");
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("offboard", report.path("summary").path("action").asText());
        assertEquals(2, report.path("outcomes").size(), () -> report.path("outcomes").toPrettyString());
        report.path("outcomes").forEach(o -> assertEquals("DELETED", o.path("result").asText(), o::toString));
        assertContains(report.path("planText").asText(), "dev-cluster+backend+orders-api");
    }

    /** The run's ClusterStatus checks, in order: the events of their leaving the state. */
    private static List<HistoryEvent> clusterStatusChecks(LocalApp.Run run) {
        return world.history(run).stream().filter(e -> e.stateExitedEventDetails() != null
                && e.stateExitedEventDetails().name().equals("ClusterStatus")).toList();
    }

    /** The cluster status a ClusterStatus check reported. */
    private static String statusSeen(HistoryEvent check) {
        return WorkflowWorld.json(check.stateExitedEventDetails().output()).path("clusterWait").path("status").asText();
    }
}
