package dev.podidentity.local.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.AwsIamRoles;
import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.execute.Outcome;
import dev.podidentity.autopilot.execute.TrustPolicyUpdater;
import dev.podidentity.autopilot.naming.Owner;
import dev.podidentity.autopilot.plan.Step;
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

/** TrustPolicyUpdater on the default world's IRSA roles: the live document, edited statement by statement. */
class TrustPolicyUpdaterTest {
    private static final String CLUSTER = "dev-cluster";
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static AwsClients clients;
    private static AwsIamRoles iam;
    private static TrustPolicyUpdater trust;
    private static String provider;

    private static final Map<String, String> ORIGINAL_TRUST = new java.util.HashMap<>();

    @BeforeAll
    static void clients() {
        trust = LocalAws.executors(clients).trust();
        provider = clients.iam().listOpenIDConnectProviders().openIDConnectProviderList().getFirst().arn();
        for (String role : List.of("Unowned-Role1", "AmazonEKSVPCCNIRole")) {
            ORIGINAL_TRUST.put(role, iam.getRole(role).orElseThrow().trustPolicyJson());
        }
    }

    @BeforeEach
    void fresh() {
        // restoring the two roles this class edits is much cheaper than reseeding the world
        ORIGINAL_TRUST.forEach(iam::updateTrustPolicy);
        clients.iam().untagRole(r -> r.roleName("AmazonEKSVPCCNIRole").tagKeys("alpha.eksctl.io/cluster-name"));
        cloud.faults().clear();
    }

    private static Step.UpdateTrustPolicy step(String role, Owner owner, boolean add, String removeProvider) {
        return new Step.UpdateTrustPolicy(LocalAws.roleArn("/", role), role, owner, add, removeProvider,
                List.of("default/sa2"));
    }

    private static PolicyDocument live(String role) {
        return PolicyDocument.parse(iam.getRole(role).orElseThrow().trustPolicyJson());
    }

    @Test
    @DisplayName("Add pods statement, keep OIDC: [IRSA statement as it was, pods statement]")
    void update_whenAddOnly_appendsPodsStatementAndKeepsIrsa() {
        PolicyDocument before = live("Unowned-Role1");

        Outcome outcome = trust.update(CLUSTER, step("Unowned-Role1", Owner.UNKNOWN, true, null));

        assertEquals(Outcome.Result.UPDATED, outcome.result());
        PolicyDocument after = live("Unowned-Role1");
        assertEquals(2, after.statements().size());
        assertEquals(before.statements().getFirst(), after.statements().get(0));
        Statement pods = after.statements().get(1);
        assertEquals(List.of("pods.eks.amazonaws.com"), pods.principal().values(Principal.SERVICE));
        assertEquals(List.of("sts:AssumeRole", "sts:TagSession"), pods.actions());
        assertEquals(1, cloud.calls().count("iam", "UpdateAssumeRolePolicy"));
    }

    @Test
    @DisplayName("Rerun: the pods statement is never duplicated, UNCHANGED, no write call")
    void update_whenRerun_neverDuplicatesAndWritesNothing() {
        trust.update(CLUSTER, step("Unowned-Role1", Owner.UNKNOWN, true, provider));
        cloud.calls().reset();

        Outcome again = trust.update(CLUSTER, step("Unowned-Role1", Owner.UNKNOWN, true, provider));

        assertEquals(Outcome.Result.UNCHANGED, again.result());
        assertEquals(0, cloud.calls().writes("iam"));
        assertEquals(1, live("Unowned-Role1").statements().size());
    }

