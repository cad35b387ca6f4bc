package dev.podidentity.local.workflow;

import static dev.podidentity.local.workflow.WorkflowWorld.assertContains;
import static dev.podidentity.local.workflow.WorkflowWorld.assertSucceeded;
import static dev.podidentity.local.workflow.WorkflowWorld.event;
import static dev.podidentity.local.workflow.WorkflowWorld.requireAssociation;
import static dev.podidentity.local.workflow.WorkflowWorld.requireRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.app.LocalApp;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each guardrail end to end: the stack parameter set as {@code sam deploy} would set it, a config upload that breaks
 * the rule, the real Resolve refusing it. A refused config changes nothing (no IAM or EKS write reaches the gateway,
 * the world is as it was) and the report in the bucket names the rule, the entry and its line.
 */
@WorkflowTest
class WorkflowGuardrailsTest {
    static final String KEY = "clusters/dev-cluster.yaml";
    static final String HEADER = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: dev-cluster
              region: us-west-2
            iam:
              podIdentityAssociations:
                - namespace: backend
                  serviceAccountName: orders-api
            """;

    static WorkflowWorld world; // set by @WorkflowTest

    /** One class of refusal: the parameters deployed, the entry lines after HEADER, the problem the report names. */
    record Refusal(String rule, Map<String, String> parameters, String entry, String problem) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("DeniedPolicyArns", Map.of(),
                        "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AdministratorAccess]\n",
                        KEY + ":10:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: guardrail DeniedPolicyArns: "
                                + "managed policy arn:aws:iam::aws:policy/AdministratorAccess grants more than a workload may get"),
                new Refusal("AllowWildcardInlinePolicies", Map.of(),
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'iam:*', Resource: '*'}]}\n",
                        KEY + ":10:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail "
                                + "AllowWildcardInlinePolicies: Action \"iam:*\" on * grants iam:CreatePolicyVersion, "
                                + "iam:SetDefaultPolicyVersion, iam:CreatePolicy and 20 more, which can escalate privileges"),
                // Issue 13's attacks, end to end on a default deployment: IAM matches patterns, so do the guardrails.
                new Refusal("AllowWildcardInlinePolicies (pattern)", Map.of(),
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'iam:PassRol?', Resource: '*'}]}\n",
                        KEY + ":10:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail "
                                + "AllowWildcardInlinePolicies: Action \"iam:PassRol?\" on * grants iam:PassRole, which can "
                                + "escalate privileges"),
                new Refusal("AllowUnmarkedRoles", Map.of(),
                        "      roleARN: arn:aws:iam::111122223333:role/Unowned-Role1\n",
                        KEY + ":10:7: iam.podIdentityAssociations[0].roleARN: guardrail AllowUnmarkedRoles: role "
                                + "arn:aws:iam::111122223333:role/Unowned-Role1 is not one this deployment may hand to "
                                + "workloads: it was not created by pod-identity-autopilot for cluster \"dev-cluster\" and is "
                                + "not tagged pod-identity-autopilot/assignable=true by an IAM administrator (or set "
                                + "AllowedRoleArnPatterns)"),
                new Refusal("AllowUnmarkedRoles (target role)", Map.of(),
                        "      roleARN: arn:aws:iam::111122223333:role/payments-api-role\n"
                                + "      targetRoleARN: arn:aws:iam::111122223333:role/Unowned-Role1\n",
                        KEY + ":11:7: iam.podIdentityAssociations[0].targetRoleARN: guardrail AllowUnmarkedRoles: role "
                                + "arn:aws:iam::111122223333:role/Unowned-Role1 is not one this deployment may hand to "
                                + "workloads: it was not created by pod-identity-autopilot for cluster \"dev-cluster\" and is "
                                + "not tagged pod-identity-autopilot/assignable=true by an IAM administrator (or set "
                                + "AllowedRoleArnPatterns)"),
                new Refusal("ReservedTags", Map.of(),
                        "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n"
                                + "      tags: {pod-identity-autopilot/migration: allowed}\n",
                        KEY + ":11:14: iam.podIdentityAssociations[0].tags.pod-identity-autopilot/migration: guardrail "
                                + "ReservedTags: tag \"pod-identity-autopilot/migration\" is under the prefix "
                                + "pod-identity-autopilot/, which pod-identity-autopilot reserves for ownership and for marks "
                                + "an IAM administrator sets; choose another key"),
                new Refusal("AllowedAccountIds", Map.of(),
                        "      roleARN: arn:aws:iam::999999999999:role/elsewhere\n",
                        KEY + ":10:7: iam.podIdentityAssociations[0].roleARN: guardrail AllowedAccountIds: role "
                                + "arn:aws:iam::999999999999:role/elsewhere is in account 999999999999, which is not one of "
                                + "the allowed accounts [111122223333]"),
                new Refusal("AllowedRoleArnPatterns",
                        Map.of("AllowedRoleArnPatterns", "arn:aws:iam::111122223333:role/pod-identity-autopilot/*"),
                        "      roleARN: arn:aws:iam::111122223333:role/admin\n",
                        KEY + ":10:7: iam.podIdentityAssociations[0].roleARN: guardrail AllowedRoleArnPatterns: role "
                                + "arn:aws:iam::111122223333:role/admin is not one this deployment may hand to workloads; "
                                + "allowed: arn:aws:iam::111122223333:role/pod-identity-autopilot/*"),
                new Refusal("AllowedNamespaces", Map.of("AllowedNamespaces", "dev-*=payments|web;*=*"),
                        "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n",
                        KEY + ":8:7: iam.podIdentityAssociations[0].namespace: guardrail AllowedNamespaces: namespace "
                                + "\"backend\" is not allowed on cluster \"dev-cluster\"; allowed: payments, web "
                                + "(entry dev-*=payments|web)"),
                new Refusal("PermissionsBoundaryArn",
                        Map.of("PermissionsBoundaryArn", "arn:aws:iam::111122223333:policy/workload-boundary"),
                        "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n"
                                + "      permissionsBoundaryARN: arn:aws:iam::111122223333:policy/wide-open\n",
                        KEY + ":11:7: iam.podIdentityAssociations[0].permissionsBoundaryARN: guardrail "
                                + "PermissionsBoundaryArn: every role this deployment creates carries the permissions "
                                + "boundary arn:aws:iam::111122223333:policy/workload-boundary; remove this field or set it "
                                + "to that ARN"),
                new Refusal("MaxAssociations", Map.of("MaxAssociations", "1"),
                        "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n"
                                + "    - namespace: backend\n      serviceAccountName: billing\n"
                                + "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n",
                        KEY + ":7:3: iam.podIdentityAssociations: guardrail MaxAssociations: 2 associations declared; "
                                + "this deployment allows at most 1 per cluster"),
                new Refusal("MaxConfigBytes", Map.of("MaxConfigBytes", "1024"), PADDED,
                        KEY + ":1:1: guardrail MaxConfigBytes: the file is " + String.format("%,d",
                                (HEADER + PADDED).getBytes(StandardCharsets.UTF_8).length)
                                + " bytes; the limit is 1,024 bytes"));
    }

    /** A valid entry and comments: larger than 1 KiB, so only its size is wrong (S3 reports the full size). */
    static final String PADDED = "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n"
            + "# padding to make the file larger than the deployment allows\n".repeat(20);

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void configUploaded_whenConfigBreaksGuardrail_changesNothingAndReportsRuleEntryAndLine(Refusal r) throws Exception {
        world.deploy(r.parameters());
        world.upload(KEY, HEADER + r.entry());
        ObjectNode before = world.stateWithoutReports();
        world.cloud().calls().reset();

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertEquals("FAILED", run.status());
        assertEquals("PodIdentityAutopilot.RunFailed", run.error());
        assertEquals(0, world.cloud().calls().writes("iam"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(0, world.cloud().calls().writes("eks"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(before, world.stateWithoutReports(), "nothing changed");
        assertFalse(world.statesEntered(run).contains("Associate"), "no write phase ran");
        JsonNode report = world.report(run, "dev-cluster");
        assertEquals("FAILED", report.path("status").asText());
        assertContains(report.path("cause").asText(), KEY + " is not valid; nothing was changed");
        assertContains(report.path("cause").asText(), r.problem());
        assertEquals(0, report.path("outcomes").size());
    }

    /**
     * Issue 13: a console create is judged as a file is (the same loader, validator and guardrails): an escalating
     * action spelled as a pattern is refused, naming the rule and the console input's field, and nothing is written.
     */
    @Test
    void consoleCreate_whenInlinePolicyEscalatesByPattern_changesNothingAndNamesTheRule() throws Exception {
        world.deploy(Map.of());
        ObjectNode input = event("console-create.json");
        input.remove("permissionPolicyARNs");
        input.set("permissionPolicy", WorkflowWorld.json("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PutRolePolic?", "Resource": "*"}]}"""));
        ObjectNode before = world.stateWithoutReports();
        world.cloud().calls().reset();

        LocalApp.Run run = world.run(input);

        assertEquals("PodIdentityAutopilot.RunFailed", run.error());
        assertEquals(0, world.cloud().calls().writes("iam"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(0, world.cloud().calls().writes("eks"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(before, world.stateWithoutReports(), "nothing changed");
        String cause = world.report(run, "dev-cluster").path("cause").asText();
        assertContains(cause, "console-input.json:");
        assertContains(cause, "iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail "
                + "AllowWildcardInlinePolicies: Action \"iam:PutRolePolic?\" on * grants iam:PutRolePolicy");
    }

    /** IRSA service accounts found in the cluster name no config line, so the plan itself is checked. */
    @Test
    void migrate_whenIrsaAccountsBreakGuardrails_changesNothingAndReportsEachMigration() throws Exception {
        world.deploy(Map.of("AllowedNamespaces", "dev-*=payments",
                "AllowedRoleArnPatterns", "arn:aws:iam::111122223333:role/pod-identity-autopilot/*"));
        ObjectNode before = world.stateWithoutReports();
        world.cloud().calls().reset();

        LocalApp.Run run = world.run(event("console-migrate-approve.json"));

        assertEquals("PodIdentityAutopilot.RunFailed", run.error());
        assertEquals(0, world.cloud().calls().writes("iam"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(0, world.cloud().calls().writes("eks"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(before, world.stateWithoutReports(), "nothing changed");
        String cause = world.report(run, "dev-cluster").path("cause").asText();
        assertContains(cause, "the plan for cluster \"dev-cluster\" is refused by the guardrails; nothing was changed");
        assertContains(cause, "migration of service account default/sa2 (its IRSA role): guardrail AllowedRoleArnPatterns: "
                + "role arn:aws:iam::111122223333:role/Unowned-Role1 is not one this deployment may hand to workloads");
        assertContains(cause, "migration of service account default/sa2: guardrail AllowedNamespaces: namespace "
                + "\"default\" is not allowed on cluster \"dev-cluster\"");
        assertContains(cause, "migration of addon vpc-cni (its IRSA role): guardrail AllowedRoleArnPatterns: role "
                + "arn:aws:iam::111122223333:role/AmazonEKSVPCCNIRole");
    }

    /** The allowed twins: the same parameters let through what they are set to allow, and the run applies it. */
    @Test
    void configUploaded_whenGuardrailsAllowTheEntries_appliesThem() throws Exception {
        world.deploy(Map.of("AllowWildcardInlinePolicies", "true", "AllowedNamespaces", "dev-*=backend|web;*=*",
                "AllowedRoleArnPatterns", "arn:aws:iam::111122223333:role/pod-identity-autopilot/*",
                "MaxAssociations", "1", "MaxConfigBytes", "1024"));
        world.upload(KEY, HEADER + """
                      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'sts:AssumeRole', Resource: '*'}]}
                """);

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        JsonNode role = requireRole(state, "dev-cluster+backend+orders-api");
        assertContains(role.path("inlinePolicies").toString(), "sts:AssumeRole");
        assertEquals(role.path("arn").asText(),
                requireAssociation(state, "dev-cluster", "backend", "orders-api").path("roleArn").asText());
    }

    /** Issue 13: a customer managed policy is judged by its default version, read from IAM by Resolve. */
    @Test
    void configUploaded_whenCustomerManagedPolicyGrantsEverything_changesNothingAndNamesIt() throws Exception {
        world.deploy(Map.of());
        String wide = "arn:aws:iam::111122223333:policy/legacy-wide";
        try {
            world.cloud().iam().createPolicy(r -> r.policyName("legacy-wide").policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
        } catch (software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException again) {
            // the shared world keeps it between tests
        }
        world.upload(KEY, HEADER + "      permissionPolicyARNs: [" + wide + "]\n");
        ObjectNode before = world.stateWithoutReports();
        world.cloud().calls().reset();

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertEquals("PodIdentityAutopilot.RunFailed", run.error());
        assertEquals(0, world.cloud().calls().writes("iam"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(0, world.cloud().calls().writes("eks"), () -> world.cloud().calls().snapshot().toString());
        assertEquals(before, world.stateWithoutReports(), "nothing changed");
        assertContains(world.report(run, "dev-cluster").path("cause").asText(), KEY + ":10:30: "
                + "iam.podIdentityAssociations[0].permissionPolicyARNs[0]: guardrail AllowWildcardInlinePolicies: "
                + "managed policy " + wide + " (default version) statement 0: Action \"*\" on * grants");
    }

    /**
     * Issue 13's allowed twins on otherwise default parameters: a role an IAM administrator marked assignable, and
     * iam:PassRole on one named role when AllowedPrivilegedActions lets it through.
     */
    @Test
    void configUploaded_whenRoleIsMarkedAssignableAndPassRoleIsAllowedOnANamedRole_appliesThem() throws Exception {
        world.deploy(Map.of("AllowedPrivilegedActions", "iam:PassRole"));
        world.upload(KEY, HEADER + """
                      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/batch-job'}]}
                    - namespace: backend
                      serviceAccountName: payments
                      roleARN: arn:aws:iam::111122223333:role/payments-api-role
                """);

        LocalApp.Run run = world.run(event("config-uploaded.json"));

        assertSucceeded(run);
        JsonNode state = world.state();
        assertContains(requireRole(state, "dev-cluster+backend+orders-api").path("inlinePolicies").toString(),
                "iam:PassRole");
        assertEquals("arn:aws:iam::111122223333:role/payments-api-role",
                requireAssociation(state, "dev-cluster", "backend", "payments").path("roleArn").asText());
    }
}
