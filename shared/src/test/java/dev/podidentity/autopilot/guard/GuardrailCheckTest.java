package dev.podidentity.autopilot.guard;

import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.podidentity.autopilot.plan.Step;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every guardrail, refusing the config that breaks it and allowing its nearest acceptable twin. */
class GuardrailCheckTest {
    static final String HEADER = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata: {name: prod}
            iam:
              podIdentityAssociations:
                - namespace: team-a
                  serviceAccountName: app
            """;

    record Case(String name, Guardrails guardrails, String refused, String expected, String allowed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<String> check(String entry, Guardrails g) {
        return check(HEADER, entry, g);
    }

    static List<String> check(String header, String entry, Guardrails g) {
        LoadResult r = ConfigLoader.withDefaults().load(header + entry, "f.yaml");
        assertTrue(!r.hasErrors(), r.problems().toString());
        return GuardrailCheck.check(r.config(), g).stream().map(p -> p.format("f")).toList();
    }

    static Stream<Case> cases() {
        Guardrails d = Guardrails.defaults();
        return Stream.of(
                new Case("AWS managed admin policy denied by name", d,
                        "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AdministratorAccess]\n",
                        "f:8:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: guardrail DeniedPolicyArns: managed policy arn:aws:iam::aws:policy/AdministratorAccess grants more than a workload may get",
                        "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n"),
                new Case("denied in every partition", d,
                        "      permissionPolicyARNs: [arn:aws-cn:iam::aws:policy/IAMFullAccess]\n",
                        "f:8:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: guardrail DeniedPolicyArns: managed policy arn:aws-cn:iam::aws:policy/IAMFullAccess grants more than a workload may get",
                        "      permissionPolicyARNs: [arn:aws:iam::111122223333:policy/IAMFullAccess]\n"),
                new Case("customer policy denied by ARN", d.withDeniedPolicies(Set.of("arn:aws:iam::111122223333:policy/break-glass")),
                        "      permissionPolicyARNs: [arn:aws:iam::111122223333:policy/break-glass]\n",
                        "f:8:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: guardrail DeniedPolicyArns: managed policy arn:aws:iam::111122223333:policy/break-glass grants more than a workload may get",
                        "      permissionPolicyARNs: [arn:aws:iam::111122223333:policy/read-only]\n"),
                new Case("the application's own policy", d,
                        "      permissionPolicyARNs: [arn:aws:iam::111122223333:policy/pod-identity-autopilot-internal/stack-WriteBatchOutcomesPolicy-1A2B]\n",
                        "f:8:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: guardrail DeniedPolicyArns: managed policy arn:aws:iam::111122223333:policy/pod-identity-autopilot-internal/stack-WriteBatchOutcomesPolicy-1A2B is one of pod-identity-autopilot's own (path /pod-identity-autopilot-internal/): it carries the application's rights, never a workload's",
                        "      permissionPolicyARNs: [arn:aws:iam::111122223333:policy/team/pod-identity-autopilot-internal-reader]\n"),
                new Case("inline Action *", d,
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}\n",
                        "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail AllowWildcardInlinePolicies: Action \"*\" on * grants iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, iam:CreatePolicy and 28 more, which can escalate privileges",
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}\n"),
                new Case("inline iam:*", d,
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: ['s3:GetObject', 'iam:*'], Resource: 'arn:aws:s3:::b/*'}]}\n",
                        "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail AllowWildcardInlinePolicies: Action \"s3:GetObject\", \"iam:*\" on arn:aws:s3:::b/* grants iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, iam:CreatePolicy and 20 more, which can escalate privileges",
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Deny, Action: 'iam:*', Resource: '*'}]}\n"),
                new Case("inline sts:AssumeRole on *", d,
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'sts:AssumeRole', Resource: '*'}]}\n",
                        "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail AllowWildcardInlinePolicies: Action \"sts:AssumeRole\" on * grants sts:AssumeRole, which can escalate privileges",
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::444455556666:role/reader'}]}\n"),
                new Case("inline iam:PassRole on *", d,
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: ['iam:PassRole'], Resource: ['*']}]}\n",
                        "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail AllowWildcardInlinePolicies: Action \"iam:PassRole\" on * grants iam:PassRole, which can escalate privileges",
                        // Issue 13: iam:PassRole escalates even on a pattern of roles; its twin is a read of roles.
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: ['iam:GetRole'], Resource: ['arn:aws:iam::111122223333:role/app-*']}]}\n"),
                new Case("inline NotAction", d,
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, NotAction: 'iam:*', Resource: '*'}]}\n",
                        "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail AllowWildcardInlinePolicies: NotAction \"iam:*\" (every other action) on * grants lambda:UpdateFunctionCode, lambda:UpdateFunctionConfiguration, glue:UpdateDevEndpoint and 5 more, which can escalate privileges",
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Deny, NotAction: 's3:*', Resource: '*'}]}\n"),
                new Case("existing role outside the allowed patterns", d.withAllowedRoleArnPatterns(List.of("arn:aws:iam::111122223333:role/workloads/*")),
                        "      roleARN: arn:aws:iam::111122223333:role/OrganizationAccountAccessRole\n",
                        "f:8:7: iam.podIdentityAssociations[0].roleARN: guardrail AllowedRoleArnPatterns: role arn:aws:iam::111122223333:role/OrganizationAccountAccessRole is not one this deployment may hand to workloads; allowed: arn:aws:iam::111122223333:role/workloads/*",
                        "      roleARN: arn:aws:iam::111122223333:role/workloads/app\n"),
                new Case("addon role outside the allowed patterns", d.withAllowedRoleArnPatterns(List.of("arn:aws:iam::111122223333:role/addons/*")),
                        "      roleARN: arn:aws:iam::111122223333:role/addons/r\naddons:\n  - name: vpc-cni\n    serviceAccountRoleARN: arn:aws:iam::111122223333:role/admin\n",
                        "f:11:5: addons[0].serviceAccountRoleARN: guardrail AllowedRoleArnPatterns: role arn:aws:iam::111122223333:role/admin is not one this deployment may hand to workloads; allowed: arn:aws:iam::111122223333:role/addons/*",
                        "      roleARN: arn:aws:iam::111122223333:role/addons/r\naddons:\n  - name: vpc-cni\n    serviceAccountRoleARN: arn:aws:iam::111122223333:role/addons/cni\n"),
                new Case("existing role in a foreign account", d.withAllowedAccounts(Set.of("111122223333")),
                        "      roleARN: arn:aws:iam::999999999999:role/r\n",
                        "f:8:7: iam.podIdentityAssociations[0].roleARN: guardrail AllowedAccountIds: role arn:aws:iam::999999999999:role/r is in account 999999999999, which is not one of the allowed accounts [111122223333]",
                        "      roleARN: arn:aws:iam::111122223333:role/r\n"),
                new Case("target role in a foreign account", d.withAllowedAccounts(Set.of("111122223333", "444455556666")),
                        "      roleARN: arn:aws:iam::111122223333:role/r\n      targetRoleARN: arn:aws:iam::999999999999:role/t\n",
                        "f:9:7: iam.podIdentityAssociations[0].targetRoleARN: guardrail AllowedAccountIds: role arn:aws:iam::999999999999:role/t is in account 999999999999, which is not one of the allowed accounts [111122223333, 444455556666]",
                        "      roleARN: arn:aws:iam::111122223333:role/r\n      targetRoleARN: arn:aws:iam::444455556666:role/t\n"),
                new Case("namespace outside the cluster's allow-list", d.withNamespaces(NamespaceAllowList.parse("prod=payments|shop-*;*=*")),
                        "      roleARN: arn:aws:iam::111122223333:role/r\n",
                        "f:6:7: iam.podIdentityAssociations[0].namespace: guardrail AllowedNamespaces: namespace \"team-a\" is not allowed on cluster \"prod\"; allowed: payments, shop-* (entry prod=payments|shop-*)",
                        null),
                new Case("cluster missing from the namespace allow-list", d.withNamespaces(NamespaceAllowList.parse("staging-*=*")),
                        "      roleARN: arn:aws:iam::111122223333:role/r\n",
                        "f:6:7: iam.podIdentityAssociations[0].namespace: guardrail AllowedNamespaces: cluster \"prod\" has no entry in the namespace allow-list staging-*=*, so no namespace on it may get AWS permissions",
                        null),
                new Case("a different permissions boundary", d.withPermissionsBoundary("arn:aws:iam::111122223333:policy/workload-boundary"),
                        "      wellKnownPolicies: {certManager: true}\n      permissionsBoundaryARN: arn:aws:iam::111122223333:policy/wide-open\n",
                        "f:9:7: iam.podIdentityAssociations[0].permissionsBoundaryARN: guardrail PermissionsBoundaryArn: every role this deployment creates carries the permissions boundary arn:aws:iam::111122223333:policy/workload-boundary; remove this field or set it to that ARN",
                        "      wellKnownPolicies: {certManager: true}\n      permissionsBoundaryARN: arn:aws:iam::111122223333:policy/workload-boundary\n"),
                new Case("more associations than allowed", d.withMaxAssociations(0),
                        "      roleARN: arn:aws:iam::111122223333:role/r\n",
                        "f:5:3: iam.podIdentityAssociations: guardrail MaxAssociations: 1 associations declared; this deployment allows at most 0 per cluster",
                        null)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void check_whenConfigBreaksGuardrail_refusesNamingRuleAndLine(Case c) {
        assertEquals(List.of(c.expected()), check(c.refused(), c.guardrails()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void check_whenConfigKeepsGuardrail_allowsIt(Case c) {
        if (c.allowed() != null) {
            assertEquals(List.of(), check(c.allowed(), c.guardrails()));
        } else {
            assertEquals(List.of(), check(c.refused(), Guardrails.defaults()), "the default guardrails allow it");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void check_whenWildcardInlineExplicitlyAllowed_letsInlinePoliciesThrough(Case c) {
        if (c.name().startsWith("inline")) {
            assertEquals(List.of(), check(c.refused(), c.guardrails().withAllowWildcardInline(true)));
        }
    }

    @Test
    void check_whenNamespaceMatchesTheClustersEntry_allowsIt() {
        String header = HEADER.replace("team-a", "shop-web");
        String entry = "      roleARN: arn:aws:iam::111122223333:role/r\n";
        assertEquals(List.of(), check(header, entry,
                Guardrails.defaults().withNamespaces(NamespaceAllowList.parse("prod=payments|shop-*"))));
        assertEquals(List.of(), check(entry, Guardrails.defaults().withNamespaces(
                NamespaceAllowList.parse("dev=payments;pr*=team-*"))), "the first entry matching the cluster decides");
        assertEquals(1, check(entry, Guardrails.defaults().withNamespaces(
                NamespaceAllowList.parse("prod=payments;*=*"))).size(), "a later catch-all does not widen the entry");
    }

    @Test
    void check_whenAddonsOrIrsaAccountsAskForTooMuch_refusesEachEntryByPath() {
        String entry = """
                      roleARN: arn:aws:iam::111122223333:role/r
                  serviceAccounts:
                    - metadata: {name: legacy, namespace: team-a}
                      attachPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: '*:*', Resource: '*'}]}
                addons:
                  - name: vpc-cni
                    attachPolicyARNs: [arn:aws:iam::aws:policy/PowerUserAccess]
                """;
        assertEquals(List.of(
                "f:11:57: iam.serviceAccounts[0].attachPolicy.Statement[0]: guardrail AllowWildcardInlinePolicies: Action \"*:*\" on * grants iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, iam:CreatePolicy and 28 more, which can escalate privileges",
                "f:14:24: addons[0].attachPolicyARNs[0]: guardrail DeniedPolicyArns: managed policy arn:aws:iam::aws:policy/PowerUserAccess grants more than a workload may get"),
                check(entry, Guardrails.defaults()));
    }

    @Test
    void check_whenIrsaAccountIsInADisallowedNamespaceOrUsesAForeignRole_refusesIt() {
        String entry = """
                      roleARN: arn:aws:iam::111122223333:role/r
                  serviceAccounts:
                    - metadata: {name: legacy, namespace: kube-system}
                      attachRoleARN: arn:aws:iam::999999999999:role/legacy
                """;
        Guardrails g = Guardrails.defaults().withAllowedAccounts(Set.of("111122223333"))
                .withNamespaces(NamespaceAllowList.parse("prod=team-*"));
        assertEquals(List.of(
                "f:10:32: iam.serviceAccounts[0].metadata.namespace: guardrail AllowedNamespaces: namespace \"kube-system\" is not allowed on cluster \"prod\"; allowed: team-* (entry prod=team-*)",
                "f:11:7: iam.serviceAccounts[0].attachRoleARN: guardrail AllowedAccountIds: role arn:aws:iam::999999999999:role/legacy is in account 999999999999, which is not one of the allowed accounts [111122223333]"),
                check(entry, g));
        assertEquals(List.of(), check(entry.replace("kube-system", "team-b").replace("999999999999", "111122223333"), g));
    }

    @Test
    void check_whenIrsaAccountHasNoNamespace_judgesEksctlsDefaultNamespace() {
        String entry = """
                      roleARN: arn:aws:iam::111122223333:role/r
                  serviceAccounts:
                    - metadata: {name: legacy}
                      attachRoleARN: arn:aws:iam::111122223333:role/legacy
                """;
        Guardrails g = Guardrails.defaults().withNamespaces(NamespaceAllowList.parse("prod=team-*"));
        assertEquals(List.of(
                "f:10:7: iam.serviceAccounts[0].metadata.namespace: guardrail AllowedNamespaces: namespace \"default\" is not allowed on cluster \"prod\"; allowed: team-* (entry prod=team-*)"),
                check(entry, g));
    }

    @Test
    void checkMigrations_whenIrsaAccountsFoundInTheClusterBreakTheGuardrails_refusesEachByName() {
        List<Step> steps = List.of(
                new Step.MigrateServiceAccount("kube-system", "legacy", "arn:aws:iam::111122223333:role/eksctl-legacy", Map.of()),
                new Step.MigrateServiceAccount("team-a", "app", "arn:aws:iam::111122223333:role/workloads/app", Map.of()),
                new Step.MigrateAddon("vpc-cni", "v1.18.0-eksbuild.1", "aws-node", "arn:aws:iam::111122223333:role/admin"));
        Guardrails g = Guardrails.defaults().withNamespaces(NamespaceAllowList.parse("prod=team-*"))
                .withAllowedRoleArnPatterns(List.of("arn:aws:iam::111122223333:role/workloads/*"));
        assertEquals(List.of(
                "migration of service account kube-system/legacy (its IRSA role): guardrail AllowedRoleArnPatterns: role arn:aws:iam::111122223333:role/eksctl-legacy is not one this deployment may hand to workloads; allowed: arn:aws:iam::111122223333:role/workloads/*",
                "migration of service account kube-system/legacy: guardrail AllowedNamespaces: namespace \"kube-system\" is not allowed on cluster \"prod\"; allowed: team-* (entry prod=team-*)",
                "migration of addon vpc-cni (its IRSA role): guardrail AllowedRoleArnPatterns: role arn:aws:iam::111122223333:role/admin is not one this deployment may hand to workloads; allowed: arn:aws:iam::111122223333:role/workloads/*"),
                GuardrailCheck.checkMigrations("prod", steps, g));
        assertEquals(List.of(), GuardrailCheck.checkMigrations("prod", steps, Guardrails.defaults()));
    }
}
