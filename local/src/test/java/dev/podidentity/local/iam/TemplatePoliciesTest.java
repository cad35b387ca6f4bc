package dev.podidentity.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.local.app.ProjectFiles;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** template.yaml's function roles, translated by SAM and resolved for a deployment's parameters. */
class TemplatePoliciesTest {
    static final JsonNode TRANSLATED = SamTranslation.of(ProjectFiles.root());
    /** What Ref of the stack's default permissions boundary (a managed policy) resolves to: its ARN. */
    static final String DEFAULT_BOUNDARY = "arn:aws:iam::111122223333:policy/pod-identity-autopilot-boundary";

    static TemplatePolicies deployed(Map<String, String> parameters) {
        return new TemplatePolicies(TRANSLATED, new TemplatePolicies.Deployment("111122223333", "us-west-2",
                "pod-identity-autopilot", parameters, key -> Optional.of(switch (key) {
                    case "ConfigBucket" -> "cfg";
                    case "ConfigBucket.Arn" -> "arn:aws:s3:::cfg";
                    case "PodIdentityStateMachine" -> "arn:aws:states:us-west-2:111122223333:stateMachine:pod-identity-autopilot-runs";
                    case "ClusterLockTable.Arn" -> "arn:aws:dynamodb:us-west-2:111122223333:table/locks";
                    case "DispatchFailureQueue.Arn" -> "arn:aws:sqs:us-west-2:111122223333:dlq";
                    case "DefaultPermissionsBoundary" -> DEFAULT_BOUNDARY;
                    default -> "local-" + key;
                })));
    }

    static boolean allowed(TemplatePolicies p, String function, RequestContext request) {
        return PolicyEvaluator.evaluate(p.statements(function), request).allowed();
    }

    @Test
    void everyFunctionHasItsRole_includingWhatSamAddsForEventInvokeDestinations() {
        TemplatePolicies p = deployed(Map.of());
        assertTrue(p.functions().containsAll(List.of("ResolveFunction", "AssociationFunction", "AddonFunction", "PruneFunction",
                "DispatcherFunction", "LockFunction", "ReportFunction", "SweepFunction")), p.functions().toString());
        assertEquals("DispatcherFunctionRole", p.roleOf("DispatcherFunction"));
        // SAM's EventInvokeConfig OnFailure destination: the function role may send to the dead-letter queue.
        assertTrue(allowed(p, "DispatcherFunction", RequestContext.of("sqs:SendMessage", "arn:aws:sqs:us-west-2:111122223333:dlq")));
        assertFalse(allowed(p, "ResolveFunction", RequestContext.of("sqs:SendMessage", "arn:aws:sqs:us-west-2:111122223333:dlq")));
    }

    @Test
    void subAndGetAtt_resolveToTheDeploymentsResources() {
        TemplatePolicies p = deployed(Map.of());
        assertTrue(allowed(p, "ResolveFunction", RequestContext.of("s3:GetObject", "arn:aws:s3:::cfg/clusters/dev.yaml")));
        assertFalse(allowed(p, "ResolveFunction", RequestContext.of("s3:GetObject", "arn:aws:s3:::other/clusters/dev.yaml")));
        assertTrue(allowed(p, "LockFunction", RequestContext.of("dynamodb:UpdateItem", "arn:aws:dynamodb:us-west-2:111122223333:table/locks")));
        assertFalse(allowed(p, "LockFunction", RequestContext.of("dynamodb:DeleteItem", "arn:aws:dynamodb:us-west-2:111122223333:table/locks")),
                "a release keeps the item: the lock deletes nothing");
        assertTrue(allowed(p, "ResolveFunction", RequestContext.of("eks:DescribeCluster", "arn:aws:eks:us-west-2:111122223333:cluster/dev")));
        assertFalse(allowed(p, "ResolveFunction", RequestContext.of("eks:DescribeCluster", "arn:aws:eks:eu-west-1:111122223333:cluster/dev")));
    }

