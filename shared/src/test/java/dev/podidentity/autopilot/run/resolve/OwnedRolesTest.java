package dev.podidentity.autopilot.run.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.naming.RoleNames;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Plan;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.IamRoles;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Reclaiming on apply reads only the roles that may be the cluster's: the role path holds every cluster's roles, and
 * a name this application made for another cluster is not read; the rest are read at once, and the outcome is the
 * same as reading them all one after another.
 */
class OwnedRolesTest {
    static final String PATH = "/pod-identity-autopilot/";
    static final String ACCOUNT = "111122223333";
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    /** Roles under the path: name to (tags, creation time); GetRole calls counted, with the most at once. */
    static final class Roles {
        final Map<String, Map<String, String>> tags = new LinkedHashMap<>();
        final Map<String, Instant> created = new LinkedHashMap<>();
        final Set<String> read = ConcurrentHashMap.newKeySet();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();

        void add(String name, Map<String, String> roleTags, Instant createdAt) {
            tags.put(name, roleTags);
            created.put(name, createdAt);
        }

        IamRoles api() {
            return (IamRoles) Proxy.newProxyInstance(IamRoles.class.getClassLoader(), new Class<?>[] {IamRoles.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "listRoles" -> {
                            List<IamRoles.RoleSummary> out = new ArrayList<>();
                            created.forEach((name, at) -> out.add(new IamRoles.RoleSummary(name, arn(name), at)));
                            yield out;
                        }
                        case "getRole" -> {
                            String name = (String) args[0];
                            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            try {
                                Thread.sleep(20);
                                read.add(name);
                                yield Optional.of(new IamRoles.IamRole(arn(name), name, PATH,
                                        "{\"Statement\":[{\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"}}]}",
                                        null, tags.get(name)));
                            } finally {
                                inFlight.decrementAndGet();
                            }
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    static String arn(String name) {
        return "arn:aws:iam::" + ACCOUNT + ":role" + PATH + name;
    }

    @Test
    void unused_readsOnlyTheRolesThatMayBeTheClusters_atOnce_andReclaimsTheOldUnusedOnes() {
        Roles roles = new Roles();
        Instant old = NOW.minus(Duration.ofDays(2));
        // 40 roles of other clusters (their names say so), which are never read
        for (int i = 0; i < 20; i++) {
            roles.add(RoleNames.forAssociation("prod", "ns" + i, "app"), OwnershipTags.forAssociation("prod", "ns" + i, "app"), old);
            roles.add(RoleNames.forAddon("staging", "addon" + i, "sa"), OwnershipTags.forAddon("staging", "addon" + i, "sa"), old);
        }
        // dev's: one in use by an association, two unused and old, one unused and young
        String used = RoleNames.forAssociation("dev", "default", "used");
        String stale1 = RoleNames.forAssociation("dev", "default", "stale1");
        String stale2 = RoleNames.forAddon("dev", "vpc-cni", "aws-node");
        String young = RoleNames.forAssociation("dev", "default", "young");
        roles.add(used, OwnershipTags.forAssociation("dev", "default", "used"), old);
        roles.add(stale1, OwnershipTags.forAssociation("dev", "default", "stale1"), old);
        roles.add(stale2, OwnershipTags.forAddon("dev", "vpc-cni", "aws-node"), old);
        roles.add(young, OwnershipTags.forAssociation("dev", "default", "young"), NOW.minus(Duration.ofMinutes(3)));
        // a user-named role of ours (roleName in a config) says nothing by its name: read, and prod's by its tags
        roles.add("team-s3-reader", OwnershipTags.forAssociation("prod", "data", "reader"), old);

        ClusterState observed = new ClusterState("dev", ACCOUNT, "eu-west-1", "aws", ClusterState.ClusterStatus.ACTIVE,
                false, null, new ClusterState.Agent("v1", "ACTIVE"), List.of(),
                List.of(new ClusterState.Association("a-1", "arn:aws:eks:eu-west-1:" + ACCOUNT
                        + ":podidentityassociation/dev/a-1", "default", "used", arn(used), null, null, null, Map.of(),
                        null)),
                Map.of(), List.of(), List.of());
        Plan plan = new Plan("dev", Action.APPLY, false, List.of(), List.of(), List.of());

        OwnedRoles.Reclaim found = new OwnedRoles(roles.api(), PATH).unused("dev", plan, observed,
                Duration.ofMinutes(30), NOW);

        assertEquals(new TreeSet<>(List.of(stale1, stale2, young, "team-s3-reader")), new TreeSet<>(roles.read),
                "only the roles that may be dev's are read");
        assertTrue(roles.mostAtOnce.get() > 1 && roles.mostAtOnce.get() <= OwnedRoles.READS_AT_ONCE,
                "read at once, at most " + OwnedRoles.READS_AT_ONCE + ": " + roles.mostAtOnce.get());
        List<String> reclaimed = found.steps().stream().map(s -> ((Step.DeleteAssociation) s).deleteRoleArn()).toList();
        assertEquals(List.of(arn(stale1), arn(stale2)), reclaimed, "in the listing's order");
        assertEquals(1, found.kept().size(), found.kept().toString());
        assertTrue(found.kept().get(0).contains(young), found.kept().toString());
    }
}
