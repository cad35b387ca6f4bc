package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.clusterDeleted;
import static dev.podidentity.local.workflow.WorkflowWorld.configUploaded;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.iam.IamAuthorizer;
import dev.podidentity.local.iam.PolicyEvaluator;
import dev.podidentity.local.iam.Statement;
import dev.podidentity.local.iam.TemplatePolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Least privilege, tested: the workflows every function takes part in (uploads that create, change and prune;
 * console actions on add-ons; a migration; onboarding a cluster that is still being created; offboarding; the
 * sweep; a lock held by another run) run with IAM enforced at the gateway, and every authorization they need is
 * recorded. Every call must be allowed, and every Allow statement of every function role must be needed: some
 * observed call is allowed by it and by nothing else, so removing it would refuse that call. The calls per function
 * are written to {@code local/target/iam-calls.md}.
 */
@WorkflowTest
class IamEnforcementTest {
    static WorkflowWorld world; // set by @WorkflowTest

    /**
     * Grants ("Role/Sid action") no local workflow exercises, each with the reason. They stay in the template
     * for AWS; every other action of every Allow statement must be needed by an observed call.
     */
    static final Map<String, String> NOT_EXERCISED = Map.ofEntries(
            Map.entry("DispatcherFunctionRole/DispatcherFunctionEventInvokeConfigOnFailureSQSPolicy/#0 sqs:SendMessage", "SAM's OnFailure destination: the Lambda service sends failed asynchronous invocations with the function's role; the local runtime invokes synchronously"),
            Map.entry("ResolveFunctionRole/InspectCustomerManagedPolicies iam:GetPolicyVersion", "a config attaching a customer managed policy, whose document the guardrails judge (WorkflowGuardrailsTest)"),
            Map.entry("SweepFunctionRole/InspectCustomerManagedPolicies iam:GetPolicyVersion", "as for Resolve"),
            Map.entry("AssociationFunctionRole/PassAssignableRolesToPodIdentity iam:PassRole", "a config naming a role an administrator tagged assignable (WorkflowConfigUploadTest's payments-api-role)"),
            Map.entry("AddonFunctionRole/PassAssignableRolesToPodIdentity iam:PassRole", "an addon pod identity naming a role tagged assignable"),
            Map.entry("AddonFunctionRole/FindRoleUsersInEveryCluster eks:ListClusters", "an addon update that drops a role of ours: is it used anywhere before it goes (WorkflowDataSafetyTest covers the Prune side)"),
            Map.entry("AddonFunctionRole/FindRoleUsersDescribe eks:DescribePodIdentityAssociation", "as for ListClusters"),
            Map.entry("AddonFunctionRole/PassIrsaRolesToAddons iam:PassRole", "an addon whose config sets its own IRSA role (WorkflowEksctlParityTest)"),
            Map.entry("AddonFunctionRole/PassAssignableIrsaRolesToAddons iam:PassRole", "an addon whose IRSA role an administrator tagged assignable"),
            Map.entry("InstallAgentFunctionRole/ReadAgentAddon eks:DescribeAddon", "an agent someone installed between Resolve and InstallAgent: CreateAddon answers ResourceInUseException and the agent is read to judge it (AgentInstallerReadsTest)"),
            Map.entry("InstallAgentFunctionRole/TagAgentAddonAtCreate eks:TagResource", "a config whose eks-pod-identity-agent entry carries tags (WorkflowEksctlParityTest)"),
            Map.entry("ResolveFunctionRole/ObserveRoles iam:GetRolePolicy", "inline policies of roles a config names; no workflow here names a role with one"),
            Map.entry("SweepFunctionRole/ObserveRoles iam:GetRolePolicy", "as for Resolve"),
            Map.entry("AssociationFunctionRole/ReadRoles iam:GetRolePolicy", "converging a role's inline policy"),
            Map.entry("AddonFunctionRole/ReadRoles iam:GetRolePolicy", "converging a role's inline policy"),
            Map.entry("AddonFunctionRole/ReadRoles iam:ListRolePolicies", "converging a role's inline policies"),
            Map.entry("AddonFunctionRole/ReadRoles iam:ListAttachedRolePolicies", "adopting or converging an existing role"),
            Map.entry("AssociationFunctionRole/TagOwnedRolesUnderPath iam:TagRole", "restoring ownership tags on an owned role that lost them"),
            Map.entry("AddonFunctionRole/TagOwnedRolesUnderPath iam:TagRole", "restoring ownership tags on an owned role that lost them"),
            Map.entry("AssociationFunctionRole/PutInlinePolicies iam:PutRolePolicy", "configs with an inline permissionPolicy"),
            Map.entry("AddonFunctionRole/PutInlinePolicies iam:PutRolePolicy", "configs with an inline permissionPolicy"),
            Map.entry("AssociationFunctionRole/ConvergeOwnedRolesUnderPath iam:DeleteRolePolicy", "an inline policy dropped from a config"),
            Map.entry("AddonFunctionRole/ConvergeOwnedRolesUnderPath iam:DeleteRolePolicy", "an inline policy dropped from a config"),
            Map.entry("AssociationFunctionRole/ConvergeOwnedRolesUnderPath iam:UpdateAssumeRolePolicy", "an owned role whose trust drifted"),
            Map.entry("AddonFunctionRole/ConvergeOwnedRolesUnderPath iam:UpdateAssumeRolePolicy", "an owned role whose trust drifted"),
            Map.entry("AddonFunctionRole/ConvergeOwnedRolesUnderPath iam:DetachRolePolicy", "a managed policy dropped from an add-on's pod identity"),
            Map.entry("AssociationFunctionRole/SetBoundaryOfOwnedRoles iam:PutRolePermissionsBoundary", "only with PermissionsBoundaryArn set"),
            Map.entry("AddonFunctionRole/SetBoundaryOfOwnedRoles iam:PutRolePermissionsBoundary", "only with PermissionsBoundaryArn set"),
            Map.entry("AssociationFunctionRole/CreateAndUpdateAssociations eks:ListPodIdentityAssociations", "finding the association a conflicting create refers to"),
            Map.entry("AssociationFunctionRole/CreateAndUpdateAssociations eks:DescribeCluster", "the Kubernetes endpoint, for configs that create service accounts"),
            Map.entry("AddonFunctionRole/CreateAddons eks:ListAddons", "finding an add-on a conflicting create refers to"),
            Map.entry("AddonFunctionRole/CreateAddons eks:ListPodIdentityAssociations", "associations that block an add-on's own"),
            Map.entry("AddonFunctionRole/CreateAddons eks:DescribeCluster", "the cluster's Kubernetes version for add-on version lookups"),
            Map.entry("AddonFunctionRole/ChangeAddons eks:TagResource", "add-ons with tags in the config (tag on create)"),
            Map.entry("AddonFunctionRole/ReadAddonCatalogue eks:DescribeAddonVersions", "resolving an add-on version the plan did not pin"),
            Map.entry("AddonFunctionRole/ReadAddonCatalogue eks:DescribeAddonConfiguration", "add-ons with configurationValues"),
            Map.entry("PruneFunctionRole/ListAssociationsAndAddons eks:ListPodIdentityAssociations", "finding an association a prune step names by service account"),
            Map.entry("PruneFunctionRole/ListAssociationsAndAddons eks:ListAddons", "finding an add-on a prune step names"),
            Map.entry("ReportFunctionRole/ListRunArtifacts s3:ListBucket", "a batch that never wrote its outcomes reads as NoSuchKey, not AccessDenied"),
            Map.entry("SweepFunctionRole/ObserveClusters eks:ListAccessEntries", "clusters with configs that need Kubernetes access"),
            Map.entry("SweepFunctionRole/ObserveAssociationsAndAddons eks:DescribePodIdentityAssociation", "clusters with associations the sweep compares"),
            Map.entry("SweepFunctionRole/ObserveAddonCatalogue eks:DescribeAddonVersions", "add-on versions of drifted add-ons"),
            Map.entry("SweepFunctionRole/ObserveAddonCatalogue eks:DescribeAddonConfiguration", "add-ons with configurationValues"),
            Map.entry("SweepFunctionRole/ListRoles iam:ListRoles", "configs naming five or more roles (ClusterObserver.ROLE_LIST_THRESHOLD)"));

