package dev.podidentity.autopilot.guard;

import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every guardrail, refusing the config that breaks it and allowing its nearest acceptable twin. */
class GuardrailCheckTest {
    private static final String HEADER = """
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
        LoadResult r = ConfigLoader.withDefaults().load(HEADER + entry, "f.yaml");
        assertTrue(!r.hasErrors(), r.problems().toString());
        return GuardrailCheck.check(r.config(), g).stream().map(p -> p.format("f")).toList();
    }

    static Stream<Case> cases() {
        Guardrails d = Guardrails.defaults();
        return Stream.of(
                new Case("AWS managed admin policy denied by name", d,
                        "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AdministratorAccess]\n",
                        "f:8:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: managed policy arn:aws:iam::aws:policy/AdministratorAccess grants more than a workload may get (refused by guardrail DeniedPolicyArns)",
                        "      permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n"),
                new Case("denied in every partition", d,
                        "      permissionPolicyARNs: [arn:aws-cn:iam::aws:policy/IAMFullAccess]\n",
                        "f:8:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: managed policy arn:aws-cn:iam::aws:policy/IAMFullAccess grants more than a workload may get (refused by guardrail DeniedPolicyArns)",
                        "      permissionPolicyARNs: [arn:aws:iam::111122223333:policy/IAMFullAccess]\n"),
                new Case("customer policy denied by ARN", d.withDeniedPolicies(Set.of("arn:aws:iam::111122223333:policy/break-glass")),
                        "      permissionPolicyARNs: [arn:aws:iam::111122223333:policy/break-glass]\n",
                        "f:8:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: managed policy arn:aws:iam::111122223333:policy/break-glass grants more than a workload may get (refused by guardrail DeniedPolicyArns)",
                        "      permissionPolicyARNs: [arn:aws:iam::111122223333:policy/read-only]\n"),
                new Case("inline Action *", d,
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}\n",
                        "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: action \"*\" grants every action (refused by guardrail AllowWildcardInline)",
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}\n"),
                new Case("inline iam:*", d,
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: ['s3:GetObject', 'iam:*'], Resource: 'arn:aws:s3:::b/*'}]}\n",
                        "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: action \"iam:*\" grants IAM administration (refused by guardrail AllowWildcardInline)",
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Deny, Action: 'iam:*', Resource: '*'}]}\n"),
                new Case("inline sts:AssumeRole on *", d,
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'sts:AssumeRole', Resource: '*'}]}\n",
                        "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: action \"sts:AssumeRole\" on every resource lets the workload become any role (refused by guardrail AllowWildcardInline)",
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::444455556666:role/reader'}]}\n"),
                new Case("inline NotAction", d,
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, NotAction: 'iam:*', Resource: '*'}]}\n",
                        "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: Allow with NotAction grants every other action (refused by guardrail AllowWildcardInline)",
                        "      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Deny, NotAction: 's3:*', Resource: '*'}]}\n"),
                new Case("existing role outside the allowed patterns", d.withAllowedRoleArnPatterns(List.of("arn:aws:iam::111122223333:role/workloads/*")),
                        "      roleARN: arn:aws:iam::111122223333:role/OrganizationAccountAccessRole\n",
                        "f:8:7: iam.podIdentityAssociations[0].roleARN: role arn:aws:iam::111122223333:role/OrganizationAccountAccessRole is not one this deployment may hand to workloads; allowed: [arn:aws:iam::111122223333:role/workloads/*] (refused by guardrail AllowedRoleArnPatterns)",
                        "      roleARN: arn:aws:iam::111122223333:role/workloads/app\n"),
                new Case("target role in a foreign account", d.withAllowedTargetAccounts(Set.of("444455556666")),
                        "      roleARN: arn:aws:iam::111122223333:role/r\n      targetRoleARN: arn:aws:iam::999999999999:role/t\n",
                        "f:9:7: iam.podIdentityAssociations[0].targetRoleARN: target role account 999999999999 is not one of the allowed accounts [444455556666] (refused by guardrail AllowedTargetAccounts)",
                        "      roleARN: arn:aws:iam::111122223333:role/r\n      targetRoleARN: arn:aws:iam::444455556666:role/t\n"),
                new Case("namespace outside the cluster's allow-list", d.withNamespaceAllowList(Map.of("prod", List.of("payments", "shop-*"))),
                        "      roleARN: arn:aws:iam::111122223333:role/r\n",
                        "f:6:7: iam.podIdentityAssociations[0].namespace: namespace \"team-a\" is not allowed on cluster \"prod\"; allowed: [payments, shop-*] (refused by guardrail NamespaceAllowList)",
                        null),
                new Case("a different permissions boundary", d.withPermissionsBoundary("arn:aws:iam::111122223333:policy/workload-boundary"),
                        "      wellKnownPolicies: {certManager: true}\n      permissionsBoundaryARN: arn:aws:iam::111122223333:policy/wide-open\n",
                        "f:9:7: iam.podIdentityAssociations[0].permissionsBoundaryARN: every role this deployment creates carries the permissions boundary arn:aws:iam::111122223333:policy/workload-boundary; remove this field or set it to that ARN (refused by guardrail PermissionsBoundaryArn)",
                        "      wellKnownPolicies: {certManager: true}\n      permissionsBoundaryARN: arn:aws:iam::111122223333:policy/workload-boundary\n"),
                new Case("more associations than allowed", d.withMaxAssociations(0),
                        "      roleARN: arn:aws:iam::111122223333:role/r\n",
                        "f:5:3: iam.podIdentityAssociations: 1 associations declared; this deployment allows at most 0 per cluster (refused by guardrail MaxAssociations)",
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
}
