package dev.podidentity.autopilot.policy;

import dev.podidentity.autopilot.naming.Partition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Expands {@link WellKnownPolicy} flags into what eksctl attaches to the role: AWS managed policy ARNs and named
 * inline policies, in eksctl's order, with the partition substituted into every ARN.
 *
 * <p>Facts (policy names, statements, order) follow eksctl's {@code createWellKnownPolicies} and
 * {@code statement.go}. The load balancer controller statements are the 16 statements eksctl carries, which track
 * the controller's published {@code iam_policy.json} (including the trust-store, listener-attribute, capacity
 * reservation, IPAM and rule-priority permissions).
 */
public final class WellKnownPolicies {

    /** What a set of flags expands to. */
    public record Expansion(List<String> managedPolicyArns, List<InlinePolicy> inlinePolicies) {
        public Expansion {
            managedPolicyArns = List.copyOf(managedPolicyArns);
            inlinePolicies = List.copyOf(inlinePolicies);
        }
    }

    public static final String POLICY_AUTO_SCALING = "PolicyAutoScaling";
    public static final String POLICY_AWS_LOAD_BALANCER_CONTROLLER = "PolicyAWSLoadBalancerController";
    public static final String POLICY_EXTERNAL_DNS_CHANGE_SET = "PolicyExternalDNSChangeSet";
    public static final String POLICY_EXTERNAL_DNS_HOSTED_ZONES = "PolicyExternalDNSHostedZones";
    public static final String POLICY_CERT_MANAGER_CHANGE_SET = "PolicyCertManagerChangeSet";
    public static final String POLICY_CERT_MANAGER_GET_CHANGE = "PolicyCertManagerGetChange";
    public static final String POLICY_CERT_MANAGER_HOSTED_ZONES = "PolicyCertManagerHostedZones";
    public static final String POLICY_EFS_CSI_CONTROLLER = "PolicyEFSCSIController";

    /** Every inline policy name the expansion can produce; a user's own inline policy must not reuse one. */
    public static final Set<String> INLINE_POLICY_NAMES = Set.of(POLICY_AUTO_SCALING,
            POLICY_AWS_LOAD_BALANCER_CONTROLLER, POLICY_EXTERNAL_DNS_CHANGE_SET, POLICY_EXTERNAL_DNS_HOSTED_ZONES,
            POLICY_CERT_MANAGER_CHANGE_SET, POLICY_CERT_MANAGER_GET_CHANGE, POLICY_CERT_MANAGER_HOSTED_ZONES,
            POLICY_EFS_CSI_CONTROLLER);

    private static final String ALL = "*";
    private static final String LBC_REQUEST_TAG = "aws:RequestTag/elbv2.k8s.aws/cluster";
    private static final String LBC_RESOURCE_TAG = "aws:ResourceTag/elbv2.k8s.aws/cluster";

    private WellKnownPolicies() {
    }

    /** The ARN of an AWS managed policy in the partition, e.g. {@code arn:aws-cn:iam::aws:policy/<name>}. */
    public static String awsManagedPolicyArn(Partition partition, String nameWithPath) {
        return "arn:" + partition.id() + ":iam::aws:policy/" + nameWithPath;
    }

    public static Expansion expand(Set<WellKnownPolicy> flags, Partition partition) {
        Set<WellKnownPolicy> set = flags.isEmpty() ? EnumSet.noneOf(WellKnownPolicy.class) : EnumSet.copyOf(flags);
        List<String> managed = new ArrayList<>();
        List<InlinePolicy> inline = new ArrayList<>();
        // EnumSet iterates in declaration order, which is eksctl's order.
        for (WellKnownPolicy flag : set) {
            switch (flag) {
                case IMAGE_BUILDER -> managed.add(awsManagedPolicyArn(partition, "AmazonEC2ContainerRegistryPowerUser"));
                case AUTO_SCALER -> inline.add(named(POLICY_AUTO_SCALING, autoScaler()));
                case AWS_LOAD_BALANCER_CONTROLLER ->
                        inline.add(named(POLICY_AWS_LOAD_BALANCER_CONTROLLER, loadBalancerController(partition)));
                case EXTERNAL_DNS -> {
                    inline.add(named(POLICY_EXTERNAL_DNS_CHANGE_SET, route53ChangeSet(partition)));
                    inline.add(named(POLICY_EXTERNAL_DNS_HOSTED_ZONES, List.of(Statement.allow(
                            List.of("route53:ListHostedZones", "route53:ListResourceRecordSets",
                                    "route53:ListTagsForResource"),
                            List.of(ALL)))));
                }
                case CERT_MANAGER -> {
                    inline.add(named(POLICY_CERT_MANAGER_CHANGE_SET, route53ChangeSet(partition)));
                    inline.add(named(POLICY_CERT_MANAGER_GET_CHANGE, List.of(Statement.allow(
                            List.of("route53:GetChange"), List.of(arn(partition, "route53:::change/*"))))));
                    inline.add(named(POLICY_CERT_MANAGER_HOSTED_ZONES, List.of(Statement.allow(
                            List.of("route53:ListResourceRecordSets", "route53:ListHostedZonesByName"),
                            List.of(ALL)))));
                }
                case EBS_CSI_CONTROLLER ->
                        managed.add(awsManagedPolicyArn(partition, "service-role/AmazonEBSCSIDriverPolicy"));
                case EFS_CSI_CONTROLLER -> inline.add(named(POLICY_EFS_CSI_CONTROLLER, efsCsiController()));
            }
        }
        return new Expansion(managed, inline);
    }