    @Test
    void representativeWorkflows_callOnlyWhatTheirRolesAllow_andNeedEveryStatement() throws Exception {
        List<IamAuthorizer.Observed> observed = new ArrayList<>();

        // An upload that creates a role and associations (and the agent), one that changes them, one that prunes.
        String sa1 = WorkflowWorld.ROLE_PREFIX + "pod-identity-autopilot/" + WorkflowConfigUploadTest.SA1_ROLE;
        assertSucceeded(world.run(event("config-uploaded.json")));
        world.upload(WorkflowConfigUploadTest.KEY, WorkflowConfigUploadTest.config(sa1, WorkflowConfigUploadTest.DYNAMO_READ, true));
        assertSucceeded(world.run(configUploaded(WorkflowConfigUploadTest.KEY)));
        world.upload(WorkflowConfigUploadTest.KEY, WorkflowConfigUploadTest.config(sa1, WorkflowConfigUploadTest.S3_READ, false));
        assertSucceeded(world.run(configUploaded(WorkflowConfigUploadTest.KEY)));
        // A config that is not there: NoSuchKey (Resolve may list the bucket), so the run fails naming the key.
        com.fasterxml.jackson.databind.node.ObjectNode missing = event("console-apply.json");
        missing.put("configKey", "clusters/no-such-config.yaml");
        ((com.fasterxml.jackson.databind.node.ObjectNode) missing.path("trigger")).put("id", "apply-missing-config-iam");
        world.run(missing);
        collect(observed);

        // Add-ons with pod identities: create, update, delete.
        world.fresh();
        for (String input : List.of("console-create-addon.json", "console-update-addon.json", "console-delete-addon.json",
                "console-create.json", "console-update.json", "console-delete.json", "console-get.json")) {
            assertSucceeded(world.run(event(input)));
        }
        // vpc-cni now has a pod identity association: deleting it (not preserved) deletes the association too.
        com.fasterxml.jackson.databind.node.ObjectNode deleteVpcCni = event("console-delete-addon.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) deleteVpcCni.path("addon")).put("name", "vpc-cni");
        deleteVpcCni.put("preserve", false);
        ((com.fasterxml.jackson.databind.node.ObjectNode) deleteVpcCni.path("trigger")).put("id", "delete-addon-vpc-cni-iam");
        assertSucceeded(world.run(deleteVpcCni));
        collect(observed);

        // A migration from IRSA (trust policies change), then offboarding the cluster's roles.
        world.fresh();
        assertSucceeded(world.run(event("console-migrate-approve.json")));
        collect(observed);
        world.fresh();
        assertSucceeded(world.run(event("console-apply.json")));
        // offboarding deletes roles only once EKS says the cluster is gone (issue 15): delete it first, as AWS would
        world.cloud().eks().deleteCluster(b -> b.name("dev-cluster"));
        assertSucceeded(world.run(clusterDeleted("dev-cluster", "offboard-iam-test")));
        collect(observed);

        // Onboarding a cluster that is still CREATING (status polling, agent install), whatever the deploy took.
        world.fresh();
        world.justCreated("new-cluster");
        assertSucceeded(world.run(event("console-onboard.json")));
        collect(observed);

        // The sweep, as its schedule rule would invoke it, and a lock another run holds.
        world.fresh();
        world.cloud().lambdas().invoke("SweepFunction", event("scheduled-sweep.json").toString());
        String holder = world.app().stateMachineArn().replace(":stateMachine:", ":execution:") + ":holder";
        long now = Instant.now().getEpochSecond();
        world.cloud().dynamoDb().putItem(b -> b.tableName(world.app().lockTable()).item(Map.of(
                "lockId", AttributeValue.fromS(WorkflowWorld.ACCOUNT + "/" + WorkflowWorld.REGION + "/dev-cluster"),
                "owner", AttributeValue.fromS("holder"), "ownerArn", AttributeValue.fromS(holder),
                "acquiredAt", AttributeValue.fromN(Long.toString(now)),
                "expiresAt", AttributeValue.fromN(Long.toString(now + 600)))));
        String other = world.app().stateMachineArn().replace(":stateMachine:", ":execution:") + ":other";
        world.cloud().lambdas().invoke("LockFunction", "{\"operation\":\"acquire\",\"cluster\":\"dev-cluster\",\"attempt\":1,"
                + "\"execution\":\"other\",\"executionArn\":\"" + other + "\"}");
        collect(observed);

        TemplatePolicies policies = world.cloud().iamAuthorizer().orElseThrow().policies();
        writeCallTable(observed, policies);

        List<String> refused = observed.stream().filter(o -> o.effect() != PolicyEvaluator.Effect.ALLOW)
                .map(o -> o.function() + " " + o.effect() + ": " + o.request()).distinct().toList();
        assertEquals(List.of(), refused, "calls the workflows made that their roles do not allow");

        // Needed: some observed call is allowed by this statement (through this action) and by no other statement.
        List<String> unneeded = new ArrayList<>();
        for (String function : policies.functions()) {
            List<Statement> statements = policies.statements(function);
            for (Statement s : statements) {
                if (!s.allow() || managed(s)) {
                    continue;
                }
                List<Statement> without = statements.stream().filter(x -> x != s).toList();
                for (String action : s.actions().isEmpty() ? List.of("(NotAction)") : s.actions()) {
                    String name = (s.sid() == null ? s.origin() : policies.roleOf(function) + "/" + s.sid()) + " " + action;
                    boolean needed = observed.stream().anyMatch(o -> o.function().equals(function)
                            && o.decidedBy().contains(s.origin())
                            && (s.actions().isEmpty() || o.request().action().equalsIgnoreCase(action)
                                || action.contains("*"))
                            && !PolicyEvaluator.evaluate(without, o.request()).allowed());
                    if (!needed && !NOT_EXERCISED.containsKey(name)) {
                        unneeded.add(name);
                    }
                }
            }
        }
        assertEquals(List.of(), unneeded, "statements no observed call needs (too wide, or a workflow is missing)");
    }

    /** AWS managed policies SAM attaches (logs, X-Ray, VPC networking): used by the Lambda runtime, not our code. */
    private static boolean managed(Statement s) {
        return s.origin().contains("/AWSLambda") || s.origin().contains("/AWSXray");
    }

    private static void collect(List<IamAuthorizer.Observed> into) {
        IamAuthorizer authorizer = world.cloud().iamAuthorizer().orElseThrow();
        into.addAll(authorizer.observed());
        authorizer.clearObserved();
    }

    /** Function → "action (resource type)" → the statements that allowed it: the table docs/permissions.md explains. */
    private static void writeCallTable(List<IamAuthorizer.Observed> observed, TemplatePolicies policies) throws Exception {
        Map<String, Map<String, Set<String>>> table = new TreeMap<>();
        for (IamAuthorizer.Observed o : observed) {
            table.computeIfAbsent(o.function(), f -> new TreeMap<>())
                    .computeIfAbsent(o.request().action() + " | " + o.resourceType(), k -> new TreeSet<>())
                    .addAll(o.decidedBy().stream().map(d -> d.substring(d.lastIndexOf('/') + 1)).toList());
        }
        StringBuilder out = new StringBuilder("| function | action | resource type | allowed by |\n|---|---|---|---|\n");
        table.forEach((function, calls) -> calls.forEach((call, by) -> {
            String[] parts = call.split(" \\| ");
            out.append("| ").append(function).append(" | ").append(parts[0]).append(" | ").append(parts[1])
                    .append(" | ").append(String.join(", ", by)).append(" |\n");
        }));
        Path file = ProjectFiles.root().resolve("local/target/iam-calls.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out.toString());
    }
}
