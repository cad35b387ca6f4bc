package dev.podidentity.autopilot.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.naming.Partition;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class WellKnownPoliciesTest {

    static Stream<Arguments> expansions() {
        return Stream.of(
                Arguments.of(WellKnownPolicy.IMAGE_BUILDER,
                        List.of("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"), List.of(), List.of()),
                Arguments.of(WellKnownPolicy.AUTO_SCALER, List.of(), List.of("PolicyAutoScaling"), List.of(2)),
                Arguments.of(WellKnownPolicy.AWS_LOAD_BALANCER_CONTROLLER, List.of(),
                        List.of("PolicyAWSLoadBalancerController"), List.of(16)),
                Arguments.of(WellKnownPolicy.EXTERNAL_DNS, List.of(),
                        List.of("PolicyExternalDNSChangeSet", "PolicyExternalDNSHostedZones"), List.of(1, 1)),
                Arguments.of(WellKnownPolicy.CERT_MANAGER, List.of(),
                        List.of("PolicyCertManagerChangeSet", "PolicyCertManagerGetChange", "PolicyCertManagerHostedZones"),
                        List.of(1, 1, 1)),
                Arguments.of(WellKnownPolicy.EBS_CSI_CONTROLLER,
                        List.of("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"), List.of(), List.of()),
                Arguments.of(WellKnownPolicy.EFS_CSI_CONTROLLER, List.of(), List.of("PolicyEFSCSIController"), List.of(4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expansions")
    void expand_whenSingleFlag_givesEksctlManagedArnsAndInlinePolicies(WellKnownPolicy flag, List<String> managed,
                                                                        List<String> inlineNames,
                                                                        List<Integer> statementCounts) {
        WellKnownPolicies.Expansion expansion = WellKnownPolicies.expand(Set.of(flag), Partition.AWS);

        assertEquals(managed, expansion.managedPolicyArns());
        assertEquals(inlineNames, expansion.inlinePolicies().stream().map(InlinePolicy::name).toList());
        assertEquals(statementCounts,
                expansion.inlinePolicies().stream().map(p -> p.document().statements().size()).toList());
        expansion.inlinePolicies().forEach(p -> {
            assertEquals(PolicyDocument.VERSION_2012_10_17, p.document().version());
            assertTrue(p.document().statements().stream().allMatch(Statement::isAllow));
            assertEquals(Optional.empty(), PolicySize.problem(p.document(), PolicyLimit.MANAGED_POLICY));
        });
    }

    @Test
    void expand_whenAllFlags_ordersManagedArnsAndInlinePoliciesAsEksctl() {
        WellKnownPolicies.Expansion expansion =
                WellKnownPolicies.expand(EnumSet.allOf(WellKnownPolicy.class), Partition.AWS);

        assertEquals(List.of("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser",
                "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"), expansion.managedPolicyArns());
        assertEquals(List.of("PolicyAutoScaling", "PolicyAWSLoadBalancerController", "PolicyExternalDNSChangeSet",
                        "PolicyExternalDNSHostedZones", "PolicyCertManagerChangeSet", "PolicyCertManagerGetChange",
                        "PolicyCertManagerHostedZones", "PolicyEFSCSIController"),
                expansion.inlinePolicies().stream().map(InlinePolicy::name).toList());
        assertEquals(WellKnownPolicies.INLINE_POLICY_NAMES.size(), expansion.inlinePolicies().size());
    }

    @Test
    void expand_whenNoFlags_isEmpty() {
        WellKnownPolicies.Expansion expansion = WellKnownPolicies.expand(Set.of(), Partition.AWS);
        assertTrue(expansion.managedPolicyArns().isEmpty());
        assertTrue(expansion.inlinePolicies().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = Partition.class, names = {"AWS_CN", "AWS_US_GOV"})
    void expand_whenOtherPartition_substitutesItIntoEveryArn(Partition partition) {
        WellKnownPolicies.Expansion expansion =
                WellKnownPolicies.expand(EnumSet.allOf(WellKnownPolicy.class), partition);

        String everything = expansion.managedPolicyArns() + expansion.inlinePolicies().stream()
                .map(p -> p.document().toJson()).toList().toString();
        assertFalse(everything.contains("arn:aws:"), everything);
        assertTrue(expansion.managedPolicyArns().stream().allMatch(a -> a.startsWith("arn:" + partition.id() + ":iam::aws:")));
        assertTrue(everything.contains("arn:" + partition.id() + ":route53:::hostedzone/*"));
        assertTrue(everything.contains("arn:" + partition.id() + ":ec2:*:*:security-group/*"));
    }

    @Test
    void expand_whenLoadBalancerController_carriesEksctlConditionsAndResources() {
        List<Statement> statements = inline(WellKnownPolicy.AWS_LOAD_BALANCER_CONTROLLER, Partition.AWS)
                .document().statements();

        Statement serviceLinkedRole = statements.get(0);
        assertEquals(List.of("iam:CreateServiceLinkedRole"), serviceLinkedRole.actions());
        assertEquals(List.of("elasticloadbalancing.amazonaws.com"),
                serviceLinkedRole.condition("StringEquals", "iam:AWSServiceName"));

        Statement reads = statements.get(1);
        assertTrue(reads.actions().containsAll(List.of("ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
                "ec2:GetSecurityGroupsForVpc", "ec2:DescribeCoipPools", "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeCapacityReservation")));

        Statement tagOnCreate = statements.get(5);
        assertEquals(List.of("ec2:CreateTags"), tagOnCreate.actions());
        assertEquals(List.of("arn:aws:ec2:*:*:security-group/*"), tagOnCreate.resources());
        assertEquals(List.of("CreateSecurityGroup"), tagOnCreate.condition("StringEquals", "ec2:CreateAction"));
        assertEquals(List.of("false"), tagOnCreate.condition("Null", "aws:RequestTag/elbv2.k8s.aws/cluster"));

        Statement tagsOnOwned = statements.get(6);
        assertEquals(List.of("true"), tagsOnOwned.condition("Null", "aws:RequestTag/elbv2.k8s.aws/cluster"));
        assertEquals(List.of("false"), tagsOnOwned.condition("Null", "aws:ResourceTag/elbv2.k8s.aws/cluster"));

        Statement modify = statements.get(12);
        assertTrue(modify.actions().containsAll(List.of("elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools")));

        Statement addTagsOnCreate = statements.get(13);
        assertEquals(List.of("CreateTargetGroup", "CreateLoadBalancer"),
                addTagsOnCreate.condition("StringEquals", "elasticloadbalancing:CreateAction"));
        assertEquals(3, addTagsOnCreate.resources().size());

        assertEquals(List.of("arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"), statements.get(14).resources());
        assertTrue(statements.get(15).actions().contains("elasticloadbalancing:SetRulePriorities"));
    }

    @Test
    void expand_whenAutoScalerAndEfs_carriesKeyActionsAndConditions() {
        List<Statement> autoScaler = inline(WellKnownPolicy.AUTO_SCALER, Partition.AWS).document().statements();
        assertTrue(autoScaler.get(0).actions().contains("autoscaling:DescribeScalingActivities"));
        assertTrue(autoScaler.get(1).actions().containsAll(List.of("autoscaling:SetDesiredCapacity",
                "autoscaling:TerminateInstanceInAutoScalingGroup", "eks:DescribeNodegroup")));

        List<Statement> efs = inline(WellKnownPolicy.EFS_CSI_CONTROLLER, Partition.AWS).document().statements();
        assertEquals(List.of("elasticfilesystem:CreateAccessPoint"), efs.get(1).actions());
        assertEquals(List.of("true"), efs.get(1).condition("StringLike", "aws:RequestTag/efs.csi.aws.com/cluster"));
        assertEquals(List.of("true"), efs.get(2).condition("StringLike", "aws:RequestTag/efs.csi.aws.com/cluster"));
        assertEquals(List.of("true"), efs.get(3).condition("StringLike", "aws:ResourceTag/efs.csi.aws.com/cluster"));
    }

    @Test
    void expand_whenDnsPolicies_scopesChangesToHostedZonesAndChanges() {
        WellKnownPolicies.Expansion expansion = WellKnownPolicies.expand(
                Set.of(WellKnownPolicy.EXTERNAL_DNS, WellKnownPolicy.CERT_MANAGER), Partition.AWS);

        Statement changeSet = expansion.inlinePolicies().get(0).document().statements().get(0);
        assertEquals(List.of("route53:ChangeResourceRecordSets"), changeSet.actions());
        assertEquals(List.of("arn:aws:route53:::hostedzone/*"), changeSet.resources());
        assertEquals(List.of("route53:ListHostedZones", "route53:ListResourceRecordSets", "route53:ListTagsForResource"),
                expansion.inlinePolicies().get(1).document().statements().get(0).actions());
        Statement getChange = expansion.inlinePolicies().get(3).document().statements().get(0);
        assertEquals(List.of("route53:GetChange"), getChange.actions());
        assertEquals(List.of("arn:aws:route53:::change/*"), getChange.resources());
        assertEquals(List.of("route53:ListResourceRecordSets", "route53:ListHostedZonesByName"),
                expansion.inlinePolicies().get(4).document().statements().get(0).actions());
    }

    @ParameterizedTest
    @CsvSource({
        "imageBuilder,IMAGE_BUILDER", "autoScaler,AUTO_SCALER", "awsLoadBalancerController,AWS_LOAD_BALANCER_CONTROLLER",
        "externalDNS,EXTERNAL_DNS", "certManager,CERT_MANAGER", "ebsCSIController,EBS_CSI_CONTROLLER",
        "efsCSIController,EFS_CSI_CONTROLLER", "EXTERNALDNS,EXTERNAL_DNS", "AWSLoadBalancerController,AWS_LOAD_BALANCER_CONTROLLER",
    })
    void fromKey_whenEksctlKey_findsFlag(String key, WellKnownPolicy expected) {
        assertEquals(Optional.of(expected), WellKnownPolicy.fromKey(key));
    }

    @Test
    void fromKey_whenUnknown_isEmpty() {
        assertEquals(Optional.empty(), WellKnownPolicy.fromKey("appMesh"));
        assertEquals(Optional.empty(), WellKnownPolicy.fromKey(null));
        assertEquals(7, Arrays.stream(WellKnownPolicy.values()).map(WellKnownPolicy::yamlKey).distinct().count());
    }

    private static InlinePolicy inline(WellKnownPolicy flag, Partition partition) {
        return WellKnownPolicies.expand(Set.of(flag), partition).inlinePolicies().get(0);
    }
}
