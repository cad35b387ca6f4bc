package dev.podidentity.local.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.AwsIamRoles;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.naming.Partition;
import dev.podidentity.autopilot.policy.PolicyDocument;
import dev.podidentity.autopilot.policy.Principal;
import dev.podidentity.autopilot.policy.Statement;
import dev.podidentity.autopilot.policy.TrustPolicies;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.local.LocalCloud;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The IAM adapter against moto's IAM: documents come back decoded, IAM's error codes become outcomes or typed errors. */
class IamContractTest {
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static AwsClients clients;
    private static AwsIamRoles iam;

    @Test
    @DisplayName("CreateRole with the pods trust, path, boundary and tags; GetRole returns the trust URL-decoded, statement by statement")
    void getRole_whenCreatedWithPodTrust_returnsDecodedTrustPathBoundaryAndTags() {
        String trust = TrustPolicies.podIdentityTrustPolicy(Partition.AWS).toJson();
        Map<String, String> tags = OwnershipTags.forAssociation("dev-cluster", "shop", "cart");
        assertTrue(iam.createRole(new IamRoles.NewRole("contract-cart", "/pod-identity-autopilot/", trust,
                LocalAws.BOUNDARY, tags, "contract test")));

        IamRoles.IamRole role = iam.getRole("contract-cart").orElseThrow();
        assertEquals(LocalAws.roleArn("/pod-identity-autopilot/", "contract-cart"), role.arn());
        assertEquals("/pod-identity-autopilot/", role.path());
        assertEquals(LocalAws.BOUNDARY, role.permissionsBoundaryArn());
        assertEquals(tags, role.tags());
        PolicyDocument read = PolicyDocument.parse(role.trustPolicyJson());
        assertEquals("2012-10-17", read.version());
        assertEquals(1, read.statements().size());
        Statement pods = read.statements().getFirst();
        assertEquals(TrustPolicies.POD_IDENTITY_SID, pods.sid());
        assertTrue(pods.isAllow());
        assertEquals(List.of("pods.eks.amazonaws.com"), pods.principal().values(Principal.SERVICE));
        assertEquals(List.of("sts:AssumeRole", "sts:TagSession"), pods.actions());
        assertTrue(pods.conditions().isEmpty());
    }

    @Test
    @DisplayName("IRSA trust of the default world reads back decoded: Federated provider, sub and aud conditions")
    void getRole_whenIrsaRole_returnsFederatedStatementWithConditions() {
        String provider = clients.iam().listOpenIDConnectProviders().openIDConnectProviderList().getFirst().arn();
        String issuer = provider.substring(provider.indexOf("oidc-provider/") + "oidc-provider/".length());
        PolicyDocument trust = PolicyDocument.parse(iam.getRole("Unowned-Role1").orElseThrow().trustPolicyJson());
        Statement irsa = trust.statements().getFirst();
        assertEquals(List.of(provider), irsa.principal().values(Principal.FEDERATED));
        assertEquals(List.of("sts:AssumeRoleWithWebIdentity"), irsa.actions());
        assertEquals(List.of("system:serviceaccount:default:sa2"), irsa.conditions().get("StringEquals").get(issuer + ":sub"));
        assertEquals(List.of("sts.amazonaws.com"), irsa.conditions().get("StringEquals").get(issuer + ":aud"));
        assertTrue(iam.oidcProviderExists(provider));
        assertFalse(iam.oidcProviderExists(provider.replace("/id/", "/id/X")));
    }

    @Test
    @DisplayName("EntityAlreadyExists (409) on CreateRole is the outcome 'false', not an error")
    void createRole_whenNameTaken_returnsFalse() {
        String trust = TrustPolicies.podIdentityTrustPolicy(Partition.AWS).toJson();
        assertFalse(iam.createRole(new IamRoles.NewRole("Unowned-Role1", "/", trust, null, Map.of(), null)));
    }