    @Test
    void theRolePathParameter_confinesRoleWrites() {
        // a create the product makes: owned by tag and carrying the stack's default boundary (no boundary parameter)
        RequestContext create = new RequestContext("iam:CreateRole", "arn:aws:iam::111122223333:role/custom/app",
                Map.of("aws:RequestTag/pod-identity-autopilot/managed-by", List.of("pod-identity-autopilot"),
                        "aws:TagKeys", List.of("pod-identity-autopilot/managed-by"),
                        "iam:PermissionsBoundary", List.of(DEFAULT_BOUNDARY)));
        assertFalse(allowed(deployed(Map.of()), "AssociationFunction", create));
        assertTrue(allowed(deployed(Map.of("RolePath", "/custom/")), "AssociationFunction", create));
    }

    @Test
    void deniedPolicyArns_aListParameter_becomesTheConditionsValues() {
        RequestContext attach = new RequestContext("iam:AttachRolePolicy",
                "arn:aws:iam::111122223333:role/pod-identity-autopilot/app",
                Map.of("iam:PolicyARN", List.of("arn:aws:iam::aws:policy/PowerUserAccess"),
                        "aws:ResourceTag/pod-identity-autopilot/managed-by", List.of("pod-identity-autopilot")));
        assertEquals(PolicyEvaluator.Effect.EXPLICIT_DENY,
                PolicyEvaluator.evaluate(deployed(Map.of()).statements("AssociationFunction"), attach).effect());
        TemplatePolicies lenient = deployed(Map.of("DeniedPolicyArns", "arn:aws:iam::aws:policy/AdministratorAccess"));
        assertFalse(PolicyEvaluator.evaluate(lenient.statements("AssociationFunction"), attach).effect()
                == PolicyEvaluator.Effect.EXPLICIT_DENY);
    }

    @Test
    void theStacksOwnPolicies_areNeverAttachedToARole() {
        RequestContext attach = new RequestContext("iam:AttachRolePolicy",
                "arn:aws:iam::111122223333:role/pod-identity-autopilot/app",
                Map.of("iam:PolicyARN", List.of("arn:aws:iam::111122223333:policy/pod-identity-autopilot-internal/"
                                + "pod-identity-autopilot-WriteBatchOutcomesPolicy-1A2B3C"),
                        "aws:ResourceTag/pod-identity-autopilot/managed-by", List.of("pod-identity-autopilot")));
        TemplatePolicies lenient = deployed(Map.of("DeniedPolicyArns", "arn:aws:iam::aws:policy/AdministratorAccess"));
        for (String function : List.of("AssociationFunction", "AddonFunction")) {
            assertEquals(PolicyEvaluator.Effect.EXPLICIT_DENY,
                    PolicyEvaluator.evaluate(lenient.statements(function), attach).effect(), function);
        }
        RequestContext workloadPolicy = new RequestContext("iam:AttachRolePolicy", attach.resource(),
                Map.of("iam:PolicyARN", List.of("arn:aws:iam::111122223333:policy/team/orders-reader"),
                        "aws:ResourceTag/pod-identity-autopilot/managed-by", List.of("pod-identity-autopilot")));
        assertFalse(PolicyEvaluator.evaluate(lenient.statements("AssociationFunction"), workloadPolicy).effect()
                == PolicyEvaluator.Effect.EXPLICIT_DENY);
    }

    @Test
    void aPermissionsBoundaryParameter_isRequiredOnCreateRole() {
        String boundary = "arn:aws:iam::111122223333:policy/workload-boundary";
        TemplatePolicies p = deployed(Map.of("PermissionsBoundaryArn", boundary));
        Map<String, List<String>> tags = Map.of("aws:RequestTag/pod-identity-autopilot/managed-by", List.of("pod-identity-autopilot"),
                "aws:TagKeys", List.of("pod-identity-autopilot/managed-by"));
        String role = "arn:aws:iam::111122223333:role/pod-identity-autopilot/app";
        assertFalse(allowed(p, "AssociationFunction", new RequestContext("iam:CreateRole", role, tags)));
        java.util.Map<String, List<String>> withBoundary = new java.util.HashMap<>(tags);
        withBoundary.put("iam:PermissionsBoundary", List.of(boundary));
        assertTrue(allowed(p, "AssociationFunction", new RequestContext("iam:CreateRole", role, withBoundary)));
    }

