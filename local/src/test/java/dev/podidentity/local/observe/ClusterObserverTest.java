package dev.podidentity.local.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.aws.AwsAdapters;
import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.observe.ClusterObserver;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.StandardPlanningPolicies;
import dev.podidentity.autopilot.policy.PolicyDocument;
import dev.podidentity.autopilot.policy.Principal;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.execute.LocalAwsExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What Resolve sees of the default world's three clusters, and what it costs in calls. */
class ClusterObserverTest {
    private static final String ACCOUNT = "111122223333";
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static AwsClients clients;
    private static ClusterObserver observer;
    private static ClusterConfig devConfig;

    @BeforeAll
    static void clients() throws IOException {
        observer = AwsAdapters.observer(clients, new Planner(StandardPlanningPolicies.create()));
        String text = Files.readString(LocalWorlds.defaultWorld().resolveSibling("default/dev-cluster.yaml"));
        devConfig = load(text);
    }

    private static ClusterConfig load(String text) {
        LoadResult loaded = ConfigLoader.withDefaults().load(text, "test.yaml");
        assertFalse(loaded.hasErrors(), loaded.problems().toString());
        return loaded.config();
    }

    private static ClusterConfig named(String cluster) {
        return load("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: " + cluster + "\n");
    }

    private static String role(String pathAndName) {
        return "arn:aws:iam::" + ACCOUNT + ":role/" + pathAndName;
    }

    @Test
    @DisplayName("dev-cluster (apply): ACTIVE, no Auto Mode, OIDC provider, no agent, two IRSA addons, the three roles in use")
    void observe_whenDevClusterApply_seesStatusAddonsAndRoles() {
        ClusterState state = observer.observe("dev-cluster", devConfig, Action.APPLY, List.of());

        assertEquals(ClusterState.ClusterStatus.ACTIVE, state.status());
        assertEquals(ACCOUNT, state.accountId());
        assertEquals("us-west-2", state.region());
        assertEquals("aws", state.partition());
        assertFalse(state.autoMode());
        String provider = clients.iam().listOpenIDConnectProviders().openIDConnectProviderList().getFirst().arn();
        assertEquals(provider, state.oidcProviderArn());
        assertNull(state.agent());
        assertEquals(List.of("aws-ebs-csi-driver", "vpc-cni"), state.addons().stream().map(ClusterState.AddonState::name).toList());
        assertEquals(role("AmazonEKS_EBS_CSI_DriverRole"), state.addon("aws-ebs-csi-driver").orElseThrow().serviceAccountRoleArn());
        assertEquals("v1.45.0-eksbuild.2", state.addon("aws-ebs-csi-driver").orElseThrow().version());
        assertEquals(List.of(), state.associations());
        assertEquals(List.of(), state.addonSupport(), "the config names only the agent, which has no pod identity");

        assertEquals(List.of(role("AmazonEKSVPCCNIRole"), role("AmazonEKS_EBS_CSI_DriverRole"),
                role("pod-identity-autopilot/autopilot-dev-cluster-default-sa1")), List.copyOf(state.roles().keySet()));
        ClusterState.Role sa1 = state.roles().get(role("pod-identity-autopilot/autopilot-dev-cluster-default-sa1"));
        assertEquals("/pod-identity-autopilot/", sa1.path());
        assertTrue(OwnershipTags.isOwnedBy(sa1.tags(), "dev-cluster"));
        assertEquals(List.of("arn:aws:iam::" + ACCOUNT + ":policy/autopilot-dev-s3-read"), sa1.managedPolicyArns());
        assertEquals(List.of("sqs-send"), sa1.inlinePolicyNames());
        assertEquals("arn:aws:iam::" + ACCOUNT + ":policy/autopilot-permissions-boundary", sa1.permissionsBoundaryArn());
        PolicyDocument trust = PolicyDocument.parse(sa1.trustPolicy());
        assertEquals(List.of(provider), trust.statements().getFirst().principal().values(Principal.FEDERATED));

        Map<String, Long> calls = cloud.calls().snapshot();
        assertEquals(1L, calls.get("eks:DescribeCluster"));
        assertEquals(1L, calls.get("eks:ListAddons"));
        assertEquals(2L, calls.get("eks:DescribeAddon"));
        assertEquals(1L, calls.get("eks:ListPodIdentityAssociations"));
        assertEquals(1L, calls.get("iam:GetOpenIDConnectProvider"));
        assertEquals(4L, calls.get("iam:GetRole"), "3 roles in use + the orders-api role to create (absent): " + calls);
        assertEquals(0, cloud.calls().writes("iam") + cloud.calls().writes("eks"));
    }

