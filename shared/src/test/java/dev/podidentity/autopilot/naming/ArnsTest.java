package dev.podidentity.autopilot.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArnsTest {

    @ParameterizedTest
    @CsvSource({
        "arn:aws:iam::111122223333:role/my-role,AWS,111122223333,/,my-role",
        "arn:aws-cn:iam::111122223333:role/pod-identity/team-a/app+v2,AWS_CN,111122223333,/pod-identity/team-a/,app+v2",
        "arn:aws-us-gov:iam::111122223333:role/service-role/x,AWS_US_GOV,111122223333,/service-role/,x",
    })
    void role_whenValid_parsesPartitionAccountPathAndName(String text, Partition partition, String account, String path,
                                                          String name) {
        Arns.RoleArn role = Arns.role(text).orElseThrow();
        assertEquals(partition, role.arn().partition());
        assertEquals(account, role.accountId());
        assertEquals(path, role.path());
        assertEquals(name, role.name());
        assertEquals(text, role.arn().toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|ARN is empty",
        "my-role|\"my-role\" is not an ARN; ARNs start with arn:, e.g. arn:aws:iam::111122223333:role/my-role",
        "arn:aws:iam::111122223333|\"arn:aws:iam::111122223333\" has too few parts; an ARN is arn:partition:service:region:account:resource",
        "arn:aws-iso:iam::111122223333:role/x|\"arn:aws-iso:iam::111122223333:role/x\" has partition \"aws-iso\"; expected aws, aws-cn or aws-us-gov",
        "arn:aws:iam::1111222233:role/x|\"arn:aws:iam::1111222233:role/x\" has account \"1111222233\"; an account ID is 12 digits",
        "arn:aws:iam:us-east-1:111122223333:role/x|\"arn:aws:iam:us-east-1:111122223333:role/x\" has region \"us-east-1\"; IAM ARNs have an empty region (::)",
        "arn:aws:s3:::bucket|\"arn:aws:s3:::bucket\" is a s3 ARN; expected an IAM role ARN, e.g. arn:aws:iam::111122223333:role/my-role",
        "arn:aws:iam::111122223333:user/bob|\"arn:aws:iam::111122223333:user/bob\" is an IAM user ARN; expected e.g. arn:aws:iam::111122223333:role/my-role",
        "arn:aws:iam::111122223333:role/|\"arn:aws:iam::111122223333:role/\" names no role; expected role/<name> or role/<path>/<name>",
        "arn:aws:iam::aws:role/x|\"arn:aws:iam::aws:role/x\" has account \"aws\"; expected a 12-digit account ID",
        "arn:aws:iam::111122223333:role/bad:name|\"arn:aws:iam::111122223333:role/bad:name\": role name contains characters IAM does not allow (':'); use letters, digits and +=,.@_-",
    })
    void role_whenInvalid_namesTheProblem(String text, String problem) {
        ArnResult<Arns.RoleArn> result = Arns.role(text);
        assertFalse(result.isValid());
        assertEquals(Optional.of(problem), result.problemIfInvalid());
        assertEquals(problem, assertThrows(IllegalArgumentException.class, result::orElseThrow).getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "arn:aws:iam::aws:policy/AdministratorAccess,/,AdministratorAccess,true",
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy,/service-role/,AmazonEBSCSIDriverPolicy,true",
        "arn:aws-cn:iam::111122223333:policy/boundaries/pods,/boundaries/,pods,false",
    })
    void policy_whenValid_parsesAwsManagedAndCustomerManaged(String text, String path, String name, boolean awsManaged) {
        Arns.PolicyArn policy = Arns.policy(text).orElseThrow();
        assertEquals(path, policy.path());
        assertEquals(name, policy.name());
        assertEquals(awsManaged, policy.awsManaged());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "arn:aws:iam::111122223333:role/x|is an IAM role ARN; expected e.g. arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "arn:aws:iam::111122223333:policy/|names no policy",
        "arn:aws:iam::111122223333:policy/a b|has policy name \"a b\"",
    })
    void policy_whenInvalid_namesTheProblem(String text, String fragment) {
        String problem = Arns.policy(text).problemIfInvalid().orElseThrow();
        assertTrue(problem.contains(fragment), problem);
    }

    @Test
    void oidcProvider_whenValid_givesIssuer() {
        Arns.OidcProviderArn provider = Arns.oidcProvider(
                "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC").orElseThrow();
        assertEquals("oidc.eks.us-west-2.amazonaws.com/id/ABC", provider.issuer());
        assertTrue(Arns.oidcProvider("arn:aws:iam::111122223333:oidc-provider/").problemIfInvalid().isPresent());
    }

    @Test
    void parse_whenOtherServiceArn_keepsRegionAccountAndResourceType() {
        Arn arn = Arns.parse("arn:aws:eks:us-west-2:111122223333:podidentityassociation/prod/a-abc").orElseThrow();
        assertEquals("eks", arn.service());
        assertEquals("us-west-2", arn.region());
        assertEquals("podidentityassociation", arn.resourceType());
    }

    @ParameterizedTest
    @CsvSource({"us-east-1,AWS", "eu-west-1,AWS", "cn-north-1,AWS_CN", "cn-northwest-1,AWS_CN", "us-gov-west-1,AWS_US_GOV",
        "US-GOV-EAST-1,AWS_US_GOV"})
    void fromRegion_whenRegion_givesPartition(String region, Partition expected) {
        assertEquals(expected, Partition.fromRegion(region));
    }

    @Test
    void fromId_whenUnsupported_isEmpty() {
        assertEquals(Optional.of(Partition.AWS_CN), Partition.fromId("aws-cn"));
        assertEquals(Optional.empty(), Partition.fromId("aws-iso"));
        assertThrows(IllegalArgumentException.class, () -> Partition.fromRegion(" "));
    }
}
