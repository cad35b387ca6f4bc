package dev.podidentity.autopilot.policy;

import dev.podidentity.autopilot.naming.Partition;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The permissions eksctl gives an addon's IRSA role when the config names none (eksctl's
 * {@code setRecommendedPoliciesForIRSA}). vpc-cni on IPv6 gets an inline document instead of the managed CNI
 * policy, and eksctl also uses that document as the pod identity {@code permissionPolicy} for vpc-cni on IPv6;
 * other addons' pod identity recommendations come from EKS's DescribeAddonConfiguration at run time.
 */
public final class AddonRecommendations {

    public static final String VPC_CNI = "vpc-cni";
    public static final String AWS_EBS_CSI_DRIVER = "aws-ebs-csi-driver";
    public static final String AWS_EFS_CSI_DRIVER = "aws-efs-csi-driver";

    /** The cluster's IP family, which decides the vpc-cni recommendation. */
    public enum IpFamily { IPV4, IPV6 }

    /** What to attach: any of managed ARNs, well-known flags and one inline document. */
    public record Recommendation(List<String> managedPolicyArns, Set<WellKnownPolicy> wellKnownPolicies,
                                 Optional<PolicyDocument> inlinePolicy) {
        public Recommendation {
            managedPolicyArns = List.copyOf(managedPolicyArns);
            wellKnownPolicies = Set.copyOf(wellKnownPolicies);
        }
    }

    private AddonRecommendations() {
    }

    /** {@code arn:<partition>:iam::aws:policy/AmazonEKS_CNI_Policy}, for vpc-cni on IPv4. */
    public static String vpcCniIpv4PolicyArn(Partition partition) {
        return WellKnownPolicies.awsManagedPolicyArn(partition, "AmazonEKS_CNI_Policy");
    }

    /** The inline document for vpc-cni on IPv6 clusters. */
    public static PolicyDocument vpcCniIpv6Policy(Partition partition) {
        return PolicyDocument.of(
                Statement.allow(List.of(
                        "ec2:AssignIpv6Addresses",
                        "ec2:DescribeInstances",
                        "ec2:DescribeTags",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeInstanceTypes",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups"), List.of("*")),
                Statement.allow(List.of("ec2:CreateTags"),
                        List.of("arn:" + partition.id() + ":ec2:*:*:network-interface/*")));
    }

    /** eksctl's IRSA recommendation for an addon, empty for addons it has none for. */
    public static Optional<Recommendation> forIrsa(String addonName, IpFamily ipFamily, Partition partition) {
        return switch (addonName) {
            case VPC_CNI -> Optional.of(ipFamily == IpFamily.IPV6
                    ? new Recommendation(List.of(), Set.of(), Optional.of(vpcCniIpv6Policy(partition)))
                    : new Recommendation(List.of(vpcCniIpv4PolicyArn(partition)), Set.of(), Optional.empty()));
            case AWS_EBS_CSI_DRIVER ->
                    Optional.of(new Recommendation(List.of(), Set.of(WellKnownPolicy.EBS_CSI_CONTROLLER), Optional.empty()));
            case AWS_EFS_CSI_DRIVER ->
                    Optional.of(new Recommendation(List.of(), Set.of(WellKnownPolicy.EFS_CSI_CONTROLLER), Optional.empty()));
            default -> Optional.empty();
        };
    }
}
