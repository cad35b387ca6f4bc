package dev.podidentity.local.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.AwsIamRoles;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.NotOwnedException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.execute.RoleEnsurer;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.plan.DesiredRole;
import dev.podidentity.autopilot.policy.PolicyDocument;
import dev.podidentity.autopilot.policy.Principal;
import dev.podidentity.autopilot.policy.Statement;
import dev.podidentity.autopilot.policy.TrustPolicies;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.gateway.FaultRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RoleEnsurer against moto's IAM through the gateway: create, adopt + converge, refuse, rerun without writes. */
class RoleEnsurerTest {
    private static final String CLUSTER = "dev-cluster";
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static AwsClients clients;
    private static AwsIamRoles iam;
    private static RoleEnsurer roles;

    @BeforeAll
    static void clients() {
        roles = LocalAws.executors(clients).roles();
    }

    @BeforeEach
    void counters() {
        cloud.faults().clear();
    }

    private static DesiredRole cart(String name) {
        return LocalAws.toCreate(CLUSTER, name, "shop", "cart", List.of(LocalAws.POLICY_S3_READ),
                Map.of("sqs", LocalAws.SQS_POLICY), LocalAws.BOUNDARY);
    }

    @Test
    @DisplayName("CREATE: role with the pods trust only, path, boundary, our tags merged, managed + inline policies")
    void ensure_whenCreate_createsRoleWithTrustPathBoundaryTagsAndPolicies() {
        RoleEnsurer.EnsuredRole result = roles.ensure(CLUSTER, cart("ensure-create"));

        assertEquals(Outcome.Result.CREATED, result.result());
        assertEquals(LocalAws.roleArn("/pod-identity-autopilot/", "ensure-create"), result.arn());
        var role = iam.getRole("ensure-create").orElseThrow();
        PolicyDocument trust = PolicyDocument.parse(role.trustPolicyJson());
        assertEquals(1, trust.statements().size());
        Statement pods = trust.statements().getFirst();
        assertEquals(List.of("pods.eks.amazonaws.com"), pods.principal().values(Principal.SERVICE));
        assertEquals(List.of("sts:AssumeRole", "sts:TagSession"), pods.actions());
        assertEquals("/pod-identity-autopilot/", role.path());
        assertEquals(LocalAws.BOUNDARY, role.permissionsBoundaryArn());
        assertTrue(OwnershipTags.isOwnedBy(role.tags(), CLUSTER));
        assertEquals("payments", role.tags().get("team"));
        assertEquals(List.of(LocalAws.POLICY_S3_READ), iam.attachedPolicyArns("ensure-create"));
        assertEquals(PolicyDocument.parse(LocalAws.SQS_POLICY), PolicyDocument.parse(iam.inlinePolicy("ensure-create", "sqs").orElseThrow()));
        assertEquals(1, cloud.calls().count("iam", "CreateRole"));
    }

    /** Issue 13: a role made for one service account trusts pods only for that cluster, namespace and account. */
    @Test
    @DisplayName("CREATE with session tags on: trust scoped to the cluster, namespace, service account and account")
    void ensure_whenScopedTrust_createsTrustWithTheDocumentedSessionTagConditions() {
        DesiredRole scoped = scoped(cart("ensure-scoped"));

        roles.ensure(CLUSTER, scoped);

        Statement pods = PolicyDocument.parse(iam.getRole("ensure-scoped").orElseThrow().trustPolicyJson())
                .statements().getFirst();
        assertEquals(List.of(LocalAws.ACCOUNT), pods.condition("StringEquals", "aws:SourceAccount"));
        assertEquals(List.of(CLUSTER), pods.condition("StringEquals", "aws:RequestTag/eks-cluster-name"));
        assertEquals(List.of("shop"), pods.condition("StringEquals", "aws:RequestTag/kubernetes-namespace"));
        assertEquals(List.of("cart"), pods.condition("StringEquals", "aws:RequestTag/kubernetes-service-account"));
    }

