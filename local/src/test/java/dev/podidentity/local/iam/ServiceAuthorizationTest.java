package dev.podidentity.local.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference rows the gateway relies on, each the fact the Service Authorization Reference states. */
class ServiceAuthorizationTest {
    static final ServiceAuthorization SAR = ServiceAuthorization.load();

    static List<String> types(String action) {
        return SAR.action(action).orElseThrow().resourceTypes().stream()
                .map(t -> t.name() + (t.required() ? "*" : "")).toList();
    }

    @Test
    void addonWrites_areAlsoAuthorizedOnPodIdentityAssociations() {
        assertEquals(List.of("cluster*", "podidentityassociation"), types("eks:CreateAddon"));
        assertEquals(List.of("addon*", "podidentityassociation"), types("eks:UpdateAddon"));
        assertEquals(List.of("addon*", "podidentityassociation"), types("eks:DeleteAddon"));
        assertEquals(List.of("eks:TagResource", "iam:PassRole"), SAR.action("eks:CreateAddon").orElseThrow().dependentActions());
    }

    @Test
    void listCallsWithoutResourceLevelPermissions() {
        for (String action : List.of("iam:ListOpenIDConnectProviders", "eks:ListClusters", "eks:DescribeAddonVersions",
                "eks:DescribeAddonConfiguration", "iam:ListRoles", "cloudwatch:PutMetricData")) {
            assertTrue(SAR.action(action).orElseThrow().unscoped(), action);
        }
        assertFalse(SAR.action("iam:GetOpenIDConnectProvider").orElseThrow().unscoped());
    }

    @Test
    void arnFormats_recogniseTheResourcesOurCallsName() {
        var row = SAR.action("eks:DeleteAddon").orElseThrow();
        assertEquals("addon", row.typeOf("arn:aws:eks:us-west-2:111122223333:addon/dev/vpc-cni/abc").orElseThrow().name());
        assertEquals("podidentityassociation",
                row.typeOf("arn:aws:eks:us-west-2:111122223333:podidentityassociation/dev/a-1").orElseThrow().name());
        assertTrue(row.typeOf("arn:aws:eks:us-west-2:111122223333:cluster/dev").isEmpty());
        assertEquals("role", SAR.action("iam:PassRole").orElseThrow()
                .typeOf("arn:aws:iam::111122223333:role/path/deeper/name").orElseThrow().name());
        assertEquals("object", SAR.action("s3:GetObject").orElseThrow().typeOf("arn:aws:s3:::bucket/a/b.yaml").orElseThrow().name());
    }

    @Test
    void actionNames_areCaseInsensitive_unknownActionsAreAbsent() {
        assertTrue(SAR.action("IAM:createrole").isPresent());
        assertTrue(SAR.action("iam:CreateUser").isEmpty());
    }
}
