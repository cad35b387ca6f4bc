package dev.podidentity.autopilot.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoleNamesTest {

    @ParameterizedTest
    @CsvSource({
        "prod,default,my-sa,prod+default+my-sa",
        "prod,kube-system,aws-load-balancer-controller,prod+kube-system+aws-load-balancer-controller",
        "my_cluster-1,team.a,sa.v2,my_cluster-1+team.a+sa.v2",
    })
    void forAssociation_whenShortLowercaseParts_isReadableFullName(String cluster, String ns, String sa, String expected) {
        assertEquals(expected, RoleNames.forAssociation(cluster, ns, sa));
    }

    @Test
    void forAddon_whenShort_marksTheAddonAndOmitsNamespace() {
        assertEquals("prod+addon=vpc-cni+aws-node", RoleNames.forAddon("prod", "vpc-cni", "aws-node"));
    }

    @Test
    void forAddonAndAssociation_whenNamespaceEqualsAddonName_differ() {
        assertNotEquals(RoleNames.forAddon("prod", "vpc-cni", "aws-node"),
                RoleNames.forAssociation("prod", "vpc-cni", "aws-node"));
    }

    @Test
    void forAssociation_whenEksctlAmbiguousPair_differs() {
        // eksctl's stack suffix "-podidentityrole-a-b-c" fits both of these.
        assertNotEquals(RoleNames.forAssociation("c", "a-b", "c"), RoleNames.forAssociation("c", "a", "b-c"));
    }

    @Test
    void forAssociation_whenTooLong_shortensFairlyAndAppendsHash() {
        String name = RoleNames.forAssociation("production-eu-west-1-primary", "kube-system",
                "aws-load-balancer-controller");

        assertTrue(name.length() <= 64, name);
        assertTrue(name.matches("[a-z0-9._-]+\\+kube-system\\+[a-z0-9._-]+,[0-9a-f]{12}"), name);
        assertTrue(name.startsWith("production-eu-west"), name);
        assertEquals(name, RoleNames.forAssociation("production-eu-west-1-primary", "kube-system",
                "aws-load-balancer-controller"));
        assertEquals(List.of(), RoleNames.validate(name));
    }

    @Test
    void forAssociation_whenClusterHasCapitals_hashesSoCaseVariantsDiffer() {
        String upper = RoleNames.forAssociation("Prod", "default", "my-sa");
        String lower = RoleNames.forAssociation("prod", "default", "my-sa");

        assertEquals("prod+default+my-sa", lower);
        assertTrue(upper.startsWith("prod+default+my-sa,"), upper);
        assertNotEquals(upper.toLowerCase(Locale.ROOT), lower.toLowerCase(Locale.ROOT));
    }

    @Test
    void forAssociation_whenEmptyPart_throws() {
        assertThrows(IllegalArgumentException.class, () -> RoleNames.forAssociation("prod", "", "sa"));
        assertThrows(NullPointerException.class, () -> RoleNames.forAddon("prod", null, "sa"));
    }

    /**
     * Property: over every namespace/service-account pair drawn from an alphabet rich in hyphens and dots (the
     * characters that make eksctl's names ambiguous), plus random long and mixed-case tuples, distinct inputs give
     * distinct names even compared case-insensitively as IAM does, and every name is a valid role name.
     */
    @Test
    void forAssociationAndAddon_whenManyGeneratedTuples_neverCollideAndAreValid() {
        List<String> shortParts = new ArrayList<>();
        String alphabet = "ab-.";
        for (int length = 1; length <= 3; length++) {
            generate("", length, alphabet, shortParts);
        }
        Map<String, String> seen = new HashMap<>();
        for (String ns : shortParts) {
            for (String sa : shortParts) {
                record(seen, RoleNames.forAssociation("c", ns, sa), "association|c|" + ns + "|" + sa);
                record(seen, RoleNames.forAddon("c", ns, sa), "addon|c|" + ns + "|" + sa);
            }
        }
        Random random = new Random(20261129L);
        for (int i = 0; i < 10_000; i++) {
            String cluster = randomPart(random, "abcXYZ_-0", 1 + random.nextInt(40));
            String ns = randomPart(random, "ab-", 1 + random.nextInt(30));
            String sa = randomPart(random, "ab-.", 1 + random.nextInt(60));
            record(seen, RoleNames.forAssociation(cluster, ns, sa), "association|" + cluster + "|" + ns + "|" + sa);
            record(seen, RoleNames.forAddon(cluster, ns, sa), "addon|" + cluster + "|" + ns + "|" + sa);
        }
        assertTrue(seen.size() > 30_000, "generated " + seen.size());
    }

    private static void record(Map<String, String> seen, String name, String tuple) {
        assertEquals(List.of(), RoleNames.validate(name), name);
        String previous = seen.put(name.toLowerCase(Locale.ROOT), tuple);
        if (previous != null) {
            assertEquals(previous, tuple, "two inputs share the role name " + name);
        }
    }

    private static void generate(String prefix, int length, String alphabet, List<String> out) {
        if (prefix.length() == length) {
            out.add(prefix);
            return;
        }
        for (char c : alphabet.toCharArray()) {
            generate(prefix + c, length, alphabet, out);
        }
    }

    private static String randomPart(Random random, String alphabet, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "my-role|null",
        "a+b=c,d.e@f_g-h|null",
        "''|role name must not be empty",
        "null|role name must not be empty",
        "has space|role name contains characters IAM does not allow (space); use letters, digits and +=,.@_-",
        "a:b/c|role name contains characters IAM does not allow ('/', ':'); use letters, digits and +=,.@_-",
    })
    void validate_whenUserRoleName_reportsCharsetProblems(String name, String expected) {
        List<String> problems = RoleNames.validate(name);
        if (expected == null) {
            assertEquals(List.of(), problems);
        } else {
            assertEquals(List.of(expected), problems);
        }
    }

    @Test
    void validate_whenTooLong_reportsLength() {
        assertEquals(List.of(), RoleNames.validate("r".repeat(64)));
        assertEquals(List.of("role name is 65 characters long; IAM allows at most 64"),
                RoleNames.validate("r".repeat(65)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "/|null",
        "/pod-identity/team-a/|null",
        "pod-identity/|role path must begin and end with \"/\", e.g. /pod-identity/",
        "/a//b/|role path must not contain empty segments (\"//\")",
        "/a b/|role path may only contain printable ASCII characters without spaces",
    })
    void validatePath_whenGiven_reportsProblems(String path, String expected) {
        List<String> problems = RoleNames.validatePath(path);
        if (expected == null) {
            assertEquals(List.of(), problems);
        } else {
            assertEquals(List.of(expected), problems);
        }
    }

    @Test
    void fit_whenOneLongPart_keepsShortPartsWhole() {
        String[] fitted = Hashes.fit(new String[] {"abc", "x".repeat(100), "de"}, 20);
        assertEquals("abc", fitted[0]);
        assertEquals("de", fitted[2]);
        assertEquals(15, fitted[1].length());
    }

    @Test
    void namesAnotherCluster_onlyForNamesThisSchemeMadeForAnotherCluster() {
        String ours = RoleNames.forAssociation("dev", "default", "app");
        String theirs = RoleNames.forAssociation("prod", "default", "app");
        String theirAddon = RoleNames.forAddon("prod", "vpc-cni", "aws-node");
        String longName = "a-very-long-cluster-name-for-the-platform-team-" + "x".repeat(20);
        String oursShort = RoleNames.forAssociation(longName, "kube-system", "some-controller-service-account");
        String capsShort = RoleNames.forAssociation("Prod-EU", "default", "app");
        assertTrue(oursShort.contains(","), oursShort);
        assertTrue(capsShort.contains(","), capsShort);

        assertFalse(RoleNames.namesAnotherCluster(ours, "dev"));
        assertTrue(RoleNames.namesAnotherCluster(theirs, "dev"));
        assertTrue(RoleNames.namesAnotherCluster(theirAddon, "dev"));
        assertFalse(RoleNames.namesAnotherCluster(theirAddon, "prod"));
        assertFalse(RoleNames.namesAnotherCluster(oursShort, longName), "a shortened name: its cluster part is cut");
        assertTrue(RoleNames.namesAnotherCluster(oursShort, "dev"));
        assertFalse(RoleNames.namesAnotherCluster(capsShort, "Prod-EU"), "capitals are lower-cased in a short name");
        assertTrue(RoleNames.namesAnotherCluster(capsShort, "Dev"));
        assertFalse(RoleNames.namesAnotherCluster(RoleNames.forAssociation("dev2", "default", "app"), "dev2"));
        assertTrue(RoleNames.namesAnotherCluster(RoleNames.forAssociation("dev2", "default", "app"), "dev"),
                "a cluster whose name starts with another's is still another cluster");
        // a user's roleName says nothing about its cluster: it is read
        assertFalse(RoleNames.namesAnotherCluster("my-team-s3-reader", "dev"));
        assertFalse(RoleNames.namesAnotherCluster("Prod+Reader", "dev"));
        assertFalse(RoleNames.namesAnotherCluster(null, "dev"));
    }
}
