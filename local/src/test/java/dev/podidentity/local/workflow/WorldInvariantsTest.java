package dev.podidentity.local.workflow;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The invariant checker itself, on hand-made state dumps: each broken invariant is caught, a converged world passes. */
class WorldInvariantsTest {
    static final String OURS = WorkflowWorld.ROLE_PREFIX + "pod-identity-autopilot/c+ns+sa";
    static final String THEIRS = WorkflowWorld.ROLE_PREFIX + "theirs";
    static final String POLICY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

    static final WorldInvariants.Declared DECLARED = new WorldInvariants.Declared("c").addon("eks-pod-identity-agent")
            .createdRole("ns", "sa", POLICY).existingRole("other", "app", THEIRS);

    /** A world where the config for cluster c has converged: one role of ours, one of someone else's. */
    static ObjectNode converged() {
        return (ObjectNode) WorkflowWorld.json("""
                {"iam": {"roles": [
                   {"name": "c+ns+sa", "arn": "%s", "path": "/pod-identity-autopilot/",
                    "trustPolicy": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
                                                   "Action": ["sts:AssumeRole", "sts:TagSession"]}]},
                    "attachedPolicies": ["%s"],
                    "tags": {"pod-identity-autopilot/managed-by": "pod-identity-autopilot", "pod-identity-autopilot/cluster": "c"}},
                   {"name": "theirs", "arn": "%s", "path": "/", "trustPolicy": {}, "attachedPolicies": [],
                    "tags": {"owner": "platform"}}],
                  "policies": [], "oidcProviders": []},
                 "clusters": [{"name": "c", "status": "ACTIVE", "accessEntries": [], "serviceAccounts": [],
                   "addons": [{"name": "vpc-cni", "version": "v1"}, {"name": "eks-pod-identity-agent", "version": "v1"}],
                   "podIdentityAssociations": [
                     {"namespace": "ns", "serviceAccount": "sa", "roleArn": "%s",
                      "tags": {"pod-identity-autopilot/managed-by": "pod-identity-autopilot", "pod-identity-autopilot/cluster": "c"}},
                     {"namespace": "other", "serviceAccount": "app", "roleArn": "%s", "tags": {}}]}]}
                """.formatted(OURS, POLICY, THEIRS, OURS, THEIRS));
    }

    @Test
    void assertConverged_whenWorldIsWhatTheConfigDeclares_passes() {
        WorldInvariants.before(converged(), DECLARED).assertConverged(converged());
    }

    @Test
    void assertConverged_whenOnlyDeclaredAddonChanged_passes() {
        ObjectNode after = converged();
        ((ObjectNode) cluster(after).path("addons").get(1)).put("version", "v2");
        WorldInvariants.before(converged(), DECLARED).assertConverged(after);
    }

    @Test
    void assertNothingElseTouched_whenRoleNotOursChanged_fails() {
        ObjectNode after = converged();
        ((ObjectNode) roles(after).get(1).path("tags")).put("pod-identity-autopilot/migration", "allowed");
        assertThrows(AssertionFailedError.class, () -> WorldInvariants.before(converged(), DECLARED).assertNothingElseTouched(after));
    }

    @Test
    void assertNothingElseTouched_whenAssociationOrAddonNotOursChanged_fails() {
        ObjectNode association = converged();
        ((ObjectNode) cluster(association).path("podIdentityAssociations").get(1)).put("roleArn", OURS);
        assertThrows(AssertionFailedError.class,
                () -> WorldInvariants.before(converged(), DECLARED).assertNothingElseTouched(association));
        ObjectNode addon = converged();
        ((ObjectNode) cluster(addon).path("addons").get(0)).put("version", "v2");
        assertThrows(AssertionFailedError.class, () -> WorldInvariants.before(converged(), DECLARED).assertNothingElseTouched(addon));
    }

    @Test
    void assertConsistent_whenRoleOfOursHasNoAssociation_failsUnlessPendingPrune() {
        ObjectNode after = converged();
        ((ArrayNode) cluster(after).path("podIdentityAssociations")).remove(0);
        assertThrows(AssertionFailedError.class, () -> WorldInvariants.assertConsistent(after, "c", Set.of()));
        WorldInvariants.assertConsistent(after, "c", Set.of("c+ns+sa"));
    }

    @Test
    void assertConsistent_whenTwoAssociationsPointAtOneRoleOfOurs_fails() {
        ObjectNode after = converged();
        ((ArrayNode) cluster(after).path("podIdentityAssociations")).addObject()
                .put("namespace", "ns").put("serviceAccount", "sa2").put("roleArn", OURS);
        assertThrows(AssertionFailedError.class, () -> WorldInvariants.assertConsistent(after, "c", Set.of()));
    }

    @Test
    void assertConsistent_whenAssociationPointsAtMissingRole_fails() {
        ObjectNode after = converged();
        ((ArrayNode) roles(after)).remove(1);
        assertThrows(AssertionFailedError.class, () -> WorldInvariants.assertConsistent(after, "c", Set.of()));
    }

    @Test
    void assertDeclared_whenStaleRoleOfOursRemainsOrPolicyDiffers_fails() {
        ObjectNode stale = converged();
        ((ArrayNode) roles(stale)).addObject().put("name", "c+ns+old").put("arn", WorkflowWorld.ROLE_PREFIX + "old")
                .set("tags", WorkflowWorld.json("{\"pod-identity-autopilot/managed-by\": \"pod-identity-autopilot\","
                        + " \"pod-identity-autopilot/cluster\": \"c\"}"));
        assertThrows(AssertionFailedError.class, () -> WorldInvariants.before(converged(), DECLARED).assertDeclared(stale));
        ObjectNode policy = converged();
        ((ArrayNode) roles(policy).get(0).path("attachedPolicies")).add("arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess");
        assertThrows(AssertionFailedError.class, () -> WorldInvariants.before(converged(), DECLARED).assertDeclared(policy));
    }

    private static JsonNode roles(JsonNode state) {
        return state.path("iam").path("roles");
    }

    private static JsonNode cluster(JsonNode state) {
        return state.path("clusters").get(0);
    }
}