    // ---- issue 13: the IAM second line, judged by the policy engine on the translated template ------------------

    static final String OWNED = "aws:ResourceTag/pod-identity-autopilot/managed-by";
    static final String PATH_ROLE = "arn:aws:iam::111122223333:role/pod-identity-autopilot/someone-elses";
    static final String ADMIN_ROLE = "arn:aws:iam::111122223333:role/admin";

    static RequestContext call(String action, String resource, Map<String, List<String>> keys) {
        return new RequestContext(action, resource, keys);
    }

    @Test
    void roleWriters_cannotGiveThemselvesOwnershipOfARole_butMayTagTheirOwn() {
        TemplatePolicies p = deployed(Map.of());
        for (String function : List.of("AssociationFunction", "AddonFunction")) {
            // the attack: a role under the path nobody marked ours, tagged managed-by so that later writes pass
            assertFalse(allowed(p, function, call("iam:TagRole", PATH_ROLE, Map.of(
                    "aws:TagKeys", List.of("pod-identity-autopilot/managed-by"),
                    "aws:RequestTag/pod-identity-autopilot/managed-by", List.of("pod-identity-autopilot")))), function);
            // not even on a role already ours, nor the administrator's marks
            for (String key : List.of("pod-identity-autopilot/managed-by", "pod-identity-autopilot/cluster",
                    "pod-identity-autopilot/assignable", "pod-identity-autopilot/migration")) {
                assertEquals(PolicyEvaluator.Effect.EXPLICIT_DENY, PolicyEvaluator.evaluate(p.statements(function),
                        call("iam:TagRole", PATH_ROLE, Map.of("aws:TagKeys", List.of(key),
                                OWNED, List.of("pod-identity-autopilot")))).effect(), function + " " + key);
            }
            // the allowed twin: converging a config's own tag on a role we own
            assertTrue(allowed(p, function, call("iam:TagRole", PATH_ROLE, Map.of("aws:TagKeys", List.of("team"),
                    OWNED, List.of("pod-identity-autopilot")))), function);
        }
    }

    @Test
    void trustPolicyFunction_rewritesOnlyTheTrustOfOwnedOrMigrationTaggedRoles() {
        TemplatePolicies p = deployed(Map.of());
        assertFalse(allowed(p, "TrustPolicyFunction", call("iam:UpdateAssumeRolePolicy", PATH_ROLE, Map.of())));
        assertFalse(allowed(p, "TrustPolicyFunction", call("iam:UpdateAssumeRolePolicy", ADMIN_ROLE, Map.of())));
        assertTrue(allowed(p, "TrustPolicyFunction", call("iam:UpdateAssumeRolePolicy", PATH_ROLE,
                Map.of(OWNED, List.of("pod-identity-autopilot")))));
        assertTrue(allowed(p, "TrustPolicyFunction", call("iam:UpdateAssumeRolePolicy", ADMIN_ROLE,
                Map.of("aws:ResourceTag/pod-identity-autopilot/migration", List.of("allowed")))));
        // the role writers converge trust of roles they own only
        assertFalse(allowed(p, "AssociationFunction", call("iam:UpdateAssumeRolePolicy", PATH_ROLE, Map.of())));
        assertTrue(allowed(p, "AssociationFunction", call("iam:UpdateAssumeRolePolicy", PATH_ROLE,
                Map.of(OWNED, List.of("pod-identity-autopilot")))));
    }

