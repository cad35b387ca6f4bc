package dev.podidentity.autopilot.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

class PolicyDocumentTest {

    private static final String IRSA_TRUST_POLICY = """
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Effect": "Allow",
                  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"},
                  "Action": "sts:AssumeRoleWithWebIdentity",
                  "Condition": {
                    "StringEquals": {
                      "oidc.eks.us-west-2.amazonaws.com/id/ABC:sub": "system:serviceaccount:default:my-sa",
                      "oidc.eks.us-west-2.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"
                    }
                  }
                }
              ]
            }
            """;

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiter = '|', value = {
        "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'*'}]}"
            + "|{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':['s3:GetObject'],'Resource':['*']}]}",
        "{'Version':'2012-10-17','Statement':{'Effect':'Allow','Action':'s3:GetObject','Resource':'*'}}"
            + "|{'Version':'2012-10-17','Statement':[{'Resource':'*','Action':'s3:GetObject','Effect':'Allow'}]}",
        "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'Service':'a','AWS':'b'},'Action':'x:Y'}]}"
            + "|{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':['b'],'Service':['a']},'Action':['x:Y']}]}",
        "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'x:Y','Condition':{'Bool':{'aws:SecureTransport':false}}}]}"
            + "|{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'x:Y','Condition':{'Bool':{'aws:SecureTransport':['false']}}}]}",
    })
    void parse_whenStringOrListSpellings_yieldsEqualDocuments(String left, String right) {
        PolicyDocument a = PolicyDocument.parse(json(left));
        PolicyDocument b = PolicyDocument.parse(json(right));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.toJson(), b.toJson());
    }

    @Test
    void equals_whenActionsDiffer_isFalse() {
        assertNotEquals(
                PolicyDocument.parse(json("{'Statement':[{'Effect':'Allow','Action':'a:B'}]}")),
                PolicyDocument.parse(json("{'Statement':[{'Effect':'Allow','Action':'a:C'}]}")));
    }

    @Test
    void toJson_whenEveryElementPresent_writesCanonicalKeyOrderAndSingleValuesAsStrings() {
        PolicyDocument document = new PolicyDocument("2012-10-17", "doc-1", List.of(Statement.builder()
                .sid("S1").deny()
                .notPrincipal(Principal.aws("arn:aws:iam::111122223333:root"))
                .notActions(List.of("iam:*", "sts:*"))
                .notResources(List.of("*"))
                .condition("StringLike", "aws:PrincipalTag/team", "a*")
                .condition("Bool", "aws:MultiFactorAuthPresent", "false")
                .build()));

        assertEquals("{\"Version\":\"2012-10-17\",\"Id\":\"doc-1\",\"Statement\":[{\"Sid\":\"S1\",\"Effect\":\"Deny\","
                + "\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"NotAction\":[\"iam:*\",\"sts:*\"],"
                + "\"NotResource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"},"
                + "\"StringLike\":{\"aws:PrincipalTag/team\":\"a*\"}}}]}", document.toJson());
    }

    @Test
    void parse_whenCanonicalJsonReadBack_roundTrips() {
        PolicyDocument document = PolicyDocument.parse(IRSA_TRUST_POLICY);
        assertEquals(document, PolicyDocument.parse(document.toJson()));
        assertEquals(document, PolicyDocument.parse(document.toPrettyJson()));
        assertTrue(document.toPrettyJson().contains("\n"));
    }

    @Test
    void fromUrlEncodedJson_whenGetRoleOutput_equalsPlainParse() {
        String encoded = URLEncoder.encode(IRSA_TRUST_POLICY, StandardCharsets.UTF_8).replace("+", "%20");
        assertTrue(encoded.startsWith("%7B"));
        assertEquals(PolicyDocument.parse(IRSA_TRUST_POLICY), PolicyDocument.fromUrlEncodedJson(encoded));
    }

    @Test
    void fromUrlEncodedJson_whenSpacesEncodedAsPlus_stillParses() {
        String encoded = URLEncoder.encode(IRSA_TRUST_POLICY, StandardCharsets.UTF_8);
        assertTrue(encoded.contains("+"));
        assertEquals(PolicyDocument.parse(IRSA_TRUST_POLICY), PolicyDocument.fromUrlEncodedJson(encoded));
    }

    @Test
    void fromTree_whenInlinePermissionPolicyFromYaml_readsIt() {
        Object tree = new Yaml().load("""
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: [s3:GetObject, s3:PutObject]
                    Resource: arn:aws:s3:::my-bucket/*
                    Condition:
                      NumericLessThanEquals:
                        s3:max-keys: 10
                """);

        PolicyDocument document = PolicyDocument.fromTree(tree);

        Statement statement = document.statements().get(0);
        assertEquals(List.of("s3:GetObject", "s3:PutObject"), statement.actions());
        assertEquals(List.of("arn:aws:s3:::my-bucket/*"), statement.resources());
        assertEquals(List.of("10"), statement.condition("NumericLessThanEquals", "s3:max-keys"));
    }

    @Test
    void fromTree_whenYamlVersionUnquoted_readsTheDateBackAsVersionText() {
        Object tree = new Yaml().load("""
                Version: 2012-10-17
                Statement:
                  - {Effect: Allow, Action: "s3:ListBucket", Resource: "*"}
                """);

        assertEquals(PolicyDocument.VERSION_2012_10_17, PolicyDocument.fromTree(tree).version());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "{'Version':'2012-10-17'}|Statement|Statement is missing",
        "{'Version':'2012-10-17','Statement':'x'}|Statement|must be an object or a list of objects",
        "{'Version':'2012-10-17','Statement':[],'Statment':[]}|Statment|unknown top-level element",
        "{'Version':'2013-01-01','Statement':[]}|Version|Version must be \"2012-10-17\"",
        "{'Statement':[{'Effect':'Allow','Action':'a:B'},{'Effect':'allow','Action':'a:B'}]}|Statement[1].Effect|must be \"Allow\" or \"Deny\"",
        "{'Statement':[{'Action':'a:B'}]}|Statement[0].Effect|Effect is missing",
        "{'Statement':[{'Effect':'Allow','Action':42}]}|Statement[0].Action|must be a string or a list of strings, not the number 42",
        "{'Statement':[{'Effect':'Allow','Action':['a:B',{'x':1}]}]}|Statement[0].Action[1]|must be a string, not an object",
        "{'Statement':[{'Effect':'Allow','Action':[]}]}|Statement[0].Action|list must not be empty",
        "{'Statement':[{'Effect':'Allow'}]}|Statement[0].Action|Action (or NotAction) is missing",
        "{'Statement':[{'Effect':'Allow','Action':'a:B','NotAction':'c:D'}]}|Statement[0].NotAction|both Action and NotAction",
        "{'Statement':[{'Effect':'Allow','Action':'a:B','Resources':'*'}]}|Statement[0].Resources|unknown statement element",
        "{'Statement':[{'Effect':'Allow','Action':'a:B','Principal':{'Services':'x'}}]}|Statement[0].Principal.Services|unknown principal type",
        "{'Statement':[{'Effect':'Allow','Action':'a:B','Principal':'everyone'}]}|Statement[0].Principal|principal must be \"*\" or an object",
        "{'Statement':[{'Effect':'Allow','Action':'a:B','Condition':{'StringEquals':'x'}}]}|Statement[0].Condition.StringEquals|must be an object",
        "{'Statement':[{'Effect':'Allow','Action':'a:B','Condition':{'StringEquals':{'k':[]}}}]}|Statement[0].Condition.StringEquals.k|list must not be empty",
        "['not','an','object']||policy document must be an object, not a list",
        "{'Statement':[{'Effect':'Allow','Action':'a:B','Action':'c:D'}]}||not valid JSON",
    })
    void parse_whenMalformed_throwsWithRelativePathAndMessage(String text, String path, String message) {
        PolicyFormatException error = assertThrows(PolicyFormatException.class, () -> PolicyDocument.parse(json(text)));
        assertEquals(path == null ? "" : path, error.path());
        assertTrue(error.problem().contains(message), () -> "message was: " + error.problem());
    }

    @Test
    void parse_whenVersionAbsent_keepsItAbsentBecauseIamThenAppliesTheLegacyVersion() {
        PolicyDocument document = PolicyDocument.parse(json("{'Statement':[{'Effect':'Allow','Action':'a:B'}]}"));

        assertEquals(null, document.version());
        assertEquals(false, document.hasVersion());
        assertEquals("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"a:B\"}]}", document.toJson());
        assertTrue(PolicyDocument.of(Statement.allow(List.of("a:B"), List.of("*"))).hasVersion());
    }

    @Test
    void parse_whenDecimalConditionValue_keepsItsDigits() {
        PolicyDocument document = PolicyDocument.parse(
                json("{'Statement':[{'Effect':'Allow','Action':'a:B','Condition':{'NumericEquals':{'k':1.10}}}]}"));
        assertEquals(List.of("1.10"), document.statements().get(0).condition("NumericEquals", "k"));
    }

    @Test
    void parse_whenTextAfterDocument_throws() {
        PolicyFormatException error = assertThrows(PolicyFormatException.class,
                () -> PolicyDocument.parse(json("{'Statement':[]} {'x':1}")));
        assertTrue(error.problem().startsWith("policy document is not valid JSON"), error::problem);
    }

    @Test
    void parse_whenNotJson_namesLineAndColumn() {
        PolicyFormatException error = assertThrows(PolicyFormatException.class,
                () -> PolicyDocument.parse("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}"));
        assertTrue(error.getMessage().contains("line 4"), error::getMessage);
    }

    @Test
    void fromTree_whenYamlGivesNonStringKeys_throws() {
        PolicyFormatException error = assertThrows(PolicyFormatException.class,
                () -> PolicyDocument.fromTree(Map.of(1, "x")));
        assertEquals("", error.path());
    }

    @Test
    void parse_whenPrincipalWildcard_keepsItDistinctFromAwsWildcard() {
        PolicyDocument star = PolicyDocument.parse(json("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'a:B'}]}"));
        PolicyDocument awsStar = PolicyDocument.parse(
                json("{'Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'a:B'}]}"));
        assertEquals(new Principal.Anyone(), star.statements().get(0).principal());
        assertNotEquals(star, awsStar);
        assertTrue(star.toJson().contains("\"Principal\":\"*\""));
    }

    /** Single quotes keep the JSON in test tables readable. */
    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }
}
