package dev.podidentity.local.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.local.gateway.FunctionInvocations;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.eks.model.EksException;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A function calling outside its role is refused the way AWS refuses it: each service's own AccessDenied, as its SDK
 * client sees it, and nothing changes. The calls run with the function's identity, as its handler's calls do.
 */
@WorkflowTest
class IamRefusalTest {
    static WorkflowWorld world; // set by @WorkflowTest

    static <T> T as(String function, Callable<T> call) throws Exception {
        return FunctionInvocations.asFunction(function, call);
    }

    @Test
    void resolve_writingAnAssociation_getsEksAccessDeniedException_andNothingIsCreated() {
        EksException e = assertThrows(EksException.class, () -> as("ResolveFunction", () -> world.cloud().eks()
                .createPodIdentityAssociation(b -> b.clusterName("dev-cluster").namespace("default").serviceAccount("intruder")
                        .roleArn(WorkflowWorld.ROLE_PREFIX + "autopilot-dev-cluster-default-sa1"))));
        assertEquals(403, e.statusCode());
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        assertTrue(e.getMessage().contains("assumed-role/pod-identity-autopilot-ResolveFunctionRole/ResolveFunction is not "
                + "authorized to perform: eks:CreatePodIdentityAssociation on resource: arn:aws:eks:us-west-2:"
                + WorkflowWorld.ACCOUNT + ":cluster/dev-cluster"), e.getMessage());
        assertTrue(world.cloud().eks().listPodIdentityAssociations(b -> b.clusterName("dev-cluster").serviceAccount("intruder"))
                .associations().isEmpty());
    }

    @Test
    void resolve_creatingARole_getsIamAccessDenied() {
        IamException e = assertThrows(IamException.class, () -> as("ResolveFunction", () -> world.cloud().iam()
                .createRole(b -> b.roleName("sneaky").path("/pod-identity-autopilot/").assumeRolePolicyDocument("{}"))));
        assertEquals(403, e.statusCode());
        assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
        assertTrue(e.getMessage().contains("because no identity-based policy allows the iam:CreateRole action"), e.getMessage());
    }

    @Test
    void association_attachingADeniedManagedPolicy_isRefusedByTheExplicitDeny() {
        IamException e = assertThrows(IamException.class, () -> as("AssociationFunction", () -> world.cloud().iam()
                .attachRolePolicy(b -> b.roleName("autopilot-dev-cluster-default-sa1")
                        .policyArn("arn:aws:iam::aws:policy/AdministratorAccess"))));
        assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
        assertTrue(e.getMessage().contains("with an explicit deny in an identity-based policy"), e.getMessage());
    }

    @Test
    void report_writingAConfig_getsS3AccessDenied403() {
        S3Exception e = assertThrows(S3Exception.class, () -> as("ReportFunction", () -> world.cloud().s3()
                .putObject(b -> b.bucket(world.app().bucket()).key("clusters/dev-cluster.yaml"), RequestBody.fromString("x"))));
        assertEquals(403, e.statusCode());
        assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
    }

    @Test
    void aMissingKey_readsAsNoSuchKeyWithListBucket_andAsAccessDeniedWithout() throws Exception {
        assertThrows(NoSuchKeyException.class, () -> as("ReportFunction", () -> world.cloud().s3()
                .getObjectAsBytes(b -> b.bucket(world.app().bucket()).key("runs/dev-cluster/none/plan.json"))));
        S3Exception e = assertThrows(S3Exception.class, () -> as("ClusterStatusFunction", () -> world.cloud().s3()
                .getObjectAsBytes(b -> b.bucket(world.app().bucket()).key("runs/dev-cluster/none/plan.json"))));
        assertEquals(403, e.statusCode());
    }

    @Test
    void lock_onAnotherTable_getsDynamoDbAccessDeniedException() {
        DynamoDbException e = assertThrows(DynamoDbException.class, () -> as("LockFunction", () -> world.cloud().dynamoDb()
                .getItem(b -> b.tableName("someone-elses-table").key(Map.of("lockId", AttributeValue.fromS("x"))))));
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
    }

    @Test
    void callsWithoutAFunction_theOperatorsAndTheTestsOwn_areNotJudged() {
        world.cloud().iam().createRole(b -> b.roleName("operator-made").assumeRolePolicyDocument("{}"));
        assertEquals("operator-made", world.cloud().iam().getRole(b -> b.roleName("operator-made")).role().roleName());
    }
}