    @Test
    void withNoBoundaryParameter_aRoleIsCreatedOrGivenPoliciesOnlyUnderTheDefaultBoundary() {
        TemplatePolicies p = deployed(Map.of());
        String role = "arn:aws:iam::111122223333:role/pod-identity-autopilot/app";
        Map<String, List<String>> tags = Map.of("aws:RequestTag/pod-identity-autopilot/managed-by",
                List.of("pod-identity-autopilot"), "aws:TagKeys", List.of("pod-identity-autopilot/managed-by"));
        for (String function : List.of("AssociationFunction", "AddonFunction")) {
            // the attack: a role without a boundary (or with one of the attacker's), then any inline policy
            assertFalse(allowed(p, function, call("iam:CreateRole", role, tags)), function);
            java.util.Map<String, List<String>> other = new java.util.HashMap<>(tags);
            other.put("iam:PermissionsBoundary", List.of("arn:aws:iam::111122223333:policy/wide-open"));
            assertFalse(allowed(p, function, call("iam:CreateRole", role, other)), function);
            assertFalse(allowed(p, function, call("iam:PutRolePolicy", role, Map.of(OWNED,
                    List.of("pod-identity-autopilot")))), function);
            // the allowed twin: the stack's default boundary
            java.util.Map<String, List<String>> bounded = new java.util.HashMap<>(tags);
            bounded.put("iam:PermissionsBoundary", List.of(DEFAULT_BOUNDARY));
            assertTrue(allowed(p, function, call("iam:CreateRole", role, bounded)), function);
            assertTrue(allowed(p, function, call("iam:PutRolePolicy", role, Map.of(OWNED,
                    List.of("pod-identity-autopilot"), "iam:PermissionsBoundary", List.of(DEFAULT_BOUNDARY)))), function);
        }
    }

    @Test
    void passRole_handsPodsOnlyRolesSomeoneGranted() {
        Map<String, List<String>> toPods = Map.of("iam:PassedToService", List.of("pods.eks.amazonaws.com"));
        TemplatePolicies byDefault = deployed(Map.of());
        for (String function : List.of("AssociationFunction", "AddonFunction")) {
            // the attacks: an admin role, and a role of ours passed to another service
            assertFalse(allowed(byDefault, function, call("iam:PassRole", ADMIN_ROLE, toPods)), function);
            assertFalse(allowed(byDefault, function, call("iam:PassRole", PATH_ROLE,
                    Map.of("iam:PassedToService", List.of("lambda.amazonaws.com")))), function);
            // the allowed twins: the role path, a role marked assignable, a pattern, eksctl's behaviour restored
            assertTrue(allowed(byDefault, function, call("iam:PassRole", PATH_ROLE, toPods)), function);
            assertTrue(allowed(byDefault, function, call("iam:PassRole", ADMIN_ROLE, Map.of(
                    "iam:PassedToService", List.of("pods.eks.amazonaws.com"),
                    "aws:ResourceTag/pod-identity-autopilot/assignable", List.of("true")))), function);
            assertTrue(allowed(deployed(Map.of("AllowedRoleArnPatterns", "arn:aws:iam::111122223333:role/team-*")),
                    function, call("iam:PassRole", "arn:aws:iam::111122223333:role/team-a", toPods)), function);
            assertFalse(allowed(deployed(Map.of("AllowedRoleArnPatterns", "arn:aws:iam::111122223333:role/team-*")),
                    function, call("iam:PassRole", ADMIN_ROLE, toPods)), function);
            assertTrue(allowed(deployed(Map.of("AllowUnmarkedRoles", "true")), function,
                    call("iam:PassRole", ADMIN_ROLE, toPods)), function);
        }
        // No other function passes roles at all.
        for (String function : List.of("ResolveFunction", "TrustPolicyFunction", "PruneFunction", "SweepFunction")) {
            assertFalse(allowed(byDefault, function, call("iam:PassRole", PATH_ROLE, toPods)), function);
        }
    }

