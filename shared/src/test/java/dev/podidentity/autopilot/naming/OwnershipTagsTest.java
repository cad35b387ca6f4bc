package dev.podidentity.autopilot.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OwnershipTagsTest {

    @Test
    void forAssociation_whenBuilt_carriesManagedByClusterNamespaceAndServiceAccount() {
        assertEquals(Map.of(
                "pod-identity-autopilot/managed-by", "pod-identity-autopilot",
                "pod-identity-autopilot/cluster", "prod",
                "pod-identity-autopilot/namespace", "default",
                "pod-identity-autopilot/service-account", "my-sa"),
                OwnershipTags.forAssociation("prod", "default", "my-sa"));
    }

    @Test
    void forAddon_whenBuilt_carriesAddonInsteadOfNamespace() {
        Map<String, String> tags = OwnershipTags.forAddon("prod", "vpc-cni", "aws-node");
        assertEquals("vpc-cni", tags.get(OwnershipTags.ADDON));
        assertFalse(tags.containsKey(OwnershipTags.NAMESPACE));
        assertEquals(Owner.AUTOPILOT, OwnershipTags.owner(tags));
    }

    static Stream<Arguments> owners() {
        return Stream.of(
                Arguments.of(OwnershipTags.forAssociation("prod", "ns", "sa"), Owner.AUTOPILOT),
                Arguments.of(Map.of("alpha.eksctl.io/cluster-name", "prod",
                        "alpha.eksctl.io/podidentityassociation-name", "ns/sa"), Owner.EKSCTL),
                Arguments.of(Map.of("alpha.eksctl.io/iamserviceaccount-name", "default/sa"), Owner.EKSCTL),
                Arguments.of(Map.of("alpha.eksctl.io/addon-name", "vpc-cni"), Owner.EKSCTL),
                Arguments.of(Map.of("eksctl.cluster.k8s.io/v1alpha1/cluster-name", "prod"), Owner.EKSCTL),
                Arguments.of(Map.of("pod-identity-autopilot/managed-by", "someone-else"), Owner.UNKNOWN),
                Arguments.of(Map.of("team", "payments"), Owner.UNKNOWN),
                Arguments.of(Map.of(), Owner.UNKNOWN));
    }

    @ParameterizedTest
    @MethodSource("owners")
    void owner_whenTags_recognisesCreator(Map<String, String> tags, Owner expected) {
        assertEquals(expected, OwnershipTags.owner(tags));
    }

    @Test
    void isOwnedBy_whenOtherClusterOrForeign_isFalse() {
        Map<String, String> ours = OwnershipTags.forAssociation("prod", "ns", "sa");
        assertTrue(OwnershipTags.isOwnedBy(ours, "prod"));
        assertFalse(OwnershipTags.isOwnedBy(ours, "staging"));
        assertFalse(OwnershipTags.isOwnedBy(Map.of("alpha.eksctl.io/cluster-name", "prod"), "prod"));
        assertFalse(OwnershipTags.isOwnedBy(Map.of(OwnershipTags.CLUSTER, "prod"), "prod"));
    }

    @Test
    void eksctlClusterName_whenLegacyOrCurrentKey_findsIt() {
        assertEquals(Optional.of("a"), OwnershipTags.eksctlClusterName(Map.of("alpha.eksctl.io/cluster-name", "a")));
        assertEquals(Optional.of("b"),
                OwnershipTags.eksctlClusterName(Map.of("eksctl.cluster.k8s.io/v1alpha1/cluster-name", "b")));
        assertEquals(Optional.empty(), OwnershipTags.eksctlClusterName(Map.of()));
    }

    @Test
    void merge_whenUserTagsOverlapOurs_oursWinEvenAcrossCase() {
        Map<String, String> user = new LinkedHashMap<>();
        user.put("team", "payments");
        user.put("pod-identity-autopilot/cluster", "spoofed");
        user.put("Pod-Identity-Autopilot/Managed-By", "me");

        Map<String, String> merged = OwnershipTags.merge(user, OwnershipTags.forAssociation("prod", "ns", "sa"));

        assertEquals(5, merged.size());
        assertEquals("payments", merged.get("team"));
        assertEquals("prod", merged.get("pod-identity-autopilot/cluster"));
        assertFalse(merged.containsKey("Pod-Identity-Autopilot/Managed-By"));
        assertTrue(OwnershipTags.isOwnedBy(merged, "prod"));
    }

    @Test
    void merge_whenTooManyTagsInAll_explainsTheCount() {
        Map<String, String> user = new HashMap<>();
        for (int i = 0; i < 47; i++) {
            user.put("k" + i, "v");
        }
        InvalidTagsException error = assertThrows(InvalidTagsException.class,
                () -> OwnershipTags.merge(user, OwnershipTags.forAssociation("prod", "ns", "sa")));
        assertEquals(List.of("there would be 51 tags (47 given plus 4 ownership tags); IAM and EKS allow at most 50"),
                error.problems());
        user.remove("k0");
        assertEquals(50, OwnershipTags.merge(user, OwnershipTags.forAssociation("prod", "ns", "sa")).size());
    }

    static Stream<Arguments> badTags() {
        return Stream.of(
                Arguments.of(Map.of("aws:cloudformation:stack-name", "x"),
                        "tag key \"aws:cloudformation:stack-name\" uses the prefix aws:, which AWS reserves"),
                Arguments.of(Map.of("k".repeat(129), "v"),
                        "tag key \"" + "k".repeat(37) + "...\" is 129 characters long; at most 128 are allowed"),
                Arguments.of(Map.of("k", "v".repeat(257)),
                        "the value of tag \"k\" is 257 characters long; at most 256 are allowed"),
                Arguments.of(Map.of("cost#center", "v"),
                        "tag key \"cost#center\" contains characters IAM does not allow; use letters, digits, spaces and _.:/=+-@"),
                Arguments.of(Map.of("k", "a*b"),
                        "the value of tag \"k\" contains characters IAM does not allow; use letters, digits, spaces and _.:/=+-@"),
                Arguments.of(Map.of("", "v"), "tag key must not be empty"));
    }

    @ParameterizedTest
    @MethodSource("badTags")
    void problems_whenTagBreaksIamRules_reportsClearly(Map<String, String> tags, String expected) {
        assertEquals(List.of(expected), OwnershipTags.problems(tags));
        InvalidTagsException error = assertThrows(InvalidTagsException.class,
                () -> OwnershipTags.merge(tags, OwnershipTags.forAssociation("prod", "ns", "sa")));
        assertEquals(List.of(expected), error.problems());
    }

    @Test
    void problems_whenKeysDifferOnlyInCase_reportsBoth() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("Team", "a");
        tags.put("team", "b");
        assertEquals(List.of("tag keys \"Team\" and \"team\" differ only in case; IAM treats them as the same key"),
                OwnershipTags.problems(tags));
    }

    @Test
    void problems_whenUnicodeLettersAndEmptyValue_accepts() {
        assertEquals(List.of(), OwnershipTags.problems(Map.of("équipe", "", "cost-center:id", "a b/c=d+e@f")));
    }
}
