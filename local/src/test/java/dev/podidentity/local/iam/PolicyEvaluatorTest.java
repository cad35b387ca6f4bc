package dev.podidentity.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluation rules of the IAM User Guide ("Policy evaluation logic", "Condition operators", "Single-valued vs.
 * multivalued context keys"), one fact per test, on the statements our template uses.
 */
class PolicyEvaluatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::111122223333:role/pod-identity-autopilot/app";

    static List<Statement> policy(String json) {
        try {
            List<Statement> out = new ArrayList<>();
            var statements = JSON.readTree(json.replace('\'', '"'));
            for (int i = 0; i < statements.size(); i++) {
                out.add(Statement.parse("test/#" + i, statements.get(i)));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static RequestContext request(String action, String resource, String... keyValues) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.computeIfAbsent(keyValues[i], k -> new ArrayList<>()).add(keyValues[i + 1]);
        }
        return new RequestContext(action, resource, keys);
    }

    static PolicyEvaluator.Effect eval(String policy, RequestContext request) {
        return PolicyEvaluator.evaluate(policy(policy), request).effect();
    }

    @Test
    void nothingAllows_isImplicitDeny() {
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY,
                eval("[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*'}]", request("s3:PutObject", "arn:aws:s3:::b/k")));
    }

    @Test
    void explicitDeny_winsOverAnyAllow() {
        String p = "[{'Effect':'Allow','Action':'iam:*','Resource':'*'},"
                + "{'Effect':'Deny','Action':'iam:DeleteRolePermissionsBoundary','Resource':'*'}]";
        assertEquals(PolicyEvaluator.Effect.EXPLICIT_DENY, eval(p, request("iam:DeleteRolePermissionsBoundary", ROLE)));
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("iam:GetRole", ROLE)));
    }

    @Test
    void actions_matchCaseInsensitivelyWithWildcards() {
        String p = "[{'Effect':'Allow','Action':['EKS:describe*','iam:Get?ole'],'Resource':'*'}]";
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("eks:DescribeCluster", "*")));
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("iam:GetRole", ROLE)));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:GetRolePolicy", ROLE)));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("eks:ListAddons", "*")));
    }

    @Test
    void resources_matchCaseSensitivelyAndStarSpansSlashes() {
        String p = "[{'Effect':'Allow','Action':'iam:CreateRole','Resource':'arn:aws:iam::111122223333:role/pod-identity-autopilot/*'}]";
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("iam:CreateRole", ROLE)));
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("iam:CreateRole", ROLE + "/deeper/x")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:CreateRole", "arn:aws:iam::111122223333:role/other")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:CreateRole", "arn:aws:iam::111122223333:role/Pod-identity-autopilot/x")));
    }

    @Test
    void aScopedResource_doesNotGrantAnActionWithoutResourceLevelPermissions() {
        // ListOpenIDConnectProviders is authorized against "*": a statement naming oidc-provider/* does not match it.
        String p = "[{'Effect':'Allow','Action':'iam:ListOpenIDConnectProviders','Resource':'arn:aws:iam::111122223333:oidc-provider/*'}]";
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:ListOpenIDConnectProviders", "*")));
        assertEquals(PolicyEvaluator.Effect.ALLOW,
                eval("[{'Effect':'Allow','Action':'iam:ListOpenIDConnectProviders','Resource':'*'}]", request("iam:ListOpenIDConnectProviders", "*")));
    }

    @Test
    void notAction_andNotResource_matchWhatTheyDoNotName() {
        String p = "[{'Effect':'Allow','NotAction':'iam:*','NotResource':'arn:aws:s3:::secret/*'}]";
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("s3:GetObject", "arn:aws:s3:::b/k")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("s3:GetObject", "arn:aws:s3:::secret/k")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:GetRole", ROLE)));
    }

    @Test
    void requestTag_condition_needsTheTagWithThatValue() {
        String p = "[{'Effect':'Allow','Action':'iam:CreateRole','Resource':'*','Condition':{'StringEquals':"
                + "{'aws:RequestTag/pod-identity-autopilot/managed-by':'pod-identity-autopilot'}}}]";
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("iam:CreateRole", ROLE,
                "aws:RequestTag/pod-identity-autopilot/managed-by", "pod-identity-autopilot")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:CreateRole", ROLE,
                "aws:RequestTag/pod-identity-autopilot/managed-by", "someone-else")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:CreateRole", ROLE)));
    }

    @Test
    void conditionKeyNames_areCaseInsensitive() {
        String p = "[{'Effect':'Allow','Action':'iam:PassRole','Resource':'*','Condition':{'StringEquals':{'IAM:passedtoservice':'pods.eks.amazonaws.com'}}}]";
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("iam:PassRole", ROLE, "iam:PassedToService", "pods.eks.amazonaws.com")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:PassRole", ROLE, "iam:PassedToService", "ec2.amazonaws.com")));
    }

    @Test
    void everyKeyAndEveryOperator_mustHold_anyValueOfAKeyMay() {
        String p = "[{'Effect':'Allow','Action':'iam:AttachRolePolicy','Resource':'*','Condition':{"
                + "'ArnNotLike':{'iam:PolicyARN':['arn:aws:iam::aws:policy/AdministratorAccess','arn:aws:iam::aws:policy/IAMFullAccess']},"
                + "'StringEquals':{'iam:PermissionsBoundary':['arn:aws:iam::111122223333:policy/b1','arn:aws:iam::111122223333:policy/b2']}}}]";
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("iam:AttachRolePolicy", ROLE,
                "iam:PolicyARN", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "iam:PermissionsBoundary", "arn:aws:iam::111122223333:policy/b2")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:AttachRolePolicy", ROLE,
                "iam:PolicyARN", "arn:aws:iam::aws:policy/IAMFullAccess", "iam:PermissionsBoundary", "arn:aws:iam::111122223333:policy/b1")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:AttachRolePolicy", ROLE,
                "iam:PolicyARN", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")));
    }

    @Test
    void negatedOperator_onAnAbsentKey_holds_positiveOneDoesNot() {
        assertTrue(Conditions.holds("StringNotLike", "iam:PermissionsBoundary", List.of("arn:x"), java.util.Optional.empty()));
        assertTrue(Conditions.holds("ArnNotLike", "iam:PolicyARN", List.of("arn:x"), java.util.Optional.empty()));
        assertFalse(Conditions.holds("StringLike", "s3:prefix", List.of("runs/*"), java.util.Optional.empty()));
        assertFalse(Conditions.holds("ArnLike", "iam:PolicyARN", List.of("arn:*"), java.util.Optional.empty()));
        assertTrue(Conditions.holds("StringEqualsIfExists", "k", List.of("v"), java.util.Optional.empty()));
        assertFalse(Conditions.holds("StringEqualsIfExists", "k", List.of("v"), java.util.Optional.of(List.of("w"))));
    }

    @Test
    void denyWithStringNotLike_onTheBoundary_refusesOtherBoundariesOnly() {
        // The template's DenyBoundarySwaps: a configured boundary may be set, no other.
        String p = "[{'Effect':'Allow','Action':'iam:PutRolePermissionsBoundary','Resource':'*'},"
                + "{'Effect':'Deny','Action':'iam:PutRolePermissionsBoundary','Resource':'*','Condition':{'StringNotLike':"
                + "{'iam:PermissionsBoundary':'arn:aws:iam::111122223333:policy/boundary'}}}]";
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("iam:PutRolePermissionsBoundary", ROLE,
                "iam:PermissionsBoundary", "arn:aws:iam::111122223333:policy/boundary")));
        assertEquals(PolicyEvaluator.Effect.EXPLICIT_DENY, eval(p, request("iam:PutRolePermissionsBoundary", ROLE,
                "iam:PermissionsBoundary", "arn:aws:iam::111122223333:policy/other")));
    }

    @Test
    void resourceTag_condition_readsTheResourcesTags() {
        String p = "[{'Effect':'Allow','Action':'iam:DeleteRole','Resource':'*','Condition':{'StringEquals':"
                + "{'aws:ResourceTag/pod-identity-autopilot/managed-by':'pod-identity-autopilot'}}}]";
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("iam:DeleteRole", ROLE,
                "aws:ResourceTag/pod-identity-autopilot/managed-by", "pod-identity-autopilot")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("iam:DeleteRole", ROLE)));
    }

    @Test
    void s3Prefix_stringLike() {
        String p = "[{'Effect':'Allow','Action':'s3:ListBucket','Resource':'arn:aws:s3:::b','Condition':{'StringLike':{'s3:prefix':['clusters/*','defaults/*']}}}]";
        assertEquals(PolicyEvaluator.Effect.ALLOW, eval(p, request("s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "clusters/dev.yaml")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "reports/x")));
        assertEquals(PolicyEvaluator.Effect.IMPLICIT_DENY, eval(p, request("s3:ListBucket", "arn:aws:s3:::b")));
    }

    @Test
    void forAllValues_tagKeys_limitsWhichTagsMayBeSet_andHoldsWithoutTags() {
        String op = "ForAllValues:StringEquals";
        List<String> allowed = List.of("pod-identity-autopilot/managed-by", "pod-identity-autopilot/cluster");
        assertTrue(Conditions.holds(op, "aws:TagKeys", allowed, java.util.Optional.of(List.of("pod-identity-autopilot/cluster"))));
        assertFalse(Conditions.holds(op, "aws:TagKeys", allowed, java.util.Optional.of(List.of("pod-identity-autopilot/cluster", "team"))));
        assertTrue(Conditions.holds(op, "aws:TagKeys", allowed, java.util.Optional.empty()));
    }

    @Test
    void forAnyValue_needsOneMatchingValue_andFailsWithoutTheKey() {
        String op = "ForAnyValue:StringLike";
        assertTrue(Conditions.holds(op, "aws:TagKeys", List.of("pod-identity-autopilot/*"), java.util.Optional.of(List.of("team", "pod-identity-autopilot/cluster"))));
        assertFalse(Conditions.holds(op, "aws:TagKeys", List.of("pod-identity-autopilot/*"), java.util.Optional.of(List.of("team"))));
        assertFalse(Conditions.holds(op, "aws:TagKeys", List.of("pod-identity-autopilot/*"), java.util.Optional.empty()));
        assertTrue(Conditions.holds("ForAllValues:StringNotLike", "aws:TagKeys", List.of("pod-identity-autopilot/*"), java.util.Optional.of(List.of("team"))));
        assertFalse(Conditions.holds("ForAllValues:StringNotLike", "aws:TagKeys", List.of("pod-identity-autopilot/*"), java.util.Optional.of(List.of("team", "pod-identity-autopilot/x"))));
    }

    @Test
    void null_testsPresence_bool_comparesLowerCase() {
        assertTrue(Conditions.holds("Null", "iam:PermissionsBoundary", List.of("true"), java.util.Optional.empty()));
        assertFalse(Conditions.holds("Null", "iam:PermissionsBoundary", List.of("true"), java.util.Optional.of(List.of("arn:x"))));
        assertTrue(Conditions.holds("Null", "iam:PermissionsBoundary", List.of("false"), java.util.Optional.of(List.of("arn:x"))));
        assertTrue(Conditions.holds("Bool", "aws:SecureTransport", List.of("false"), java.util.Optional.of(List.of("FALSE"))));
        assertFalse(Conditions.holds("Bool", "aws:SecureTransport", List.of("false"), java.util.Optional.of(List.of("true"))));
    }

    @Test
    void arnLike_wildcardsStayInsideTheirArnPart() {
        assertTrue(Glob.arnMatches("arn:aws:iam::*:role/pod-identity-autopilot/*", ROLE));
        assertFalse(Glob.arnMatches("arn:aws:iam::*", ROLE));
        assertTrue(Glob.arnMatches("arn:aws:iam::*:*", ROLE));
        assertTrue(Glob.arnMatches("arn:aws:iam::aws:policy/*", "arn:aws:iam::aws:policy/job-function/SystemAdministrator"));
    }

    @Test
    void anOperatorTheEngineDoesNotKnow_isRefusedLoudly() {
        assertThrows(IllegalArgumentException.class,
                () -> Conditions.holds("NumericLessThan", "k", List.of("1"), java.util.Optional.of(List.of("0"))));
        assertThrows(IllegalArgumentException.class,
                () -> policy("[{'Effect':'Allow','Principal':'*','Action':'s3:*','Resource':'*'}]"));
        assertThrows(IllegalArgumentException.class,
                () -> policy("[{'Effect':'Allow','Action':'s3:*','NotAction':'iam:*','Resource':'*'}]"));
    }

    @Test
    void theDecision_namesTheStatementsThatDecidedIt() {
        var decision = PolicyEvaluator.evaluate(policy("[{'Sid':'A','Effect':'Allow','Action':'s3:*','Resource':'*'},"
                + "{'Sid':'B','Effect':'Allow','Action':'s3:GetObject','Resource':'*'}]"), request("s3:GetObject", "arn:aws:s3:::b/k"));
        assertEquals(List.of("test/#0", "test/#1"), decision.decidedBy().stream().map(Statement::origin).toList());
    }
}