    @Test
    @DisplayName("Add + remove the provider's trust: only the pods statement remains; policies untouched (owner UNKNOWN)")
    void update_whenRemovingOidc_replacesFederatedStatementAndLeavesPolicies() {
        Outcome outcome = trust.update(CLUSTER, step("Unowned-Role1", Owner.UNKNOWN, true, provider));

        assertEquals(Outcome.Result.UPDATED, outcome.result());
        PolicyDocument after = live("Unowned-Role1");
        assertEquals(1, after.statements().size());
        assertTrue(TrustPolicies.hasPodIdentityStatement(after));
        assertEquals(List.of("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), iam.attachedPolicyArns("Unowned-Role1"));
        // The world's IRSA roles carry the operator's migration opt-in tag; the update leaves the tags as they were.
        assertEquals(Map.of("owner", "platform-team", "pod-identity-autopilot/migration", "allowed"),
                iam.getRole("Unowned-Role1").orElseThrow().tags());
        assertEquals(1, cloud.calls().writes("iam"), "only UpdateAssumeRolePolicy: " + cloud.calls().snapshot());
    }

    @Test
    @DisplayName("Other statements are kept exactly: an ec2 statement and another provider survive removal of one provider")
    void update_whenOtherStatements_keepsThemAsTheyWere() {
        String other = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER";
        PolicyDocument mixed = live("Unowned-Role1")
                .withStatementAdded(Statement.builder().sid("Ec2").allow()
                        .principal(Principal.service("ec2.amazonaws.com")).actions("sts:AssumeRole").build())
                .withStatementAdded(Statement.builder().allow().principal(Principal.of(Map.of(Principal.FEDERATED,
                        List.of(other)))).actions("sts:AssumeRoleWithWebIdentity").build());
        iam.updateTrustPolicy("Unowned-Role1", mixed.toJson());

        trust.update(CLUSTER, step("Unowned-Role1", Owner.UNKNOWN, true, provider));

        PolicyDocument after = live("Unowned-Role1");
        assertEquals(List.of(mixed.statements().get(1), mixed.statements().get(2)), after.statements().subList(0, 2));
        assertTrue(TrustPolicies.hasPodIdentityStatement(after));
        assertEquals(3, after.statements().size());
    }

    @Test
    @DisplayName("eksctl-owned role: trust updated, permissions untouched")
    void update_whenEksctlOwned_touchesOnlyTrust() {
        iam.tagRole("AmazonEKSVPCCNIRole", Map.of("alpha.eksctl.io/cluster-name", CLUSTER));
        cloud.calls().reset();

        trust.update(CLUSTER, step("AmazonEKSVPCCNIRole", Owner.EKSCTL, true, provider));

        assertEquals(List.of("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"), iam.attachedPolicyArns("AmazonEKSVPCCNIRole"));
        assertEquals(1, cloud.calls().writes("iam"), cloud.calls().snapshot().toString());
        assertTrue(TrustPolicies.hasPodIdentityStatement(live("AmazonEKSVPCCNIRole")));
    }

    @Test
    @DisplayName("Removal that would leave no statement is refused; a missing role is NotFoundException; neither writes")
    void update_whenNothingWouldRemainOrRoleMissing_refusesWithoutWriting() {
        assertThrows(ConflictException.class, () -> trust.update(CLUSTER, step("Unowned-Role1", Owner.UNKNOWN, false, provider)));
        assertThrows(NotFoundException.class, () -> trust.update(CLUSTER, step("no-such-role", Owner.UNKNOWN, true, null)));
        assertEquals(0, cloud.calls().writes("iam"));
    }

    @Test
    @DisplayName("A document over IAM's 2,048-character trust limit is refused before writing (PolicySize)")
    void update_whenResultTooLarge_refusesBeforeWriting() {
        PolicyDocument big = live("Unowned-Role1");
        for (int i = 0; big.toJson().length() < 2_000; i++) {
            big = big.withStatementAdded(Statement.builder().sid("Ec2x" + i).allow()
                    .principal(Principal.service("ec2.amazonaws.com")).actions("sts:AssumeRole").build());
        }
        iam.updateTrustPolicy("Unowned-Role1", big.toJson());
        cloud.calls().reset();

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> trust.update(CLUSTER, step("Unowned-Role1", Owner.UNKNOWN, true, null)));

        assertTrue(e.getMessage().contains("2048"), e.getMessage());
        assertEquals(0, cloud.calls().writes("iam"));
    }

    @Test
    @DisplayName("IAM throttles GetRole and UpdateAssumeRolePolicy: retried, converged")
    void update_whenIamThrottles_retriesAndConverges() {
        cloud.faults().add(FaultRule.throttleFirst("iam", "GetRole", 2));
        cloud.faults().add(FaultRule.throttleFirst("iam", "UpdateAssumeRolePolicy", 2));

        assertEquals(Outcome.Result.UPDATED, trust.update(CLUSTER, step("Unowned-Role1", Owner.UNKNOWN, true, provider)).result());
        assertEquals(3, cloud.calls().count("iam", "UpdateAssumeRolePolicy"));
        assertTrue(TrustPolicies.hasPodIdentityStatement(live("Unowned-Role1")));
    }
}