    @Test
    @DisplayName("An owned role with the open pods trust converges to the scoped one, once")
    void ensure_whenOwnedRoleHasOpenTrust_scopesItAndThenLeavesItAlone() {
        roles.ensure(CLUSTER, cart("ensure-rescope"));
        DesiredRole scoped = scoped(cart("ensure-rescope"));

        RoleEnsurer.EnsuredRole first = roles.ensure(CLUSTER, scoped);
        cloud.calls().reset();
        RoleEnsurer.EnsuredRole again = roles.ensure(CLUSTER, scoped);

        assertEquals(Outcome.Result.UPDATED, first.result());
        assertTrue(first.changes().stream().anyMatch(c -> c.startsWith("trust: pods.eks.amazonaws.com scoped")),
                first.changes().toString());
        assertEquals(1, PolicyDocument.parse(iam.getRole("ensure-rescope").orElseThrow().trustPolicyJson())
                .statements().size());
        assertEquals(Outcome.Result.UNCHANGED, again.result());
        assertEquals(0, cloud.calls().writes("iam"), cloud.calls().snapshot().toString());
    }

    /**
     * Issue 13, as the planner asks it: a role an earlier apply made with the open pods trust, whose permissions are
     * right, is planned UPDATE_TRUST; the executor rewrites only its trust, and the same step again writes nothing.
     */
    @Test
    @DisplayName("UPDATE_TRUST: the open pods trust of an owned role becomes the scoped one; the rerun writes nothing")
    void ensure_whenUpdateTrust_rewritesOnlyTheTrustAndTheRerunMakesNoWrite() {
        roles.ensure(CLUSTER, cart("ensure-update-trust"));
        DesiredRole planned = mode(scoped(cart("ensure-update-trust")), DesiredRole.Mode.UPDATE_TRUST);
        cloud.calls().reset();

        RoleEnsurer.EnsuredRole first = roles.ensure(CLUSTER, planned);
        long firstWrites = cloud.calls().writes("iam");
        long trustWrites = cloud.calls().count("iam", "UpdateAssumeRolePolicy");
        cloud.calls().reset();
        RoleEnsurer.EnsuredRole again = roles.ensure(CLUSTER, planned);

        assertEquals(Outcome.Result.UPDATED, first.result());
        assertEquals(List.of("trust: pods.eks.amazonaws.com scoped to cluster dev-cluster and cart"), first.changes());
        assertEquals(1, firstWrites, "one write: the trust");
        assertEquals(1, trustWrites);
        assertEquals(PolicyDocument.of(TrustPolicies.scopedPodIdentityStatement(
                        dev.podidentity.autopilot.naming.Partition.AWS, LocalAws.ACCOUNT, CLUSTER, "shop", "cart")),
                PolicyDocument.parse(iam.getRole("ensure-update-trust").orElseThrow().trustPolicyJson()));
        assertEquals(Outcome.Result.UNCHANGED, again.result());
        assertEquals(0, cloud.calls().writes("iam"), cloud.calls().snapshot().toString());
    }

    @Test
    @DisplayName("Session tags turned off: our scoped statement goes back to the plain one, once")
    void ensure_whenSessionTagsTurnedOff_putsThePlainStatementBackOnce() {
        roles.ensure(CLUSTER, scoped(cart("ensure-unscope")));
        DesiredRole planned = mode(cart("ensure-unscope"), DesiredRole.Mode.UPDATE_TRUST);

        RoleEnsurer.EnsuredRole first = roles.ensure(CLUSTER, planned);
        cloud.calls().reset();
        RoleEnsurer.EnsuredRole again = roles.ensure(CLUSTER, planned);

        assertEquals(Outcome.Result.UPDATED, first.result(), first.changes().toString());
        assertEquals(TrustPolicies.podIdentityTrustPolicy(dev.podidentity.autopilot.naming.Partition.AWS),
                PolicyDocument.parse(iam.getRole("ensure-unscope").orElseThrow().trustPolicyJson()));
        assertEquals(Outcome.Result.UNCHANGED, again.result());
        assertEquals(0, cloud.calls().writes("iam"), cloud.calls().snapshot().toString());
    }

    private static DesiredRole mode(DesiredRole d, DesiredRole.Mode mode) {
        return new DesiredRole(mode, d.arn(), d.name(), d.path(), d.managedPolicyArns(), d.inlinePolicies(),
                d.permissionsBoundaryArn(), d.tags(), d.scopedTrust(), d.trustChange());
    }

    private static DesiredRole scoped(DesiredRole d) {
        return new DesiredRole(d.mode(), d.arn(), d.name(), d.path(), d.managedPolicyArns(), d.inlinePolicies(),
                d.permissionsBoundaryArn(), d.tags(), true);
    }

