package dev.podidentity.autopilot.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.naming.RoleNames;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.StandardPlanningPolicies;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.autopilot.port.TimedCloud;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the observer reads beside DescribeCluster, proven on a timeline: reads that overlap DescribeCluster are made
 * to wait until they have started ({@link TimedCloud#answersAfter}), so a sequential observer fails. What
 * DescribeCluster answers still decides: a missing cluster is the same NotFoundException, a cluster being created
 * has no add-ons and associations whatever the listings said, and no read outlives the observation.
 */
class ClusterObserverReadsTest {
    static final String ACCOUNT = "111122223333";
    static final String CLUSTER = "dev";
    static final String ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    static final Planner PLANNER = new Planner(StandardPlanningPolicies.create());

    static EksApi.Cluster cluster(String status) {
        return new EksApi.Cluster(CLUSTER, "arn:aws:eks:eu-west-1:" + ACCOUNT + ":cluster/" + CLUSTER, status, "1.31",
                false, ISSUER);
    }

    static String roleArn(String name) {
        return "arn:aws:iam::" + ACCOUNT + ":role/" + name;
    }

    /** {@code n} associations in namespace batch, service accounts job-0.., without a roleARN (the role is ours). */
    static ClusterConfig config(int n) {
        StringBuilder yaml = new StringBuilder("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n"
                + "  name: " + CLUSTER + "\n  region: eu-west-1\n");
        if (n > 0) {
            yaml.append("iam:\n  podIdentityAssociations:\n");
        }
        for (int i = 0; i < n; i++) {
            yaml.append("    - namespace: batch\n      serviceAccountName: job-").append(i)
                    .append("\n      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n");
        }
        LoadResult loaded = ConfigLoader.withDefaults().load(yaml.toString(), "dev.yaml");
        assertFalse(loaded.hasErrors(), loaded.problems().toString());
        return loaded.config();
    }

    static EksApi.AssociationRef ref(String id, String ns, String sa) {
        return new EksApi.AssociationRef(id, "arn:aws:eks:eu-west-1:" + ACCOUNT + ":podidentityassociation/" + CLUSTER
                + "/" + id, ns, sa, null);
    }

    static ClusterState.Association described(EksApi.AssociationRef r, String role) {
        return new ClusterState.Association(r.associationId(), r.associationArn(), r.namespace(), r.serviceAccount(),
                roleArn(role), null, null, null, Map.of(), null);
    }

    /** An ACTIVE cluster with the vpc-cni add-on and the given associations (each with a role named after it). */
    static TimedCloud activeCluster(List<EksApi.AssociationRef> refs, Set<String> roles) {
        TimedCloud cloud = new TimedCloud(40);
        cloud.answer("eks:describeCluster", a -> Optional.of(cluster("ACTIVE")))
                .answer("eks:listAddons", a -> List.of("vpc-cni"))
                .answer("eks:describeAddon", a -> Optional.of(new EksApi.Addon("vpc-cni", "arn:aws:eks:eu-west-1:"
                        + ACCOUNT + ":addon/dev/vpc-cni/x", "v1.20.4-eksbuild.2", "ACTIVE", null, null, List.of(),
                        List.of(), null)))
                .answer("eks:listAssociations", a -> refs)
                .answer("eks:describeAssociation", a -> refs.stream().filter(r -> r.associationId().equals(a[1]))
                        .findFirst().map(r -> described(r, "role-" + r.serviceAccount())))
                .answer("iam:oidcProviderExists", a -> true)
                .answer("iam:listRoleNames", a -> List.copyOf(roles))
                .answer("iam:getRole", a -> roles.contains((String) a[0]) ? Optional.of(new IamRoles.IamRole(
                        roleArn((String) a[0]), (String) a[0], "/", "{}", null, Map.of())) : Optional.empty())
                .answer("iam:attachedPolicyArns", a -> List.of())
                .answer("iam:inlinePolicyNames", a -> List.of());
        return cloud;
    }

    static ClusterObserver observer(TimedCloud cloud) {
        return new ClusterObserver(cloud.eks(), cloud.iam(), PLANNER);
    }

    @Test
    @DisplayName("ListAddons and ListPodIdentityAssociations start beside DescribeCluster; the describes and the OIDC "
            + "provider follow its answer; the state is the same")
    void observe_listsBesideDescribeCluster() {
        List<EksApi.AssociationRef> refs = List.of(ref("a-00000000000000001", "web", "api"));
        TimedCloud cloud = activeCluster(refs, Set.of("role-api"))
                .answersAfter("eks:describeCluster", "eks:listAddons", "eks:listAssociations");

        ClusterState state = observer(cloud).observe(CLUSTER, config(0), Action.APPLY, List.of());

        TimedCloud.Call describe = cloud.only("eks:describeCluster");
        assertTrue(cloud.only("eks:listAddons").start() < describe.end());
        assertTrue(cloud.only("eks:listAssociations").start() < describe.end());
        for (String after : List.of("eks:describeAddon", "eks:describeAssociation", "iam:oidcProviderExists")) {
            assertTrue(cloud.only(after).start() >= describe.end(), after + " needs DescribeCluster's answer");
        }
        assertEquals(List.of("vpc-cni"), state.addons().stream().map(ClusterState.AddonState::name).toList());
        assertEquals(List.of(roleArn("role-api")), state.associations().stream()
                .map(ClusterState.Association::roleArn).toList());
        assertEquals(Set.of(roleArn("role-api")), state.roles().keySet());
        assertEquals("arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + ISSUER.substring("https://".length()),
                state.oidcProviderArn());
        assertEquals(0, cloud.calls("iam:listRoleNames").size(), "one role name: no ListRoles");
        assertEquals(0, cloud.running.get());
    }

    @Test
    @DisplayName("A missing cluster: the same NotFoundException, the listings' errors ignored, nothing left running")
    void observe_whenClusterMissing_throwsTheSameNotFound_andLeavesNothingRunning() {
        TimedCloud cloud = new TimedCloud(40)
                .answer("eks:describeCluster", a -> Optional.empty())
                .answer("eks:listAddons", a -> {
                    throw new NotFoundException("No cluster found for name: dev.");
                })
                .answer("eks:listAssociations", a -> {
                    sleep(10_000); // still in flight when DescribeCluster answers: discarded
                    return List.of();
                })
                .answersAfter("eks:describeCluster", "eks:listAddons", "eks:listAssociations");
        long start = System.nanoTime();

        NotFoundException e = assertThrows(NotFoundException.class,
                () -> observer(cloud).observe(CLUSTER, config(6), Action.APPLY, List.of()));

        assertEquals("cluster \"dev\" not found", e.getMessage());
        assertEquals(0, cloud.running.get(), "no read outlives the observation");
        assertTrue(cloud.only("eks:listAssociations").interrupted(), "the listing still running was interrupted");
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "not waited out");
    }

    @Test
    @DisplayName("A cluster being created: no add-ons and no associations whatever the listings said, nothing described")
    void observe_whenCreating_ignoresTheListings() {
        List<EksApi.AssociationRef> refs = List.of(ref("a-00000000000000001", "web", "api"));
        TimedCloud cloud = activeCluster(refs, Set.of())
                .answer("eks:describeCluster", a -> Optional.of(cluster("CREATING")))
                .answer("eks:listAddons", a -> {
                    throw new RetryableException("ListAddons: the cluster is not ready");
                });

        ClusterState state = observer(cloud).observe(CLUSTER, config(1), Action.ONBOARD, List.of());

        assertEquals(ClusterState.ClusterStatus.CREATING, state.status());
        assertEquals(List.of(), state.addons());
        assertEquals(List.of(), state.associations());
        assertEquals(List.of(), cloud.calls("eks:describeAddon"));
        assertEquals(List.of(), cloud.calls("eks:describeAssociation"));
        assertEquals(0, cloud.running.get());
    }

    @Test
    @DisplayName("An ACTIVE cluster whose ListAddons fails: the same typed error as before")
    void observe_whenListAddonsFails_throwsItsError() {
        TimedCloud cloud = activeCluster(List.of(), Set.of()).answer("eks:listAddons", a -> {
            throw new RetryableException("ListAddons: Rate exceeded");
        });

        RetryableException e = assertThrows(RetryableException.class,
                () -> observer(cloud).observe(CLUSTER, config(0), Action.APPLY, List.of()));

        assertEquals("ListAddons: Rate exceeded", e.getMessage());
        assertEquals(0, cloud.running.get());
    }

    @Test
    @DisplayName("The config alone names 6 roles: the one ListRoles starts beside DescribeCluster; only existing roles "
            + "are read")
    void observe_whenTheConfigNamesEnoughRoles_listsRolesBesideDescribeCluster() {
        String job0 = RoleNames.forAssociation(CLUSTER, "batch", "job-0");
        String job1 = RoleNames.forAssociation(CLUSTER, "batch", "job-1");
        TimedCloud cloud = activeCluster(List.of(), Set.of(job0, job1, "someone-elses"))
                .answersAfter("eks:describeCluster", "eks:listAddons", "eks:listAssociations",
                        "iam:listRoleNames");

        ClusterState state = observer(cloud).observe(CLUSTER, config(6), Action.APPLY, List.of());

        assertTrue(cloud.only("iam:listRoleNames").start() < cloud.only("eks:describeCluster").end());
        assertEquals(List.of("/"), cloud.only("iam:listRoleNames").args());
        assertEquals(new TreeSet<>(List.of(job0, job1)), cloud.calls("iam:getRole").stream()
                .map(c -> (String) c.args().getFirst()).collect(Collectors.toCollection(TreeSet::new)));
        assertEquals(Set.of(roleArn(job0), roleArn(job1)), state.roles().keySet());
        assertEquals(0, cloud.running.get());
    }

    @Test
    @DisplayName("The config names 2 roles and the cluster's associations 3 more: ListRoles after the describes, as "
            + "before; with 2 names, none")
    void observe_whenTheClusterBringsTheNamesToFive_listsRolesAfterTheDescribes() {
        List<EksApi.AssociationRef> refs = List.of(ref("a-00000000000000001", "web", "a"),
                ref("a-00000000000000002", "web", "b"), ref("a-00000000000000003", "web", "c"));
        TimedCloud cloud = activeCluster(refs, Set.of("role-a", "role-b"));

        ClusterState state = observer(cloud).observe(CLUSTER, config(2), Action.APPLY, List.of());

        long lastDescribe = cloud.calls("eks:describeAssociation").stream().mapToLong(TimedCloud.Call::end).max()
                .orElseThrow();
        assertTrue(cloud.only("iam:listRoleNames").start() >= lastDescribe,
                "the config alone names 2: the list waits for the cluster's names, as before");
        assertEquals(Set.of(roleArn("role-a"), roleArn("role-b")), state.roles().keySet());

        TimedCloud few = activeCluster(List.of(), Set.of());
        observer(few).observe(CLUSTER, config(2), Action.APPLY, List.of());
        assertEquals(List.of(), few.calls("iam:listRoleNames"), "2 names: a GetRole each, no ListRoles");
        assertEquals(2, few.calls("iam:getRole").size());
    }

    @Test
    @DisplayName("A role an association refers to: GetRole and its two policy listings at once; a role only named by "
            + "the config and missing: GetRole alone")
    void observe_referencedRolesReadInOneRound_namedMissingRolesCostOneCall() {
        List<EksApi.AssociationRef> refs = List.of(ref("a-00000000000000001", "web", "api"));
        TimedCloud cloud = activeCluster(refs, Set.of("role-api"))
                .answersAfter("iam:getRole", "iam:attachedPolicyArns", "iam:inlinePolicyNames")
                .answer("iam:attachedPolicyArns", a -> List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"))
                .answer("iam:inlinePolicyNames", a -> List.of("extra"));

        ClusterState state = observer(cloud).observe(CLUSTER, config(1), Action.APPLY, List.of());

        TimedCloud.Call getApi = cloud.calls("iam:getRole").stream().filter(c -> c.args().getFirst().equals("role-api"))
                .findFirst().orElseThrow();
        for (String listing : List.of("iam:attachedPolicyArns", "iam:inlinePolicyNames")) {
            assertEquals(List.of("role-api"), cloud.calls(listing).stream().map(c -> c.args().getFirst()).toList(),
                    listing + " of the missing named role is not read");
            assertTrue(cloud.only(listing).start() < getApi.end(), listing + " overlaps GetRole");
        }
        ClusterState.Role api = state.roles().get(roleArn("role-api"));
        assertEquals(List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"), api.managedPolicyArns());
        assertEquals(List.of("extra"), api.inlinePolicyNames());
        String named = RoleNames.forAssociation(CLUSTER, "batch", "job-0");
        assertTrue(cloud.calls("iam:getRole").stream().anyMatch(c -> c.args().getFirst().equals(named)),
                "the config's role is looked up");
        assertEquals(Set.of(roleArn("role-api")), state.roles().keySet());
        assertEquals(0, cloud.running.get());
    }

    @Test
    @DisplayName("start answers DescribeCluster's cluster before the rest is read")
    void start_answersTheDescribedCluster() {
        TimedCloud cloud = activeCluster(List.of(), Set.of());
        try (ClusterObserver.Observation observation = observer(cloud).start(CLUSTER, config(0), Action.APPLY,
                List.of())) {
            assertEquals(ACCOUNT, observation.cluster().accountId());
            assertEquals(List.of(), cloud.calls("iam:oidcProviderExists"), "the rest waits for state()");
            ClusterState state = observation.state();
            assertSame(ClusterState.ClusterStatus.ACTIVE, state.status());
        }
        assertEquals(0, cloud.running.get());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
