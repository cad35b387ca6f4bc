package dev.podidentity.autopilot.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.naming.Partition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicySizeTest {

    @Test
    void characters_whenPrettyOrMinifiedOrSpacesInValues_countsNonWhitespaceOfCanonicalJson() {
        PolicyDocument document = PolicyDocument.parse("""
                { "Version" : "2012-10-17",
                  "Statement" : [ { "Sid": "A", "Effect" : "Allow", "Action" : "a:B", "Resource": "x y" } ] }
                """);
        String canonical = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\","
                + "\"Action\":\"a:B\",\"Resource\":\"xy\"}]}";
        assertEquals(canonical.length(), PolicySize.characters(document));
    }

    @ParameterizedTest
    @CsvSource({"TRUST_POLICY,2048", "MANAGED_POLICY,6144", "ROLE_INLINE_POLICIES,10240"})
    void problem_whenOneOverLimit_reportsAndAtLimitPasses(PolicyLimit limit, int max) {
        assertEquals(max, limit.maxCharacters());
        PolicyDocument atLimit = documentOfSize(max);
        PolicyDocument over = documentOfSize(max + 1);
        assertEquals(max, PolicySize.characters(atLimit));
        assertEquals(Optional.empty(), PolicySize.problem(atLimit, limit));
        assertEquals(Optional.of(limit.subject() + " would be " + (max + 1)
                + " characters without white space; IAM allows at most " + max), PolicySize.problem(over, limit));
    }

    @Test
    void problem_whenTrustQuotaRaised_usesRaisedLimit() {
        PolicyDocument document = documentOfSize(3000);
        assertTrue(PolicySize.problem(document, PolicyLimit.TRUST_POLICY).isPresent());
        assertEquals(Optional.empty(), PolicySize.problem(document, PolicyLimit.TRUST_POLICY, 8192));
    }

    @Test
    void problem_whenSeveralInlinePolicies_addsThemUp() {
        PolicyDocument half = documentOfSize(6000);
        assertEquals(Optional.empty(), PolicySize.problem(half, PolicyLimit.ROLE_INLINE_POLICIES));
        assertTrue(PolicySize.problem(List.of(half, half), PolicyLimit.ROLE_INLINE_POLICIES).isPresent());
    }

    @Test
    void characters_whenPodIdentityTrustPolicy_isFarBelowDefaultLimit() {
        // The documented JSON has no white space, so its length is what IAM counts.
        String documented = TrustPolicies.podIdentityTrustPolicy(Partition.AWS).toJson();
        assertEquals(198, documented.length());
        assertEquals(198, PolicySize.characters(TrustPolicies.podIdentityTrustPolicy(Partition.AWS)));
    }

    /** A one-statement document whose canonical form has exactly {@code size} characters. */
    private static PolicyDocument documentOfSize(int size) {
        PolicyDocument empty = PolicyDocument.of(Statement.allow(List.of("a:B"), List.of("")));
        int padding = size - PolicySize.characters(empty);
        List<String> resources = new ArrayList<>(List.of("r".repeat(padding)));
        return PolicyDocument.of(Statement.allow(List.of("a:B"), resources));
    }
}
