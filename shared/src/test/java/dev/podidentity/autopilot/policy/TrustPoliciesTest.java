package dev.podidentity.autopilot.policy;

import static dev.podidentity.autopilot.policy.PolicyDocumentTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.naming.Partition;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TrustPoliciesTest {

    /** The document in the EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity". */
    private static final String AWS_DOCUMENTED = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
            + "\"AllowEksAuthToAssumeRoleForPodIdentity\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
            + "\"pods.eks.amazonaws.com\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}";

    /** eksctl's document (reference §4.1): same statement, no Sid, different key order. */
    private static final String EKSCTL_DOCUMENT = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"}}]}";

    private static final String PROVIDER = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC";
    private static final String OTHER_PROVIDER =
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/XYZ";

    private static String irsaStatement(String provider, String issuer, String operator, String subject) {
        String sub = "'" + issuer + ":sub':'" + subject + "'";
        String aud = "'" + issuer + ":aud':'sts.amazonaws.com'";
        String conditions = operator.equals("StringEquals")
                ? "'StringEquals':{" + sub + "," + aud + "}"
                : "'" + operator + "':{" + sub + "},'StringEquals':{" + aud + "}";
        return "{'Effect':'Allow','Principal':{'Federated':'" + provider + "'},'Action':'sts:AssumeRoleWithWebIdentity',"
                + "'Condition':{" + conditions + "}}";
    }

    private static final String IRSA_DOC = json("{'Version':'2012-10-17','Statement':["
            + irsaStatement(PROVIDER, "oidc.eks.us-west-2.amazonaws.com/id/ABC", "StringEquals",
                    "system:serviceaccount:default:my-sa")
            + "]}");

    @ParameterizedTest
    @EnumSource(Partition.class)
    void podIdentityTrustPolicy_whenSerialised_equalsAwsDocumentedJsonExactly(Partition partition) {
        assertEquals(AWS_DOCUMENTED, TrustPolicies.podIdentityTrustPolicy(partition).toJson());
    }

    @Test
    void podIdentityTrustPolicy_whenCompared_equalsParsedAwsDocument() {
        assertEquals(PolicyDocument.parse(AWS_DOCUMENTED), TrustPolicies.podIdentityTrustPolicy(Partition.AWS));
        assertTrue(PolicySize.characters(TrustPolicies.podIdentityTrustPolicy(Partition.AWS)) < 2048);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "eksctl document without Sid|true|" + EKSCTL_DOCUMENT,
        "actions in reverse order|true|{'Statement':[{'Effect':'Allow','Principal':{'Service':'pods.eks.amazonaws.com'},'Action':['sts:TagSession','sts:AssumeRole']}]}",
        "principal as list next to another service|true|{'Statement':[{'Effect':'Allow','Principal':{'Service':['ec2.amazonaws.com','pods.eks.amazonaws.com']},'Action':['sts:AssumeRole','sts:TagSession']}]}",
        "next to an AWS principal|true|{'Statement':[{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::111122223333:root','Service':'pods.eks.amazonaws.com'},'Action':['sts:AssumeRole','sts:TagSession']}]}",
        "sts wildcard|true|{'Statement':[{'Effect':'Allow','Principal':{'Service':'pods.eks.amazonaws.com'},'Action':'sts:*'}]}",
        "narrowed by a namespace condition|true|{'Statement':[{'Effect':'Allow','Principal':{'Service':'pods.eks.amazonaws.com'},'Action':['sts:AssumeRole','sts:TagSession'],'Condition':{'StringEquals':{'aws:RequestTag/kubernetes-namespace':'team-a'}}}]}",
        "action case differs|true|{'Statement':[{'Effect':'Allow','Principal':{'Service':'pods.eks.amazonaws.com'},'Action':['STS:AssumeRole','sts:tagsession']}]}",
        "AssumeRole only|false|{'Statement':[{'Effect':'Allow','Principal':{'Service':'pods.eks.amazonaws.com'},'Action':'sts:AssumeRole'}]}",
        "actions split over two statements|false|{'Statement':[{'Effect':'Allow','Principal':{'Service':'pods.eks.amazonaws.com'},'Action':'sts:AssumeRole'},{'Effect':'Allow','Principal':{'Service':'pods.eks.amazonaws.com'},'Action':'sts:TagSession'}]}",
        "Deny statement|false|{'Statement':[{'Effect':'Deny','Principal':{'Service':'pods.eks.amazonaws.com'},'Action':['sts:AssumeRole','sts:TagSession']}]}",
        "another service|false|{'Statement':[{'Effect':'Allow','Principal':{'Service':'eks.amazonaws.com'},'Action':['sts:AssumeRole','sts:TagSession']}]}",
        "principal wildcard|false|{'Statement':[{'Effect':'Allow','Principal':'*','Action':['sts:AssumeRole','sts:TagSession']}]}",
        "IRSA only|false|" + "{'Statement':[{'Effect':'Allow','Principal':{'Federated':'arn:aws:iam::1:oidc-provider/x'},'Action':'sts:AssumeRoleWithWebIdentity'}]}",
    })
    void hasPodIdentityStatement_whenShapes_recognisesOnlyRealTrust(String name, boolean expected, String document) {
        assertEquals(expected, TrustPolicies.hasPodIdentityStatement(PolicyDocument.parse(json(document))));
    }

    @Test
    void withPodIdentityStatement_whenAlreadyPresent_returnsSameDocument() {
        PolicyDocument eksctl = PolicyDocument.parse(EKSCTL_DOCUMENT);
        assertSame(eksctl, TrustPolicies.withPodIdentityStatement(eksctl, Partition.AWS));
    }

    @Test
    void withPodIdentityStatement_whenIrsaRole_appendsOnceAndKeepsIrsaStatement() {
        PolicyDocument irsa = PolicyDocument.parse(IRSA_DOC);

        PolicyDocument once = TrustPolicies.withPodIdentityStatement(irsa, Partition.AWS);
        PolicyDocument twice = TrustPolicies.withPodIdentityStatement(once, Partition.AWS);

        assertEquals(2, once.statements().size());
        assertEquals(irsa.statements().get(0), once.statements().get(0));
        assertEquals(TrustPolicies.podIdentityStatement(Partition.AWS), once.statements().get(1));
        assertSame(once, twice);
        assertTrue(TrustPolicies.hasPodIdentityStatement(once));
    }

    @Test
    void withPodIdentityStatement_whenSidTaken_usesNumberedSid() {
        PolicyDocument document = PolicyDocument.parse(json("{'Statement':[{'Sid':'AllowEksAuthToAssumeRoleForPodIdentity',"
                + "'Effect':'Allow','Principal':{'Service':'ec2.amazonaws.com'},'Action':'sts:AssumeRole'}]}"));

        PolicyDocument updated = TrustPolicies.withPodIdentityStatement(document, Partition.AWS_CN);

        assertEquals("AllowEksAuthToAssumeRoleForPodIdentity2", updated.statements().get(1).sid());
    }

    @Test
    void withoutOidcStatements_whenMigrated_dropsOnlyThatProviderAndKeepsOthersExactly() {
        String ec2 = "{'Sid':'Ec2','Effect':'Allow','Principal':{'Service':'ec2.amazonaws.com'},'Action':'sts:AssumeRole'}";
        String other = irsaStatement(OTHER_PROVIDER, "oidc.eks.eu-west-1.amazonaws.com/id/XYZ", "StringLike",
                "system:serviceaccount:*:reader");
        PolicyDocument document = TrustPolicies.withPodIdentityStatement(PolicyDocument.parse(json(
                "{'Version':'2012-10-17','Statement':[" + ec2 + ","
                        + irsaStatement(PROVIDER, "oidc.eks.us-west-2.amazonaws.com/id/ABC", "StringEquals",
                        "system:serviceaccount:default:my-sa") + "," + other + "]}")), Partition.AWS);

        PolicyDocument result = TrustPolicies.withoutOidcStatements(document, PROVIDER);

        assertEquals(List.of(document.statements().get(0), document.statements().get(2), document.statements().get(3)),
                result.statements());
        assertTrue(TrustPolicies.hasPodIdentityStatement(result));
    }

    @Test
    void withoutOidcStatements_whenStatementAlsoNamesAnotherPrincipal_keepsTheOtherPrincipal() {
        PolicyDocument document = PolicyDocument.parse(json("{'Statement':[{'Effect':'Allow','Principal':{'Federated':['"
                + PROVIDER + "','" + OTHER_PROVIDER + "']},'Action':'sts:AssumeRoleWithWebIdentity'}]}"));

        PolicyDocument result = TrustPolicies.withoutOidcStatements(document, PROVIDER);

        assertEquals(List.of(OTHER_PROVIDER), result.statements().get(0).principal().values(Principal.FEDERATED));
    }

    @Test
    void withoutOidcStatements_whenProviderAbsent_returnsSameDocument() {
        PolicyDocument document = PolicyDocument.parse(IRSA_DOC);
        assertSame(document, TrustPolicies.withoutOidcStatements(document, OTHER_PROVIDER));
    }

    @Test
    void irsaServiceAccounts_whenEqualsAndLikeSubjects_listsThemWithProvider() {
        PolicyDocument document = PolicyDocument.parse(json("{'Statement':["
                + irsaStatement(PROVIDER, "oidc.eks.us-west-2.amazonaws.com/id/ABC", "StringEquals",
                "system:serviceaccount:kube-system:aws-node") + ","
                + irsaStatement(OTHER_PROVIDER, "oidc.eks.eu-west-1.amazonaws.com/id/XYZ", "StringLike",
                "system:serviceaccount:team-*:reader") + ","
                + "{'Effect':'Allow','Principal':{'Service':'pods.eks.amazonaws.com'},'Action':['sts:AssumeRole','sts:TagSession']}"
                + "]}"));

        List<IrsaSubject> subjects = TrustPolicies.irsaServiceAccounts(document);

        assertEquals(List.of(
                new IrsaSubject(PROVIDER, "oidc.eks.us-west-2.amazonaws.com/id/ABC", "kube-system", "aws-node", false),
                new IrsaSubject(OTHER_PROVIDER, "oidc.eks.eu-west-1.amazonaws.com/id/XYZ", "team-*", "reader", true)),
                subjects);
        assertEquals("system:serviceaccount:kube-system:aws-node", subjects.get(0).subject());
    }

    @Test
    void irsaServiceAccounts_whenSubjectIsNotAServiceAccount_ignoresIt() {
        PolicyDocument document = PolicyDocument.parse(json("{'Statement':["
                + irsaStatement(PROVIDER, "oidc.eks.us-west-2.amazonaws.com/id/ABC", "StringEquals", "repo:org/app:ref:main")
                + "]}"));
        assertTrue(TrustPolicies.irsaServiceAccounts(document).isEmpty());
    }
}
