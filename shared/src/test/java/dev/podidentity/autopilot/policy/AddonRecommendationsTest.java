package dev.podidentity.autopilot.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.podidentity.autopilot.naming.Partition;
import dev.podidentity.autopilot.policy.AddonRecommendations.IpFamily;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AddonRecommendationsTest {

    @ParameterizedTest
    @EnumSource(Partition.class)
    void vpcCniIpv4PolicyArn_whenPartition_usesIt(Partition partition) {
        assertEquals("arn:" + partition.id() + ":iam::aws:policy/AmazonEKS_CNI_Policy",
                AddonRecommendations.vpcCniIpv4PolicyArn(partition));
    }

    @Test
    void vpcCniIpv6Policy_whenChina_hasEksctlStatementsWithPartitionedInterfaceArn() {
        PolicyDocument document = AddonRecommendations.vpcCniIpv6Policy(Partition.AWS_CN);

        assertEquals(2, document.statements().size());
        assertEquals(List.of("ec2:AssignIpv6Addresses", "ec2:DescribeInstances", "ec2:DescribeTags",
                "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes", "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups"), document.statements().get(0).actions());
        assertEquals(List.of("*"), document.statements().get(0).resources());
        assertEquals(List.of("ec2:CreateTags"), document.statements().get(1).actions());
        assertEquals(List.of("arn:aws-cn:ec2:*:*:network-interface/*"), document.statements().get(1).resources());
    }

    @Test
    void forIrsa_whenKnownAddons_recommendsEksctlDefaults() {
        assertEquals(List.of("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"),
                AddonRecommendations.forIrsa("vpc-cni", IpFamily.IPV4, Partition.AWS).orElseThrow().managedPolicyArns());
        assertEquals(Optional.of(AddonRecommendations.vpcCniIpv6Policy(Partition.AWS)),
                AddonRecommendations.forIrsa("vpc-cni", IpFamily.IPV6, Partition.AWS).orElseThrow().inlinePolicy());
        assertEquals(Set.of(WellKnownPolicy.EBS_CSI_CONTROLLER), AddonRecommendations
                .forIrsa("aws-ebs-csi-driver", IpFamily.IPV4, Partition.AWS).orElseThrow().wellKnownPolicies());
        assertEquals(Set.of(WellKnownPolicy.EFS_CSI_CONTROLLER), AddonRecommendations
                .forIrsa("aws-efs-csi-driver", IpFamily.IPV6, Partition.AWS).orElseThrow().wellKnownPolicies());
        assertEquals(Optional.empty(), AddonRecommendations.forIrsa("coredns", IpFamily.IPV4, Partition.AWS));
    }
}
