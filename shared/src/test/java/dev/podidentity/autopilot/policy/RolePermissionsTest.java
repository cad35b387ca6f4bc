package dev.podidentity.autopilot.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.naming.Partition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RolePermissionsTest {

    private static final PolicyDocument S3_READ = PolicyDocument.of(
            Statement.allow(List.of("s3:GetObject"), List.of("arn:aws:s3:::bucket/*")));

    @Test
    void of_whenUserAndWellKnownArns_putsUserFirstAndDropsDuplicates() {
        RolePermissions permissions = RolePermissions.of(
                List.of("arn:aws:iam::111122223333:policy/mine",
                        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"),
                Set.of(WellKnownPolicy.EBS_CSI_CONTROLLER, WellKnownPolicy.IMAGE_BUILDER),
                null, null, "arn:aws:iam::111122223333:policy/boundary", Partition.AWS);

        assertEquals(List.of("arn:aws:iam::111122223333:policy/mine",
                        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
                        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"),
                permissions.managedPolicyArns());
        assertEquals(Optional.of("arn:aws:iam::111122223333:policy/boundary"), permissions.permissionsBoundaryArn());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"null,Policy1", "'',Policy1", "ReadBucket,ReadBucket"})
    void of_whenPermissionPolicy_namesItAfterPermissionPolicyNameOrPolicy1(String given, String expected) {
        RolePermissions permissions = RolePermissions.of(null, Set.of(WellKnownPolicy.AUTO_SCALER), S3_READ, given,
                null, Partition.AWS);

        assertEquals(List.of(expected, "PolicyAutoScaling"),
                permissions.inlinePolicies().stream().map(InlinePolicy::name).toList());
        assertEquals(Optional.of(S3_READ), permissions.inlinePolicy(expected).map(InlinePolicy::document));
        assertEquals(Optional.empty(), permissions.permissionsBoundaryArn());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PolicyAutoScaling|is the name of a well-known policy",
        "has space|must be 1-128 characters",
        "a/b|must be 1-128 characters",
    })
    void of_whenPermissionPolicyNameUnusable_throwsClearly(String name, String message) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RolePermissions.of(null, Set.of(), S3_READ, name, null, Partition.AWS));
        assertTrue(error.getMessage().contains(message), error::getMessage);
    }

    @Test
    void of_whenNameWithoutPolicy_throws() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RolePermissions.of(null, Set.of(), null, "Mine", null, Partition.AWS));
        assertEquals("permissionPolicyName requires permissionPolicy to be set", error.getMessage());
    }

    @Test
    void inlineSizeProblem_whenAggregateExceedsRoleLimit_reportsIt() {
        List<String> actions = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            actions.add("service:SomeRatherLongActionName" + i);
        }
        PolicyDocument big = PolicyDocument.of(Statement.allow(actions, List.of("*")));

        RolePermissions permissions = RolePermissions.of(null, Set.of(WellKnownPolicy.AWS_LOAD_BALANCER_CONTROLLER),
                big, null, null, Partition.AWS);

        assertTrue(permissions.inlineSizeProblem().orElseThrow().contains("IAM allows at most 10240"));
        assertEquals(Optional.empty(), RolePermissions.of(null, Set.of(WellKnownPolicy.AWS_LOAD_BALANCER_CONTROLLER),
                S3_READ, null, null, Partition.AWS).inlineSizeProblem());
    }
}
