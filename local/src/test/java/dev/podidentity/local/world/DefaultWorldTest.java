package dev.podidentity.local.world;

import dev.podidentity.autopilot.naming.OwnershipTags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.LocalWorlds;
import dev.podidentity.local.junit.LocalCloudExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.services.eks.model.Cluster;

/** Seeds local/worlds/default.yaml and checks the dump states the world the file describes. */
class DefaultWorldTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Before the extension seeds the world: no seeding of this class happens earlier. */
    private static final long BEFORE_SEEDING = System.nanoTime();

    @RegisterExtension
    static final LocalCloudExtension LOCAL = LocalCloudExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static ObjectNode state;

    @BeforeAll
    static void dump() {
        cloud = LOCAL.cloud();
        state = cloud.dumpState();
        // seeding and dumping talk to moto directly: a test starts with no counted calls
        assertEquals(java.util.Map.of(), cloud.calls().snapshot());
    }

    @Test
    @DisplayName("IRSA role trust: Federated = the dev-cluster OIDC provider ARN, sub condition names default/sa1")
    void dump_whenDefaultWorld_ownedIrsaRoleHasDecodedOidcTrust() {
        JsonNode role = role("autopilot-dev-cluster-default-sa1");
        String providerArn = cloud.iam().listOpenIDConnectProviders().openIDConnectProviderList().getFirst().arn();
        assertTrue(providerArn.startsWith("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/"), providerArn);

        JsonNode statement = role.path("trustPolicy").path("Statement").get(0);
        assertEquals(providerArn, statement.path("Principal").path("Federated").asText());
        assertEquals("sts:AssumeRoleWithWebIdentity", statement.path("Action").asText());
        String issuer = providerArn.substring(providerArn.indexOf("oidc-provider/") + "oidc-provider/".length());
        JsonNode equals = statement.path("Condition").path("StringEquals");
        assertEquals("system:serviceaccount:default:sa1", equals.path(issuer + ":sub").asText());
        assertEquals("sts.amazonaws.com", equals.path(issuer + ":aud").asText());

        assertEquals("arn:aws:iam::111122223333:role/pod-identity-autopilot/autopilot-dev-cluster-default-sa1", role.path("arn").asText());
        assertEquals(OwnershipTags.MANAGED_BY_VALUE, role.path("tags").path(OwnershipTags.MANAGED_BY).asText());
        assertEquals("arn:aws:iam::111122223333:policy/autopilot-permissions-boundary", role.path("permissionsBoundary").asText());
        assertEquals("sqs:SendMessage", role.path("inlinePolicies").path("sqs-send").path("Statement").get(0).path("Action").asText());
        assertEquals(List.of("arn:aws:iam::111122223333:policy/autopilot-dev-s3-read"), texts(role.path("attachedPolicies")));
    }

    @Test
    @DisplayName("Unowned IRSA role: AWS managed policy attached (moto loads managed policies), no ownership tag")
    void dump_whenDefaultWorld_unownedRoleHasManagedPolicyAndNoOwnershipTag() {
        JsonNode role = role("Unowned-Role1");
        assertEquals(List.of("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), texts(role.path("attachedPolicies")));
        assertFalse(role.path("tags").has(OwnershipTags.MANAGED_BY));
        assertTrue(role.path("permissionsBoundary").isNull());
        assertEquals(List.of("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"),
                texts(role("AmazonEKS_EBS_CSI_DriverRole").path("attachedPolicies")));
    }

    @Test
    @DisplayName("Clusters: dev-cluster ACTIVE with two IRSA add-ons and no agent; auto-cluster Auto Mode; new-cluster CREATING")
    void dump_whenDefaultWorld_clustersCarryStatusAutoModeAndAddons() {
        JsonNode dev = cluster("dev-cluster");
        assertEquals("ACTIVE", dev.path("status").asText());
        assertFalse(dev.path("autoMode").asBoolean());
        assertEquals(Set.of("aws-ebs-csi-driver", "vpc-cni"), Set.copyOf(names(dev.path("addons"), "name")));
        JsonNode ebs = find(dev.path("addons"), "name", "aws-ebs-csi-driver");
        assertEquals("ACTIVE", ebs.path("status").asText());
        assertEquals("v1.45.0-eksbuild.2", ebs.path("version").asText());
        assertEquals("arn:aws:iam::111122223333:role/AmazonEKS_EBS_CSI_DriverRole", ebs.path("serviceAccountRoleArn").asText());
        assertEquals(0, ebs.path("podIdentityAssociations").size());
        assertEquals(0, dev.path("podIdentityAssociations").size());

        JsonNode sa1 = find(dev.path("serviceAccounts"), "name", "sa1");
        assertEquals("arn:aws:iam::111122223333:role/pod-identity-autopilot/autopilot-dev-cluster-default-sa1",
                sa1.path("annotations").path("eks.amazonaws.com/role-arn").asText());
        assertEquals(List.of("regcred"), texts(sa1.path("imagePullSecrets")));

        JsonNode auto = cluster("auto-cluster");
        assertTrue(auto.path("autoMode").asBoolean());
        JsonNode association = auto.path("podIdentityAssociations").get(0);
        assertEquals("payments", association.path("namespace").asText());
        assertEquals("payments-api", association.path("serviceAccount").asText());
        assertEquals("arn:aws:iam::111122223333:role/payments-api-role", association.path("roleArn").asText());
        assertTrue(association.path("associationId").asText().matches("a-[a-z0-9]{17}"));
        assertEquals("arn:aws:eks:us-west-2:111122223333:podidentityassociation/auto-cluster/" + association.path("associationId").asText(),
                association.path("associationArn").asText());
        assertEquals("payments", association.path("tags").path("team").asText());

        assertEquals("CREATING", cluster("new-cluster").path("status").asText());
    }

    @Test
    @DisplayName("Config bucket holds clusters/dev-cluster.yaml (an eksctl ClusterConfig with podIdentityAssociations) and the default config for new clusters")
    void dump_whenDefaultWorld_configObjectIsAnEksctlClusterConfig() {
        JsonNode bucket = find(state.path("buckets"), "name", "pod-identity-autopilot-config-111122223333");
        assertEquals(List.of("clusters/dev-cluster.yaml", "defaults/cluster.yaml"), texts(bucket.path("keys")));
        String yaml = cloud.s3().getObjectAsBytes(r -> r.bucket("pod-identity-autopilot-config-111122223333")
                .key("clusters/dev-cluster.yaml")).asUtf8String();
        java.util.Map<String, Object> config = new Yaml().load(yaml);
        assertEquals("eksctl.io/v1alpha5", config.get("apiVersion"));
        assertEquals("ClusterConfig", config.get("kind"));
        @SuppressWarnings("unchecked")
        List<Object> associations = (List<Object>) ((java.util.Map<String, Object>) config.get("iam")).get("podIdentityAssociations");
        assertEquals(2, associations.size());
    }

    @Test
    @DisplayName("DescribeCluster through the gateway: auto-cluster reports computeConfig.enabled (moto drops it; the overlay adds it)")
    void describeCluster_whenAutoModeCluster_reportsComputeConfigEnabled() {
        Cluster auto = cloud.eks().describeCluster(r -> r.name("auto-cluster")).cluster();
        assertTrue(auto.computeConfig().enabled());
        assertTrue(auto.storageConfig().blockStorage().enabled());
        Cluster dev = cloud.eks().describeCluster(r -> r.name("dev-cluster")).cluster();
        assertTrue(dev.computeConfig() == null || dev.computeConfig().enabled() == null || !dev.computeConfig().enabled());
        assertNotNull(dev.identity().oidc().issuer());
    }

    @Test
    @DisplayName("new-cluster turns ACTIVE by itself once activeAfterMillis have passed since seeding: not sooner, and with nobody describing it")
    void newCluster_whenItsTimeHasPassed_isActiveWithoutAnyDescribe() throws InterruptedException {
        long activeAfter = Duration.ofMillis(WorldFile.read(LocalWorlds.defaultWorld()).world().clusters().stream()
                .filter(c -> c.name().equals("new-cluster")).findFirst().orElseThrow().activeAfterMillis()).toNanos();
        long deadline = System.nanoTime() + activeAfter + Duration.ofSeconds(30).toNanos();
        String status;
        // the emulator's own read of the status: no DescribeCluster, nothing that could count as one
        while (!"ACTIVE".equals(status = cloud.eksEmulator().clusterStatus("us-west-2", "new-cluster"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long seenActive = System.nanoTime();
        assertEquals("ACTIVE", status);
        assertTrue(seenActive - BEFORE_SEEDING >= activeAfter, () -> "ACTIVE "
                + Duration.ofNanos(seenActive - BEFORE_SEEDING).toMillis() + " ms after seeding began, before its "
                + Duration.ofNanos(activeAfter).toMillis() + " ms");
    }

    @Test
    @DisplayName("A world file with a negative activeAfterMillis: seeding refuses it, naming the cluster and key, before creating anything")
    void seed_whenActiveAfterMillisNegative_refusesBeforeCreatingAnything() {
        List<String> clusters = cloud.eks().listClusters().clusters();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cloud.seed(WorldFile.parse("""
                account: "111122223333"
                region: us-west-2
                clusters:
                  - name: late-cluster
                    status: CREATING
                    activeAfterMillis: -1
                """, Path.of("."))));
        assertEquals("clusters[late-cluster].activeAfterMillis must be 0 or more, not -1", e.getMessage());
        assertEquals(clusters, cloud.eks().listClusters().clusters());
    }

    @Test
    @DisplayName("Seed + dump round trip: reseeding gives the same world except generated ids and times")
    void reseed_whenDumpedAgain_sameWorldExceptGeneratedIds() throws Exception {
        cloud.reseed();
        ObjectNode again = cloud.dumpState();
        assertEquals(normalise(state), normalise(again));
        Path file = Path.of(System.getProperty("local.cloud.logDir", "target/local-cloud"), "default-world-state.json");
        cloud.writeState(file);
        assertEquals("111122223333", JSON.readTree(Files.readString(file)).path("account").asText());
        state = again;
    }

    private static JsonNode normalise(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("createdAt", "modifiedAt", "associationId", "associationArn", "addonArn"));
            object.forEach(DefaultWorldTest::strip);
        } else if (node.isArray()) {
            node.forEach(DefaultWorldTest::strip);
        }
    }

    private static JsonNode role(String name) {
        return find(state.path("iam").path("roles"), "name", name);
    }

    private static JsonNode cluster(String name) {
        return find(state.path("clusters"), "name", name);
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        return StreamSupport.stream(array.spliterator(), false).filter(n -> n.path(field).asText().equals(value)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + field + "=" + value + " in " + array));
    }

    private static List<String> names(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).asText()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