    private static InlinePolicy named(String name, List<Statement> statements) {
        return new InlinePolicy(name, PolicyDocument.of(statements));
    }

    private static String arn(Partition partition, String rest) {
        return "arn:" + partition.id() + ":" + rest;
    }

    private static List<Statement> route53ChangeSet(Partition partition) {
        return List.of(Statement.allow(List.of("route53:ChangeResourceRecordSets"),
                List.of(arn(partition, "route53:::hostedzone/*"))));
    }

    private static List<Statement> autoScaler() {
        return List.of(
                Statement.allow(List.of(
                        "autoscaling:DescribeAutoScalingGroups",
                        "autoscaling:DescribeAutoScalingInstances",
                        "autoscaling:DescribeLaunchConfigurations",
                        "autoscaling:DescribeScalingActivities",
                        "autoscaling:DescribeTags",
                        "ec2:DescribeInstanceTypes",
                        "ec2:DescribeLaunchTemplateVersions"), List.of(ALL)),
                Statement.allow(List.of(
                        "autoscaling:SetDesiredCapacity",
                        "autoscaling:TerminateInstanceInAutoScalingGroup",
                        "ec2:DescribeImages",
                        "ec2:GetInstanceTypesFromInstanceRequirements",
                        "eks:DescribeNodegroup"), List.of(ALL)));
    }

    private static List<Statement> efsCsiController() {
        String requestTag = "aws:RequestTag/efs.csi.aws.com/cluster";
        return List.of(
                Statement.allow(List.of("elasticfilesystem:DescribeAccessPoints", "elasticfilesystem:DescribeFileSystems"),
                        List.of(ALL)),
                Statement.builder().allow().actions("elasticfilesystem:CreateAccessPoint").resources(ALL)
                        .condition("StringLike", requestTag, "true").build(),
                Statement.builder().allow().actions("elasticfilesystem:TagResource").resources(ALL)
                        .condition("StringLike", requestTag, "true").build(),
                Statement.builder().allow().actions("elasticfilesystem:DeleteAccessPoint").resources(ALL)
                        .condition("StringLike", "aws:ResourceTag/efs.csi.aws.com/cluster", "true").build());
    }

