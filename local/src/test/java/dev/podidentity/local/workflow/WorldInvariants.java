package dev.podidentity.local.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.app.ProjectFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What must hold of the local world after any run for one cluster, faults or not, once it has converged:
 * <ul>
 *   <li>nothing we do not own changed: every role not tagged as ours for the cluster (trust, policies, boundary,
 *       tags), customer managed policies, OIDC providers, every association not tagged as ours, every add-on the
 *       config does not declare, access entries and service accounts are as they were before the run, field for
 *       field;</li>
 *   <li>every role we own for the cluster has exactly one association pointing at it, unless the caller says it is
 *       still to be pruned;</li>
 *   <li>every association, on every cluster, points at a role that exists;</li>
 *   <li>the cluster holds exactly the associations the config declares, and we own exactly the roles it implies,
 *       each trusting EKS Pod Identity with the declared managed policies attached.</li>
 * </ul>
 * Take the snapshot with {@link #before} before the run; the run's own writes are then judged by {@link #assertConverged}.
 */
final class WorldInvariants {
    static final String MANAGED_BY = "pod-identity-autopilot/managed-by";
    static final String MANAGED_BY_VALUE = "pod-identity-autopilot";
    static final String CLUSTER_TAG = "pod-identity-autopilot/cluster";
    static final String ROLE_PATH = "/pod-identity-autopilot/";

    private final Declared declared;
    private final JsonNode notOursBefore;

    private WorldInvariants(Declared declared, JsonNode notOursBefore) {
        this.declared = declared;
        this.notOursBefore = notOursBefore;
    }

    /** What a config declares for its cluster, in the terms the world shows it. */
    static final class Declared {
        final String cluster;
        /** "namespace/serviceAccount" → role ARN. */
        final Map<String, String> associations = new TreeMap<>();
        /** Role name → managed policy ARNs, for every role we own for the cluster. */
        final Map<String, Set<String>> ownedRoles = new TreeMap<>();
        final Set<String> addons = new TreeSet<>();

        Declared(String cluster) {
            this.cluster = cluster;
        }

        /** An association with a role we create for it: name {@code cluster+namespace+sa} under our path. */
        Declared createdRole(String namespace, String serviceAccount, String... managedPolicies) {
            String name = cluster + "+" + namespace + "+" + serviceAccount;
            return ownedRole(namespace, serviceAccount, name, managedPolicies);
        }

        /** An association with a role of ours under our path, named {@code roleName}. */
        Declared ownedRole(String namespace, String serviceAccount, String roleName, String... managedPolicies) {
            associations.put(namespace + "/" + serviceAccount,
                    WorkflowWorld.ROLE_PREFIX + ROLE_PATH.substring(1) + roleName);
            ownedRoles.put(roleName, new TreeSet<>(List.of(managedPolicies)));
            return this;
        }

        /** An association with an existing role named by ARN, which we do not own. */
        Declared existingRole(String namespace, String serviceAccount, String roleArn) {
            associations.put(namespace + "/" + serviceAccount, roleArn);
            return this;
        }

        Declared addon(String name) {
            addons.add(name);
            return this;
        }
    }

    static WorldInvariants before(JsonNode state, Declared declared) {
        return new WorldInvariants(declared, notOurs(state, declared));
    }

    /** Every invariant: nothing else touched, consistent, and exactly what the config declares. */
    void assertConverged(JsonNode state) {
        assertNothingElseTouched(state);
        assertConsistent(state, declared.cluster, Set.of());
        assertDeclared(state);
    }

    void assertNothingElseTouched(JsonNode state) {
        JsonNode after = notOurs(state, declared);
        assertEquals(notOursBefore.toPrettyString(), after.toPrettyString(),
                "something the application does not own was changed");
    }

    /** No role of ours without exactly one association, no association pointing at a missing role. */
    static void assertConsistent(JsonNode state, String cluster, Set<String> pendingPrune) {
        Map<String, String> roleArns = new LinkedHashMap<>();
        state.path("iam").path("roles").forEach(r -> roleArns.put(r.path("arn").asText(), r.path("name").asText()));
        List<String> problems = new ArrayList<>();
        for (JsonNode c : state.path("clusters")) {
            for (JsonNode a : c.path("podIdentityAssociations")) {
                if (!roleArns.containsKey(a.path("roleArn").asText())) {
                    problems.add("association " + c.path("name").asText() + ":" + a.path("namespace").asText() + "/"
                            + a.path("serviceAccount").asText() + " points at a missing role " + a.path("roleArn").asText());
                }
            }
        }
        JsonNode associations = WorkflowWorld.cluster(state, cluster).path("podIdentityAssociations");
        for (JsonNode role : state.path("iam").path("roles")) {
            if (!ownedFor(role.path("tags"), cluster) || pendingPrune.contains(role.path("name").asText())) {
                continue;
            }
            List<String> pointing = new ArrayList<>();
            associations.forEach(a -> {
                if (a.path("roleArn").asText().equals(role.path("arn").asText())) {
                    pointing.add(a.path("namespace").asText() + "/" + a.path("serviceAccount").asText());
                }
            });
            if (pointing.size() != 1) {
                problems.add("role " + role.path("name").asText() + " (ours) has " + pointing.size()
                        + " associations pointing at it, not exactly one: " + pointing);
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /** The cluster holds what the config declares: its associations, our roles and the declared add-ons. */
    void assertDeclared(JsonNode state) {
        String cluster = declared.cluster;
        Map<String, String> actual = new TreeMap<>();
        WorkflowWorld.cluster(state, cluster).path("podIdentityAssociations").forEach(a -> actual.put(
                a.path("namespace").asText() + "/" + a.path("serviceAccount").asText(), a.path("roleArn").asText()));
        assertEquals(declared.associations, actual, "associations on " + cluster);

        Set<String> owned = new TreeSet<>();
        state.path("iam").path("roles").forEach(r -> {
            if (ownedFor(r.path("tags"), cluster)) {
                owned.add(r.path("name").asText());
            }
        });
        assertEquals(declared.ownedRoles.keySet(), owned, "roles we own for " + cluster);
        declared.ownedRoles.forEach((name, policies) -> {
            JsonNode role = WorkflowWorld.requireRole(state, name);
            assertEquals(ROLE_PATH, role.path("path").asText(), name);
            assertTrue(trustsPodIdentity(role.path("trustPolicy")), () -> name + " does not trust pods.eks.amazonaws.com: "
                    + role.path("trustPolicy"));
            Set<String> attached = new TreeSet<>();
            role.path("attachedPolicies").forEach(p -> attached.add(p.asText()));
            if (!policies.isEmpty()) {
                assertEquals(policies, attached, name + " managed policies");
            }
        });
        Set<String> addons = new TreeSet<>(WorkflowWorld.addonNames(state, cluster));
        assertTrue(addons.containsAll(declared.addons), () -> cluster + " add-ons " + addons + " lack some of "
                + declared.addons);
    }

    static boolean ownedFor(JsonNode tags, String cluster) {
        return MANAGED_BY_VALUE.equals(tags.path(MANAGED_BY).asText()) && cluster.equals(tags.path(CLUSTER_TAG).asText());
    }

    private static boolean trustsPodIdentity(JsonNode trust) {
        for (JsonNode statement : trust.path("Statement")) {
            JsonNode service = statement.path("Principal").path("Service");
            boolean pods = service.isArray() ? service.toString().contains("\"pods.eks.amazonaws.com\"")
                    : "pods.eks.amazonaws.com".equals(service.asText());
            if (pods && "Allow".equals(statement.path("Effect").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Everything in the state dump the application must not change when it runs for {@code declared.cluster}. */
    private static JsonNode notOurs(JsonNode state, Declared declared) {
        ObjectNode out = ProjectFiles.JSON.createObjectNode();
        ArrayNode roles = out.putArray("roles");
        state.path("iam").path("roles").forEach(r -> {
            if (!ownedFor(r.path("tags"), declared.cluster)) {
                roles.add(r);
            }
        });
        out.set("policies", state.path("iam").path("policies"));
        out.set("oidcProviders", state.path("iam").path("oidcProviders"));
        ArrayNode clusters = out.putArray("clusters");
        for (JsonNode c : state.path("clusters")) {
            ObjectNode kept = clusters.addObject();
            // not the status: a CREATING cluster turns ACTIVE when its time has come, as on AWS, run or no run
            for (String field : List.of("name", "arn", "version", "autoMode", "oidcIssuer", "accessEntries",
                    "serviceAccounts")) {
                kept.set(field, c.path(field));
            }
            boolean theCluster = declared.cluster.equals(c.path("name").asText());
            ArrayNode addons = kept.putArray("addons");
            c.path("addons").forEach(a -> {
                if (!theCluster || !declared.addons.contains(a.path("name").asText())) {
                    addons.add(a);
                }
            });
            ArrayNode associations = kept.putArray("podIdentityAssociations");
            c.path("podIdentityAssociations").forEach(a -> {
                if (!ownedFor(a.path("tags"), declared.cluster)) {
                    associations.add(a);
                }
            });
        }
        return out;
    }
}
