package dev.podidentity.autopilot.run.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.naming.RoleNames;
import dev.podidentity.autopilot.observe.ClusterObserver;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.PlanJson;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.StandardPlanningPolicies;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.autopilot.port.MemoryConfigStore;
import dev.podidentity.autopilot.port.TimedCloud;
import dev.podidentity.autopilot.run.RunArtifacts;
import dev.podidentity.autopilot.run.RunSettings;
import dev.podidentity.autopilot.run.contract.ResolveOutput;
import dev.podidentity.autopilot.run.phase.BatchSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Resolve's reads overlap where they need nothing of each other, proven on a timeline ({@link TimedCloud}): the
 * config's references are checked beside observing once DescribeCluster gave the account, and an apply's ListRoles
 * of the role path runs beside DescribeCluster. The decisions and their errors are those of reading one after
 * another: observing's error first, then the references', then the missing references; a missing cluster is the
 * same NotFoundException; no read outlives Resolve.
 */
class ResolverTest {
    static final String ACCOUNT = "111122223333";
    static final String CLUSTER = "dev";
    static final String KEY = "clusters/dev.yaml";
    static final String PATH = "/pod-identity-autopilot/";
    static final Planner PLANNER = new Planner(StandardPlanningPolicies.create());
    static final ObjectMapper JSON = new ObjectMapper();
    static final String POD_TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}";

    /** Five new associations (roles ours to create), and one that uses the team's role {@code roleArn}. */
    static String config(String roleArn) {
        StringBuilder yaml = new StringBuilder("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n"
                + "  name: " + CLUSTER + "\n  region: eu-west-1\niam:\n  podIdentityAssociations:\n"
                + "    - namespace: team\n      serviceAccountName: shared\n      roleARN: " + roleArn + "\n");
        for (int i = 0; i < 5; i++) {
            yaml.append("    - namespace: batch\n      serviceAccountName: job-").append(i)
                    .append("\n      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n");
        }
        return yaml.toString();
    }

    static String roleArn(String pathAndName) {
        return "arn:aws:iam::" + ACCOUNT + ":role/" + pathAndName;
    }

    static final String OLD_OURS = RoleNames.forAssociation(CLUSTER, "gone", "app");

    /**
     * An ACTIVE cluster with the agent and one association of someone else's; IAM has the team's role and, under
     * the role path, an old role of ours for dev that nothing uses.
     */
    static TimedCloud world() {
        EksApi.AssociationRef other = new EksApi.AssociationRef("a-00000000000000001", "arn:aws:eks:eu-west-1:"
                + ACCOUNT + ":podidentityassociation/dev/a-00000000000000001", "web", "api", null);
        Map<String, IamRoles.IamRole> roles = Map.of(
                "team-role", new IamRoles.IamRole(roleArn("team-role"), "team-role", "/", POD_TRUST, null, Map.of()),
                "web-role", new IamRoles.IamRole(roleArn("web-role"), "web-role", "/", POD_TRUST, null, Map.of()),
                OLD_OURS, new IamRoles.IamRole(roleArn("pod-identity-autopilot/" + OLD_OURS), OLD_OURS, PATH,
                        POD_TRUST, null,
                        OwnershipTags.forAssociation(CLUSTER, "gone", "app")));
        return new TimedCloud(40)
                .answer("eks:describeCluster", a -> Optional.of(new EksApi.Cluster(CLUSTER, "arn:aws:eks:eu-west-1:"
                        + ACCOUNT + ":cluster/dev", "ACTIVE", "1.31", false, null)))
                .answer("eks:listAddons", a -> List.of(Step.InstallAgent.ADDON))
                .answer("eks:describeAddon", a -> Optional.of(new EksApi.Addon(Step.InstallAgent.ADDON,
                        "arn:aws:eks:eu-west-1:" + ACCOUNT + ":addon/dev/agent/x", "v1.3.4-eksbuild.1", "ACTIVE", null,
                        null, List.of(), List.of(), null)))
                .answer("eks:listAssociations", a -> List.of(other))
                .answer("eks:describeAssociation", a -> Optional.of(new ClusterState.Association(
                        other.associationId(), other.associationArn(), "web", "api", roleArn("web-role"), null, null,
                        null, Map.of(), null)))
                .answer("iam:getRole", a -> Optional.ofNullable(roles.get((String) a[0])))
                .answer("iam:listRoleNames", a -> List.copyOf(roles.keySet()))
                .answer("iam:listRoles", a -> List.of(new IamRoles.RoleSummary(OLD_OURS,
                        roleArn("pod-identity-autopilot/" + OLD_OURS), Instant.now().minus(Duration.ofDays(2)))))
                .answer("iam:policyExists", a -> true)
                .answer("iam:attachedPolicyArns", a -> List.of())
                .answer("iam:inlinePolicyNames", a -> List.of());
    }

    static Resolver resolver(TimedCloud cloud, String yaml) {
        return resolver(cloud, yaml, Clock.systemUTC());
    }

    static Resolver resolver(TimedCloud cloud, String yaml, InstantSource clock) {
        MemoryConfigStore store = new MemoryConfigStore();
        store.objects.put(KEY, yaml.getBytes(StandardCharsets.UTF_8));
        return resolver(cloud, store, clock);
    }

    static Resolver resolver(TimedCloud cloud, ConfigStore store, InstantSource clock) {
        RunSettings settings = RunSettings.from(Map.of("CONFIG_BUCKET", "configs", "ALLOWED_ROLE_ARN_PATTERNS",
                "arn:aws:iam::" + ACCOUNT + ":role/*")::get);
        return new Resolver(store, new ClusterObserver(cloud.eks(), cloud.iam(), PLANNER), cloud.iam(), PLANNER,
                cluster -> List.of(), settings, null, new RunArtifacts(store), BatchSettings.defaults(), clock);
    }

    static JsonNode apply() {
        return JSON.createObjectNode().put("action", "apply").put("cluster", CLUSTER).put("configKey", KEY);
    }

    @Test
    @DisplayName("resolve: the run carries the moment planning began, taken before the first read, for the lock")
    void resolve_stampsThePlanWithWhenItsReadsBegan() {
        TimedCloud cloud = world();
        Instant at = Instant.parse("2026-12-07T10:15:30.250Z");
        AtomicLong askedAt = new AtomicLong();
        InstantSource clock = () -> {
            askedAt.compareAndSet(0, System.nanoTime());
            return at;
        };

        ResolveOutput run = resolver(cloud, config(roleArn("team-role")), clock).resolve(apply(), "apply-dev-1");

        assertEquals("2026-12-07T10:15:30.250Z", run.plannedAt());
        assertTrue(askedAt.get() != 0 && cloud.calls().stream().allMatch(c -> c.start() >= askedAt.get()),
                "the clock is read before every call of the plan's");
    }

    @Test
    @DisplayName("resolve: a run that installs the agent passes the plan's agent step on, so InstallAgent reads no plan")
    void resolve_passesThePlansAgentStepOn_onlyWhenTheAgentIsToBeInstalled() throws Exception {
        TimedCloud noAgent = world().answer("eks:listAddons", a -> List.of())
                .answer("eks:describeAddon", a -> Optional.empty());
        String yaml = config(roleArn("team-role")) + "addons:\n  - name: eks-pod-identity-agent\n"
                + "    version: v1.3.5-eksbuild.1\n";

        MemoryConfigStore store = new MemoryConfigStore();
        store.objects.put(KEY, yaml.getBytes(StandardCharsets.UTF_8));

        ResolveOutput installs = resolver(noAgent, store, Clock.systemUTC()).resolve(apply(), "apply-dev-agent");

        assertTrue(installs.installAgent());
        Step passedOn = PlanJson.mapper().treeToValue(installs.agent(), Step.class);
        JsonNode stored = new RunArtifacts(store).plan(installs.planKey()).path("phases").path("agent").path(0);
        assertEquals(new Step.InstallAgent(CLUSTER, "v1.3.5-eksbuild.1", null, null, Map.of()), passedOn);
        assertEquals(stored, installs.agent(), "the step as the plan stores it");

        ResolveOutput present = resolver(world(), config(roleArn("team-role"))).resolve(apply(), "apply-dev-present");
        assertFalse(present.installAgent());
        assertNull(present.agent());
    }

    @Test
    @DisplayName("apply: what needs nothing of the config (DescribeCluster, the EKS listings, reclaim's ListRoles of "
            + "the role path) is read beside the config, not after it")
    void resolve_readsTheClusterBesideTheConfig() {
        TimedCloud cloud = world();
        MemoryConfigStore objects = new MemoryConfigStore();
        objects.objects.put(KEY, config(roleArn("team-role")).getBytes(StandardCharsets.UTF_8));
        long[] configRead = new long[2];
        ConfigStore slowS3 = new ConfigStore() {
            @Override
            public Optional<byte[]> read(String key, String version) {
                configRead[0] = System.nanoTime();
                try {
                    Thread.sleep(150); // S3's GetObject
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                configRead[1] = System.nanoTime();
                return objects.read(key, version);
            }

            @Override
            public List<String> list(String prefix, String startAfter, int max) {
                return objects.list(prefix, startAfter, max);
            }

            @Override
            public void write(String key, byte[] content, String contentType) {
                objects.write(key, content, contentType);
            }
        };

        ResolveOutput run = resolver(cloud, slowS3, Clock.systemUTC()).resolve(apply(), "apply-dev-2");

        assertEquals(7, run.summary().changes(), run.planText());
        for (String early : List.of("eks:describeCluster", "eks:listAddons", "eks:listAssociations", "iam:listRoles")) {
            assertTrue(cloud.only(early).start() < configRead[1], early + " started while the config was read");
        }
        assertEquals(0, cloud.running.get(), "no read outlives Resolve");
    }

    @Test
    @DisplayName("a config that cannot be read: its error, and the reads started beside it discarded")
    void resolve_ofAMissingConfig_isItsError_andLeavesNoReadRunning() {
        TimedCloud cloud = world();
        MemoryConfigStore empty = new MemoryConfigStore();

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> resolver(cloud, empty, Clock.systemUTC()).resolve(apply(), "apply-dev-3"));

        assertEquals("config clusters/dev.yaml does not exist in bucket configs", e.getMessage());
        assertEquals(0, cloud.running.get(), "the early reads were discarded");
    }

    @Test
    @DisplayName("apply: the listings start beside DescribeCluster, the config's references are read beside the "
            + "associations' describes, and the plan reclaims the unused role of ours as before")
    void preview_overlapsTheIndependentReads() {
        TimedCloud cloud = world()
                .answersAfter("eks:describeCluster", "eks:listAddons", "eks:listAssociations", "iam:listRoleNames",
                        "iam:listRoles")
                .answersAfter("eks:describeAssociation", "iam:policyExists");

        ResolvedRun run = resolver(cloud, config(roleArn("team-role"))).preview(apply());

        TimedCloud.Call describe = cloud.only("eks:describeCluster");
        for (String beside : List.of("eks:listAddons", "eks:listAssociations", "iam:listRoleNames", "iam:listRoles")) {
            assertTrue(cloud.only(beside).start() < describe.end(), beside + " starts beside DescribeCluster");
        }
        assertEquals(List.of("/"), cloud.only("iam:listRoleNames").args(), "6 role names: one ListRoles of all");
        assertEquals(List.of(PATH), cloud.only("iam:listRoles").args(), "reclaim's listing of the role path");
        TimedCloud.Call policy = cloud.only("iam:policyExists");
        assertTrue(policy.start() >= describe.end(), "the references need the account");
        assertTrue(policy.start() < cloud.only("eks:describeAssociation").end(),
                "the references are read beside the associations' describes");

        assertEquals(ACCOUNT, run.context().account());
        assertEquals(7, run.summary().changes(), run.planText());
        assertEquals(6, run.phases().associate().size(), "5 roles, each with its association, and 1 association");
        List<String> reclaimed = run.phases().prune().stream().filter(Step.DeleteAssociation.class::isInstance)
                .map(s -> ((Step.DeleteAssociation) s).deleteRoleArn()).toList();
        assertEquals(List.of(roleArn("pod-identity-autopilot/" + OLD_OURS)), reclaimed, run.planText());
        assertEquals(Set.of("team-role", "web-role", OLD_OURS), Set.copyOf(cloud.calls("iam:getRole").stream()
                .map(c -> (String) c.args().getFirst()).toList()), "GetRole only of roles that exist, as before");
        assertEquals(0, cloud.running.get(), "no read outlives Resolve");
    }

    @Test
    @DisplayName("A role the config names that does not exist: refused with the same message")
    void preview_whenAReferenceIsMissing_refusesAsBefore() {
        TimedCloud cloud = world();

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> resolver(cloud, config(roleArn("missing-role"))).preview(apply()));

        assertEquals(KEY + " is not valid; nothing was changed: " + KEY + ":10:7: "
                + "iam.podIdentityAssociations[0].roleARN: role \"" + roleArn("missing-role") + "\" does not exist in"
                + " account " + ACCOUNT + "; EKS would refuse it (create the role first, or correct the ARN)",
                e.getMessage());
        assertEquals(0, cloud.running.get());
    }

    @Test
    @DisplayName("A missing reference and a failing observation: observing's error wins, as before")
    void preview_whenObservingFailsToo_itsErrorWins() {
        TimedCloud cloud = world().answer("eks:describeAssociation", a -> {
            sleepMs(300); // the references have long answered by now
            throw new RetryableException("DescribePodIdentityAssociation: Rate exceeded");
        });

        RetryableException e = assertThrows(RetryableException.class,
                () -> resolver(cloud, config(roleArn("missing-role"))).preview(apply()));

        assertEquals("DescribePodIdentityAssociation: Rate exceeded", e.getMessage());
        assertTrue(cloud.calls("iam:getRole").stream().anyMatch(c -> c.args().equals(List.of("missing-role"))),
                "the references were read beside");
        assertEquals(0, cloud.running.get());
    }

    @Test
    @DisplayName("The references' own error comes after observing succeeded, as before")
    void preview_whenTheReferencesFail_theirErrorSurfaces() {
        TimedCloud cloud = world().answer("iam:policyExists", a -> {
            throw new RetryableException("GetPolicy: Rate exceeded");
        });

        RetryableException e = assertThrows(RetryableException.class,
                () -> resolver(cloud, config(roleArn("team-role"))).preview(apply()));

        assertEquals("GetPolicy: Rate exceeded", e.getMessage());
        assertEquals(0, cloud.running.get());
    }

    @Test
    @DisplayName("A missing cluster: the same NotFoundException; the reads started beside it are discarded")
    void preview_whenClusterMissing_throwsTheSameNotFound_andLeavesNothingRunning() {
        TimedCloud cloud = world()
                .answer("eks:describeCluster", a -> Optional.empty())
                .answer("iam:listRoles", a -> {
                    sleepMs(10_000);
                    return List.of();
                })
                .answersAfter("eks:describeCluster", "iam:listRoles");
        long start = System.nanoTime();

        NotFoundException e = assertThrows(NotFoundException.class,
                () -> resolver(cloud, config(roleArn("team-role"))).preview(apply()));

        assertEquals("cluster \"dev\" not found", e.getMessage());
        assertEquals(0, cloud.running.get(), "no read outlives Resolve");
        assertTrue(cloud.only("iam:listRoles").interrupted());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "not waited out");
        assertEquals(List.of(), cloud.calls("iam:policyExists"), "the references need the cluster's account");
    }

    static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