    @Test
    @DisplayName("dev-cluster (migrate): pod identity support of the IRSA addons at their installed versions")
    void observe_whenMigrate_readsAddonSupportOfIrsaAddons() {
        ClusterState state = observer.observe("dev-cluster", named("dev-cluster"), Action.MIGRATE_TO_POD_IDENTITY,
                List.of(new ClusterState.IrsaServiceAccount("default", "sa2", role("Unowned-Role1"))));

        ClusterState.AddonSupport ebs = state.support("aws-ebs-csi-driver", "v1.45.0-eksbuild.2").orElseThrow();
        assertTrue(ebs.requiresIamPermissions());
        assertEquals(List.of(new ClusterState.PodIdentityConfiguration("ebs-csi-controller-sa",
                List.of("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"))), ebs.podIdentityConfiguration());
        assertTrue(state.support("vpc-cni", "v1.20.4-eksbuild.2").orElseThrow().supportsPodIdentity());
        assertTrue(state.roles().containsKey(role("Unowned-Role1")));
        assertEquals(2L, cloud.calls().count("eks", "DescribeAddonConfiguration"));
    }

    @Test
    @DisplayName("auto-cluster (get): Auto Mode from computeConfig.enabled; the association described with role and tags, no role reads")
    void observe_whenAutoCluster_seesAutoModeAndDescribedAssociation() {
        ClusterState state = observer.observe("auto-cluster", named("auto-cluster"), Action.GET, List.of());

        assertTrue(state.autoMode());
        assertNull(state.agent());
        ClusterState.Association a = state.association("payments", "payments-api").orElseThrow();
        assertEquals(role("payments-api-role"), a.roleArn());
        assertEquals(Map.of("team", "payments"), a.tags());
        assertTrue(a.associationId().matches("a-[a-z0-9]{17}"));
        assertEquals(List.of(), List.copyOf(state.roles().keySet()), "get reports associations; it reads no roles");
    }

    @Test
    @DisplayName("new-cluster: CREATING, no addons, no associations")
    void observe_whenNewCluster_seesCreating() {
        // The default world's new-cluster turns ACTIVE a few seconds after seeding, and this class seeds once:
        // hold it CREATING, as it is just after CreateCluster, whatever ran before.
        cloud.eksEmulator().setClusterStatus("us-west-2", "new-cluster", "CREATING");
        ClusterState state = observer.observe("new-cluster", named("new-cluster"), Action.ONBOARD, List.of());
        assertEquals(ClusterState.ClusterStatus.CREATING, state.status());
        assertFalse(state.isActive());
        assertEquals(List.of(), state.addons());
        assertEquals(List.of(), state.associations());
    }

    @Test
    @DisplayName("A missing cluster: NotFoundException naming it")
    void observe_whenClusterMissing_throwsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> observer.observe("no-such-cluster", named("no-such-cluster"), Action.APPLY, List.of()));
        assertTrue(e.getMessage().contains("no-such-cluster"));
    }

    @Test
    @DisplayName("create of 6 new associations: one ListRoles instead of 6 GetRole, no DescribePodIdentityAssociation")
    void observe_whenCreatingManyNewAssociations_readsPerClusterNotPerAssociation() {
        StringBuilder yaml = new StringBuilder("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n"
                + "  name: auto-cluster\niam:\n  podIdentityAssociations:\n");
        for (int i = 0; i < 6; i++) {
            yaml.append("    - namespace: batch\n      serviceAccountName: job-").append(i)
                    .append("\n      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n");
        }
        ClusterState state = observer.observe("auto-cluster", load(yaml.toString()), Action.CREATE, List.of());

        assertEquals(1, state.associations().size());
        assertNull(state.associations().getFirst().roleArn(), "not declared, not described");
        assertEquals(0, cloud.calls().count("eks", "DescribePodIdentityAssociation"));
        assertEquals(1, cloud.calls().count("iam", "ListRoles"));
        assertEquals(0, cloud.calls().count("iam", "GetRole"), "none of the 6 roles exists, and no association is described");
    }
}
