package dev.podidentity.autopilot.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What IAM refuses in a permissions policy beyond its JSON shape (MalformedPolicyDocument). */
class IdentityPolicyGrammarTest {

    private static List<String> problems(String json) {
        return IdentityPolicyGrammar.problems(PolicyDocument.parse(json)).stream().map(p -> p[0] + ": " + p[1]).toList();
    }

    @Test
    void actionsInServiceColonActionForm_withWildcards_andNamedResources_pass() {
        assertEquals(List.of(), problems("""
                {"Version": "2012-10-17", "Statement": [
                 {"Effect": "Allow", "Action": ["s3:GetObject", "s3:List*", "dynamodb:?etItem", "execute-api:Invoke"],
                  "Resource": "*"},
                 {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b/*"},
                 {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:sqs:us-west-2:111122223333:q"}]}"""));
    }

    @Test
    void anActionWithoutItsServicePrefix_orWithASpace_isRefusedAndNamed() {
        List<String> found = problems("""
                {"Version": "2012-10-17", "Statement": [
                 {"Effect": "Allow", "Action": ["s3 GetObject", "GetObject", "s3:Get Object", "s3:"], "Resource": "*"}]}""");
        assertEquals(4, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("Statement[0].Action[0]: action \"s3 GetObject\""), found.get(0));
    }

    @Test
    void aStatementWithoutResource_orWithAPrincipal_isRefused() {
        List<String> found = problems("""
                {"Version": "2012-10-17", "Statement": [
                 {"Effect": "Allow", "Action": "s3:GetObject"},
                 {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}]}""");
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("Statement[0].Resource: Resource (or NotResource) is missing"), found.get(0));
        assertTrue(found.get(1).startsWith("Statement[1].Principal"), found.get(1));
    }

    @Test
    void aHugeValue_isQuotedByItsFirstCharactersOnly() {
        String huge = "x".repeat(100_000);
        List<String> found = problems("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
                + "\"Action\": \"" + huge + "\", \"Resource\": \"*\"}]}");
        assertEquals(1, found.size());
        assertTrue(found.get(0).length() < 400, found.get(0).length() + " characters");
        assertTrue(found.get(0).contains("(100000 characters)"), found.get(0));
    }
}