    @Test
    @DisplayName("Rerun against a converged role: UNCHANGED and not one IAM write call")
    void ensure_whenRerun_reportsUnchangedWithoutWriteCalls() {
        roles.ensure(CLUSTER, cart("ensure-rerun"));
        cloud.calls().reset();

        RoleEnsurer.EnsuredRole again = roles.ensure(CLUSTER, cart("ensure-rerun"));

        assertEquals(Outcome.Result.UNCHANGED, again.result());
        assertEquals(0, cloud.calls().writes("iam"), cloud.calls().snapshot().toString());
    }

    @Test
    @DisplayName("Role of ours exists with drift: adopted and converged (trust, attach/detach, inline put/delete, boundary)")
    void ensure_whenOwnedRoleDrifted_convergesEveryPart() {
        roles.ensure(CLUSTER, cart("ensure-drift"));
        iam.updateTrustPolicy("ensure-drift", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}");
        iam.detachPolicy("ensure-drift", LocalAws.POLICY_S3_READ);
        iam.attachPolicy("ensure-drift", "arn:aws:iam::aws:policy/AmazonSQSFullAccess");
        iam.putInlinePolicy("ensure-drift", "sqs", LocalAws.SQS_POLICY.replace("orders", "other"));
        iam.putInlinePolicy("ensure-drift", "stray", LocalAws.SQS_POLICY);
        iam.deletePermissionsBoundary("ensure-drift");
        cloud.calls().reset();

        RoleEnsurer.EnsuredRole result = roles.ensure(CLUSTER, cart("ensure-drift"));

        assertEquals(Outcome.Result.UPDATED, result.result());
        var role = iam.getRole("ensure-drift").orElseThrow();
        PolicyDocument trust = PolicyDocument.parse(role.trustPolicyJson());
        assertEquals(2, trust.statements().size(), "the ec2 statement is kept, pods added");
        assertEquals(List.of("ec2.amazonaws.com"), trust.statements().get(0).principal().values(Principal.SERVICE));
        assertTrue(TrustPolicies.hasPodIdentityStatement(trust));
        assertEquals(List.of(LocalAws.POLICY_S3_READ), iam.attachedPolicyArns("ensure-drift"));
        assertEquals(List.of("sqs"), iam.inlinePolicyNames("ensure-drift"));
        assertEquals(PolicyDocument.parse(LocalAws.SQS_POLICY), PolicyDocument.parse(iam.inlinePolicy("ensure-drift", "sqs").orElseThrow()));
        assertEquals(LocalAws.BOUNDARY, role.permissionsBoundaryArn());
        assertEquals(1, cloud.calls().count("iam", "UpdateAssumeRolePolicy"));
        assertEquals(0, cloud.calls().count("iam", "CreateRole"), "an existing role is read first, not re-created");
    }

    @Test
    @DisplayName("A role keeps its boundary when none is configured any more: no DeleteRolePermissionsBoundary (IAM denies it)")
    void ensure_whenNoBoundaryIsDesired_keepsTheRolesBoundary() {
        roles.ensure(CLUSTER, cart("ensure-keep-boundary"));
        cloud.calls().reset();
        DesiredRole unbounded = new DesiredRole(DesiredRole.Mode.UPDATE_PERMISSIONS, cart("ensure-keep-boundary").arn(),
                "ensure-keep-boundary", "/pod-identity-autopilot/", List.of(LocalAws.POLICY_S3_READ),
                Map.of("sqs", LocalAws.SQS_POLICY), null, Map.of());

        RoleEnsurer.EnsuredRole result = roles.ensure(CLUSTER, unbounded);

        assertEquals(Outcome.Result.UNCHANGED, result.result());
        assertEquals(LocalAws.BOUNDARY, iam.getRole("ensure-keep-boundary").orElseThrow().permissionsBoundaryArn());
        assertEquals(0, cloud.calls().writes("iam"), cloud.calls().snapshot().toString());
    }

    @Test
    @DisplayName("Inline policy written with other key order and spacing counts as the same: no PutRolePolicy")
    void ensure_whenInlineDocumentOnlyFormattedDifferently_doesNotRewriteIt() {
        roles.ensure(CLUSTER, cart("ensure-format"));
        iam.putInlinePolicy("ensure-format", "sqs", LocalAws.SQS_POLICY_REFORMATTED);
        cloud.calls().reset();

        assertEquals(Outcome.Result.UNCHANGED, roles.ensure(CLUSTER, cart("ensure-format")).result());
        assertEquals(0, cloud.calls().writes("iam"));
    }