    private static List<Statement> loadBalancerController(Partition p) {
        List<String> targetGroupsAndLoadBalancers = List.of(
                arn(p, "elasticloadbalancing:*:*:targetgroup/*/*"),
                arn(p, "elasticloadbalancing:*:*:loadbalancer/net/*/*"),
                arn(p, "elasticloadbalancing:*:*:loadbalancer/app/*/*"));
        String securityGroups = arn(p, "ec2:*:*:security-group/*");
        return List.of(
                Statement.builder().allow().actions("iam:CreateServiceLinkedRole").resources(ALL)
                        .condition("StringEquals", "iam:AWSServiceName", "elasticloadbalancing.amazonaws.com").build(),
                Statement.allow(List.of(
                        "ec2:DescribeAccountAttributes",
                        "ec2:DescribeAddresses",
                        "ec2:DescribeAvailabilityZones",
                        "ec2:DescribeInternetGateways",
                        "ec2:DescribeVpcs",
                        "ec2:DescribeVpcPeeringConnections",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeInstances",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeTags",
                        "ec2:GetCoipPoolUsage",
                        "ec2:DescribeCoipPools",
                        "ec2:GetSecurityGroupsForVpc",
                        "ec2:DescribeIpamPools",
                        "ec2:DescribeRouteTables",
                        "elasticloadbalancing:DescribeLoadBalancers",
                        "elasticloadbalancing:DescribeLoadBalancerAttributes",
                        "elasticloadbalancing:DescribeListeners",
                        "elasticloadbalancing:DescribeListenerCertificates",
                        "elasticloadbalancing:DescribeSSLPolicies",
                        "elasticloadbalancing:DescribeRules",
                        "elasticloadbalancing:DescribeTargetGroups",
                        "elasticloadbalancing:DescribeTargetGroupAttributes",
                        "elasticloadbalancing:DescribeTargetHealth",
                        "elasticloadbalancing:DescribeTags",
                        "elasticloadbalancing:DescribeTrustStores",
                        "elasticloadbalancing:DescribeListenerAttributes",
                        "elasticloadbalancing:DescribeCapacityReservation"), List.of(ALL)),
                Statement.allow(List.of(
                        "cognito-idp:DescribeUserPoolClient",
                        "acm:ListCertificates",
                        "acm:DescribeCertificate",
                        "iam:ListServerCertificates",
                        "iam:GetServerCertificate",
                        "waf-regional:GetWebACL",
                        "waf-regional:GetWebACLForResource",
                        "waf-regional:AssociateWebACL",
                        "waf-regional:DisassociateWebACL",
                        "wafv2:GetWebACL",
                        "wafv2:GetWebACLForResource",
                        "wafv2:AssociateWebACL",
                        "wafv2:DisassociateWebACL",
                        "shield:GetSubscriptionState",
                        "shield:DescribeProtection",
                        "shield:CreateProtection",
                        "shield:DeleteProtection"), List.of(ALL)),
                Statement.allow(List.of("ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"),
                        List.of(ALL)),
                Statement.allow(List.of("ec2:CreateSecurityGroup"), List.of(ALL)),
                Statement.builder().allow().actions("ec2:CreateTags").resources(securityGroups)
                        .condition("StringEquals", "ec2:CreateAction", "CreateSecurityGroup")
                        .condition("Null", LBC_REQUEST_TAG, "false").build(),
                Statement.builder().allow().actions("ec2:CreateTags", "ec2:DeleteTags").resources(securityGroups)
                        .condition("Null", LBC_REQUEST_TAG, "true")
                        .condition("Null", LBC_RESOURCE_TAG, "false").build(),
                Statement.builder().allow()
                        .actions("ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
                                "ec2:DeleteSecurityGroup")
                        .resources(ALL)
                        .condition("Null", LBC_RESOURCE_TAG, "false").build(),
                Statement.builder().allow()
                        .actions("elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup")
                        .resources(ALL)
                        .condition("Null", LBC_REQUEST_TAG, "false").build(),
                Statement.allow(List.of(
                        "elasticloadbalancing:CreateListener",
                        "elasticloadbalancing:DeleteListener",
                        "elasticloadbalancing:CreateRule",
                        "elasticloadbalancing:DeleteRule"), List.of(ALL)),
                Statement.builder().allow()
                        .actions("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags")
                        .resources(targetGroupsAndLoadBalancers)
                        .condition("Null", LBC_REQUEST_TAG, "true")
                        .condition("Null", LBC_RESOURCE_TAG, "false").build(),
                Statement.allow(List.of("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"), List.of(
                        arn(p, "elasticloadbalancing:*:*:listener/net/*/*/*"),
                        arn(p, "elasticloadbalancing:*:*:listener/app/*/*/*"),
                        arn(p, "elasticloadbalancing:*:*:listener-rule/net/*/*/*"),
                        arn(p, "elasticloadbalancing:*:*:listener-rule/app/*/*/*"))),
                Statement.builder().allow()
                        .actions(
                                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                                "elasticloadbalancing:SetIpAddressType",
                                "elasticloadbalancing:SetSecurityGroups",
                                "elasticloadbalancing:SetSubnets",
                                "elasticloadbalancing:DeleteLoadBalancer",
                                "elasticloadbalancing:ModifyTargetGroup",
                                "elasticloadbalancing:ModifyTargetGroupAttributes",
                                "elasticloadbalancing:DeleteTargetGroup",
                                "elasticloadbalancing:ModifyListenerAttributes",
                                "elasticloadbalancing:ModifyCapacityReservation",
                                "elasticloadbalancing:ModifyIpPools")
                        .resources(ALL)
                        .condition("Null", LBC_RESOURCE_TAG, "false").build(),
                Statement.builder().allow()
                        .actions("elasticloadbalancing:AddTags")
                        .resources(targetGroupsAndLoadBalancers)
                        .condition("StringEquals", "elasticloadbalancing:CreateAction", "CreateTargetGroup",
                                "CreateLoadBalancer")
                        .condition("Null", LBC_REQUEST_TAG, "false").build(),
                Statement.allow(List.of("elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"),
                        List.of(arn(p, "elasticloadbalancing:*:*:targetgroup/*/*"))),
                Statement.allow(List.of(
                        "elasticloadbalancing:SetWebAcl",
                        "elasticloadbalancing:ModifyListener",
                        "elasticloadbalancing:AddListenerCertificates",
                        "elasticloadbalancing:RemoveListenerCertificates",
                        "elasticloadbalancing:ModifyRule",
                        "elasticloadbalancing:SetRulePriorities"), List.of(ALL)));
    }
}