    @Test
    @DisplayName("DeleteConflict (409) while policies are attached; deletable once they are detached and deleted")
    void deleteRole_whenPoliciesAttached_throwsDeleteConflictThenSucceedsAfterDetach() {
        String trust = TrustPolicies.podIdentityTrustPolicy(Partition.AWS).toJson();
        iam.createRole(new IamRoles.NewRole("contract-conflict", "/", trust, null, Map.of(), null));
        iam.attachPolicy("contract-conflict", LocalAws.POLICY_S3_READ);
        iam.putInlinePolicy("contract-conflict", "sqs", LocalAws.SQS_POLICY);
        assertThrows(IamRoles.DeleteConflictException.class, () -> iam.deleteRole("contract-conflict"));

        assertTrue(iam.detachPolicy("contract-conflict", LocalAws.POLICY_S3_READ));
        assertThrows(IamRoles.DeleteConflictException.class, () -> iam.deleteRole("contract-conflict"));
        assertEquals(PolicyDocument.parse(LocalAws.SQS_POLICY),
                PolicyDocument.parse(iam.inlinePolicy("contract-conflict", "sqs").orElseThrow()));
        assertTrue(iam.deleteInlinePolicy("contract-conflict", "sqs"));
        assertTrue(iam.deleteRole("contract-conflict"));
    }

    @Test
    @DisplayName("NoSuchEntity (404): GetRole empty, detach/delete report 'already gone', trust update is NotFoundException")
    void calls_whenRoleMissing_reportAbsenceOrNotFound() {
        assertTrue(iam.getRole("no-such-role").isEmpty());
        assertFalse(iam.deleteRole("no-such-role"));
        assertFalse(iam.deleteInlinePolicy("no-such-role", "x"));
        assertTrue(iam.inlinePolicy("no-such-role", "x").isEmpty());
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> iam.updateTrustPolicy("no-such-role", TrustPolicies.podIdentityTrustPolicy(Partition.AWS).toJson()));
        assertTrue(e.getMessage().startsWith("UpdateAssumeRolePolicy \"no-such-role\": NoSuchEntity"), e.getMessage());
    }

    @Test
    @DisplayName("MalformedPolicyDocument (400) on UpdateAssumeRolePolicy is InvalidInputException")
    void updateTrustPolicy_whenMalformed_throwsInvalidInput() {
        assertThrows(InvalidInputException.class, () -> iam.updateTrustPolicy("Unowned-Role1", "{not json"));
    }

    @Test
    @DisplayName("Trust update, attach/detach, boundary, tags: each read back as written")
    void writes_whenReadBack_matchWhatWasWritten() {
        String trust = TrustPolicies.podIdentityTrustPolicy(Partition.AWS).toJson();
        iam.createRole(new IamRoles.NewRole("contract-rw", "/", trust, null, Map.of("a", "1"), null));
        PolicyDocument two = TrustPolicies.withoutOidcStatements(PolicyDocument.parse(
                iam.getRole("Unowned-Role1").orElseThrow().trustPolicyJson()), "arn:aws:iam::1:oidc-provider/x");
        iam.updateTrustPolicy("contract-rw", two.toJson());
        assertEquals(two, PolicyDocument.parse(iam.getRole("contract-rw").orElseThrow().trustPolicyJson()));
        iam.putPermissionsBoundary("contract-rw", LocalAws.BOUNDARY);
        assertEquals(LocalAws.BOUNDARY, iam.getRole("contract-rw").orElseThrow().permissionsBoundaryArn());
        iam.deletePermissionsBoundary("contract-rw");
        assertEquals(null, iam.getRole("contract-rw").orElseThrow().permissionsBoundaryArn());
        iam.tagRole("contract-rw", Map.of("b", "2"));
        assertEquals(Map.of("a", "1", "b", "2"), iam.getRole("contract-rw").orElseThrow().tags());
        iam.attachPolicy("contract-rw", LocalAws.POLICY_S3_READ);
        assertEquals(List.of(LocalAws.POLICY_S3_READ), iam.attachedPolicyArns("contract-rw"));
        assertFalse(iam.detachPolicy("contract-rw", "arn:aws:iam::aws:policy/AmazonSQSFullAccess"));
        assertTrue(iam.listRoleNames("/").containsAll(List.of("contract-rw", "Unowned-Role1", "autopilot-dev-cluster-default-sa1")));
        assertEquals(List.of("autopilot-dev-cluster-default-sa1"), iam.listRoleNames("/pod-identity-autopilot/").stream()
                .filter(n -> n.startsWith("autopilot-")).toList());
    }
}