    @Test
    @DisplayName("CREATE where a role of that name exists and is not ours: NotOwnedException, no write call")
    void ensure_whenNameTakenByUnownedRole_refusesWithoutWriting() {
        DesiredRole taken = LocalAws.toCreate(CLUSTER, "Unowned-Role1", "default", "sa2", List.of(), Map.of(), null);

        NotOwnedException e = assertThrows(NotOwnedException.class, () -> roles.ensure(CLUSTER, taken));

        assertTrue(e.getMessage().contains("\"Unowned-Role1\"") && e.getMessage().contains("owner: UNKNOWN"), e.getMessage());
        assertEquals(0, cloud.calls().writes("iam"));
        assertEquals(List.of("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), iam.attachedPolicyArns("Unowned-Role1"));
    }

    @Test
    @DisplayName("A role of ours for another cluster is not ours here: NotOwnedException")
    void ensure_whenOwnedForOtherCluster_refuses() {
        roles.ensure("other-cluster", LocalAws.toCreate("other-cluster", "ensure-other", "shop", "cart",
                List.of(), Map.of(), null));
        assertThrows(NotOwnedException.class, () -> roles.ensure(CLUSTER, cart("ensure-other")));
    }

    @Test
    @DisplayName("UPDATE_PERMISSIONS converges an owned role; a missing one is NotFoundException")
    void ensure_whenUpdatePermissions_convergesOrReportsMissing() {
        roles.ensure(CLUSTER, cart("ensure-update"));
        DesiredRole fewer = new DesiredRole(DesiredRole.Mode.UPDATE_PERMISSIONS, cart("ensure-update").arn(),
                "ensure-update", "/pod-identity-autopilot/", List.of(), Map.of(), LocalAws.BOUNDARY, Map.of());

        RoleEnsurer.EnsuredRole result = roles.ensure(CLUSTER, fewer);

        assertEquals(Outcome.Result.UPDATED, result.result());
        assertEquals(List.of("detached " + LocalAws.POLICY_S3_READ, "inline policy sqs deleted"), result.changes());
        assertEquals(Outcome.Result.UNCHANGED, roles.ensure(CLUSTER, fewer).result());
        DesiredRole missing = new DesiredRole(DesiredRole.Mode.UPDATE_PERMISSIONS, LocalAws.roleArn("/", "nope"), "nope",
                "/", List.of(), Map.of(), null, Map.of());
        assertThrows(NotFoundException.class, () -> roles.ensure(CLUSTER, missing));
    }

    @Test
    @DisplayName("USE_EXISTING: no IAM call at all")
    void ensure_whenUseExisting_makesNoCall() {
        RoleEnsurer.EnsuredRole result = roles.ensure(CLUSTER, DesiredRole.existing(LocalAws.roleArn("/", "Unowned-Role1")));
        assertEquals(Outcome.Result.UNCHANGED, result.result());
        assertEquals(0, cloud.calls().total("iam"));
    }

    @Test
    @DisplayName("IAM throttles CreateRole and AttachRolePolicy twice each: the SDK's retries ride it out, the role converges")
    void ensure_whenIamThrottles_retriesAndConverges() {
        cloud.faults().add(FaultRule.throttleFirst("iam", "CreateRole", 2));
        cloud.faults().add(FaultRule.throttleFirst("iam", "AttachRolePolicy", 2));

        RoleEnsurer.EnsuredRole result = roles.ensure(CLUSTER, cart("ensure-throttled"));

        assertEquals(Outcome.Result.CREATED, result.result());
        assertEquals(3, cloud.calls().count("iam", "CreateRole"));
        assertEquals(List.of(LocalAws.POLICY_S3_READ), iam.attachedPolicyArns("ensure-throttled"));
    }

    @Test
    @DisplayName("Throttling that outlasts the SDK's retries (6 attempts): RetryableException, nothing created")
    void ensure_whenThrottlingOutlastsRetries_throwsRetryable() {
        cloud.faults().add(FaultRule.throttleFirst("iam", "GetRole", 100));

        RetryableException e = assertThrows(RetryableException.class, () -> roles.ensure(CLUSTER, cart("ensure-never")));

        assertTrue(e.getMessage().startsWith("GetRole \"ensure-never\": Throttling (HTTP 400)"), e.getMessage());
        assertEquals(6, cloud.calls().count("iam", "GetRole"));
        assertEquals(0, cloud.calls().writes("iam"));
    }
}