    @Test
    void aStatementGroupTheStackShares_isInEveryRoleThatNamesIt_andOnlyThere() {
        TemplatePolicies p = deployed(Map.of());
        RequestContext writeOutcomes = RequestContext.of("s3:PutObject", "arn:aws:s3:::cfg/runs/dev/run-1/outcomes/0.json");
        for (String function : List.of("TrustPolicyFunction", "AssociationFunction", "AddonFunction", "PruneFunction")) {
            // named by !Ref in the function's Policies; its origin says which managed policy of the stack
            assertTrue(p.statements(function).stream().anyMatch(s -> s.origin().equals(
                    p.roleOf(function) + "/WriteBatchOutcomesPolicy/WriteBatchOutcomes")), function);
            assertTrue(allowed(p, function, writeOutcomes), function);
        }
        assertFalse(allowed(p, "ReportFunction", writeOutcomes), "Report reads run artifacts but writes no outcomes");
        assertTrue(allowed(p, "ReportFunction", RequestContext.of("s3:GetObject", "arn:aws:s3:::cfg/runs/dev/run-1/plan.json")));
        assertFalse(allowed(p, "ResolveFunction", writeOutcomes));
        assertEquals("arn:aws:s3:::cfg/runs/*/outcomes/*",
                p.managedPolicyDocument("WriteBatchOutcomesPolicy").at("/Statement/0/Resource").asText(),
                "the document, resolved for the deployment, is what the local cloud creates");
    }

    /**
     * IAM quotas: a managed policy holds at most 6,144 characters (white space not counted), and a role takes 10
     * managed policies unless the account's quota was raised. The shared policies stay within both, also with a
     * configured boundary, role ARN patterns and 40 denied policies.
     */
    @Test
    void sharedPolicies_fitIamsQuotas_alsoWithLongParameters() {
        String denied = java.util.stream.IntStream.range(0, 40)
                .mapToObj(i -> "arn:aws:iam::aws:policy/SomeBroadAccessPolicyNumber" + i)
                .collect(java.util.stream.Collectors.joining(","));
        String patterns = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> "arn:aws:iam::111122223333:role/team-" + i + "/workloads/*")
                .collect(java.util.stream.Collectors.joining(","));
        List<String> shared = new java.util.ArrayList<>();
        TRANSLATED.path("Resources").properties().forEach(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::IAM::ManagedPolicy")) {
                shared.add(r.getKey());
            }
        });
        assertTrue(shared.containsAll(List.of("ManageOwnedRolesPolicy", "RoleWriteGuardsPolicy")), shared.toString());
        for (Map<String, String> parameters : List.of(Map.<String, String>of(), Map.of("DeniedPolicyArns", denied,
                "PermissionsBoundaryArn", "arn:aws:iam::111122223333:policy/platform/workload-permissions-boundary",
                "AllowedRoleArnPatterns", patterns))) {
            TemplatePolicies p = deployed(parameters);
            for (String id : shared) {
                int size = p.managedPolicyDocument(id).toString().replaceAll("\\s", "").length();
                assertTrue(size <= 6144, id + " has " + size + " characters with " + parameters.keySet());
            }
        }
        TRANSLATED.path("Resources").properties().forEach(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::IAM::Role")) {
                int attached = r.getValue().path("Properties").path("ManagedPolicyArns").size();
                assertTrue(attached <= 10, r.getKey() + " attaches " + attached + " managed policies");
            }
        });
    }

    @Test
    void aStackManagedPolicyTheDeploymentDoesNotCreate_isRefusedNamingIt() throws Exception {
        JsonNode translated = ProjectFiles.JSON.readTree("""
                {"Conditions": {"Never": {"Fn::Equals": ["a", "b"]}},
                 "Resources": {
                   "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Role": {"Fn::GetAtt": ["FnRole", "Arn"]}}},
                   "FnRole": {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": [{"Ref": "Shared"}]}},
                   "Shared": {"Type": "AWS::IAM::ManagedPolicy", "Condition": "Never", "Properties": {"PolicyDocument":
                     {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}}}}
                """);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TemplatePolicies(translated,
                new TemplatePolicies.Deployment("111122223333", "us-west-2", "s", Map.of(), key -> Optional.empty())));
        assertEquals("FnRole attaches Shared, which this deployment does not create (its condition Never is false)",
                e.getMessage());
    }

    @Test
    void aMisspeltParameter_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> deployed(Map.of("RolePth", "/x/")));
        assertTrue(e.getMessage().contains("RolePth"), e.getMessage());
    }
}
