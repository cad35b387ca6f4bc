package dev.podidentity.autopilot.guard;

import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.naming.OwnershipTags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13's attacks on a default deployment, each refused with its rule and line, each next to its allowed twin.
 * The IAM facts (role tags, customer managed policy documents) come from a fake, as Resolve reads them from IAM.
 */
class GuardrailEscalationTest {
    private static final String HEADER = GuardrailCheckTest.HEADER;
    private static final String ADMIN = "arn:aws:iam::111122223333:role/admin";
    private static final String ASSIGNABLE = "arn:aws:iam::111122223333:role/shared/reader";
    private static final String OURS = "arn:aws:iam::111122223333:role/pod-identity-autopilot/prod-team-a-app";
    private static final String OTHER_CLUSTERS = "arn:aws:iam::111122223333:role/pod-identity-autopilot/dev-team-a-app";
    private static final String WIDE_POLICY = "arn:aws:iam::111122223333:policy/wide";
    private static final String READ_POLICY = "arn:aws:iam::111122223333:policy/read";

    /** What IAM says about this account's roles and policies. */
    static final IamFacts FACTS = new IamFacts() {
        @Override
        public boolean known() {
            return true;
        }

        @Override
        public Optional<Map<String, String>> roleTags(String arn) {
            return Optional.ofNullable(Map.of(
                    ADMIN, Map.<String, String>of(),
                    "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole", Map.<String, String>of(),
                    ASSIGNABLE, Map.of(OwnershipTags.ASSIGNABLE, "true"),
                    OURS, OwnershipTags.forAssociation("prod", "team-a", "app"),
                    OTHER_CLUSTERS, OwnershipTags.forAssociation("dev", "team-a", "app")).get(arn));
        }

        @Override
        public Optional<String> policyDocument(String arn) {
            return Optional.ofNullable(Map.of(
                    WIDE_POLICY, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
                    READ_POLICY, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"*\"}]}").get(arn));
        }
    };

    static List<String> check(String config, Guardrails g) {
        LoadResult r = ConfigLoader.withDefaults().load(config, "f.yaml");
        assertTrue(!r.hasErrors(), r.problems().toString());
        return GuardrailCheck.check(r.config(), g, FACTS).stream().map(p -> p.format("f")).toList();
    }

    static List<String> inline(String statement, Guardrails g) {
        return check(HEADER + "      permissionPolicy: {Version: '2012-10-17', Statement: [" + statement + "]}\n", g);
    }

    static String refusal(String message) {
        return "f:8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail "
                + "AllowWildcardInlinePolicies: " + message;
    }

    // ---------------------------------------------------------------- inline policies, judged as IAM judges them

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{Effect: Allow, Action: 'iam:PassRol?', Resource: '*'}",
            "{Effect: Allow, Action: 'iam:PutRolePolic?', Resource: '*'}",
            "{Effect: Allow, Action: 'IAM:passrole', Resource: 'arn:aws:iam::111122223333:role/admin'}",
            "{Effect: Allow, Action: 'sts:*', Resource: '*'}",
            "{Effect: Allow, Action: 'iam:PassRole', NotResource: 'arn:aws:iam::111122223333:role/nothing'}",
            "{Effect: Allow, Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/*'}",
            "{Effect: Allow, Action: 'iam:PutRolePolicy', Resource: '*'}",
            "{Effect: Allow, Action: 'iam:AttachRolePolicy', Resource: '*'}",
            "{Effect: Allow, Action: 'iam:CreatePolicyVersion', Resource: '*'}",
            "{Effect: Allow, Action: 'i*:*Access*', Resource: '*'}",
            "{Effect: Allow, NotAction: 's3:*', Resource: '*'}",
    })
    void check_whenInlinePolicyGrantsAnEscalatingActionByAnyPattern_refusesIt(String statement) {
        List<String> problems = inline(statement, Guardrails.defaults());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(refusal("")), problems.get(0));
        assertTrue(problems.get(0).endsWith(", which can escalate privileges"), problems.get(0));
    }

    @Test
    void check_whenQuestionMarkHidesPassRole_namesThePatternAndTheAction() {
        assertEquals(List.of(refusal("Action \"iam:PassRol?\" on * grants iam:PassRole, which can escalate "
                + "privileges")), inline("{Effect: Allow, Action: 'iam:PassRol?', Resource: '*'}", Guardrails.defaults()));
        assertEquals(List.of(refusal("Action \"iam:PassRole\" with NotResource (every other resource) grants "
                + "iam:PassRole, which can escalate privileges")), inline(
                "{Effect: Allow, Action: 'iam:PassRole', NotResource: 'arn:aws:iam::111122223333:role/x'}",
                Guardrails.defaults()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{Effect: Allow, Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::444455556666:role/reader'}",
            "{Effect: Allow, Action: ['s3:Get*', 'dynamodb:Query'], Resource: '*'}",
            "{Effect: Deny, Action: 'iam:*', Resource: '*'}",
            "{Effect: Allow, Action: 'iam:Get*', Resource: '*'}",
    })
    void check_whenInlinePolicyGrantsOnlyWorkloadActions_allowsIt(String statement) {
        assertEquals(List.of(), inline(statement, Guardrails.defaults()));
    }

    @Test
    void check_whenParameterAllowsPassRole_allowsItOnOneNamedRoleOnly() {
        Guardrails g = Guardrails.defaults().withAllowedPrivilegedActions(Set.of("iam:PassRole"));
        assertEquals(List.of(), inline(
                "{Effect: Allow, Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/batch-job'}", g));
        assertEquals(1, inline("{Effect: Allow, Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/*'}",
                g).size());
        assertEquals(1, inline("{Effect: Allow, Action: 'iam:PutRolePolicy', Resource: "
                + "'arn:aws:iam::111122223333:role/batch-job'}", g).size(), "only the actions the parameter names");
    }

    // ------------------------------------------------------------------------------------ managed policies

    @Test
    void check_whenCustomerManagedPolicyGrantsEverything_refusesItByItsDefaultVersion() {
        assertEquals(List.of("f:8:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: guardrail "
                        + "AllowWildcardInlinePolicies: managed policy " + WIDE_POLICY + " (default version) statement 0: "
                        + "Action \"*\" on * grants iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, "
                        + "iam:CreatePolicy and 28 more, which can escalate privileges"),
                check(HEADER + "      permissionPolicyARNs: [" + WIDE_POLICY + "]\n", Guardrails.defaults()));
        assertEquals(List.of(), check(HEADER + "      permissionPolicyARNs: [" + READ_POLICY + "]\n",
                Guardrails.defaults()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"arn:aws:iam::aws:policy/administratoraccess", "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
            "arn:aws-us-gov:iam::aws:policy/job-function/SYSTEMADMINISTRATOR"})
    void check_whenDeniedPolicyIsSpelledInAnotherCase_refusesIt(String arn) {
        assertEquals(List.of("f:8:30: iam.podIdentityAssociations[0].permissionPolicyARNs[0]: guardrail "
                + "DeniedPolicyArns: managed policy " + arn + " grants more than a workload may get"),
                check(HEADER + "      permissionPolicyARNs: [" + arn + "]\n", Guardrails.defaults()));
    }

    // ------------------------------------------------------------------------ bringing your own role

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ADMIN, "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole", OTHER_CLUSTERS,
            "arn:aws:iam::111122223333:role/does-not-exist"})
    void check_whenRoleArnNamesARoleNobodyGranted_refusesIt(String arn) {
        assertEquals(List.of("f:8:7: iam.podIdentityAssociations[0].roleARN: guardrail AllowUnmarkedRoles: role "
                        + arn + " is not one this deployment may hand to workloads: it was not created by "
                        + "pod-identity-autopilot for cluster \"prod\" and is not tagged pod-identity-autopilot/assignable=true "
                        + "by an IAM administrator (or set AllowedRoleArnPatterns)"),
                check(HEADER + "      roleARN: " + arn + "\n", Guardrails.defaults()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ASSIGNABLE, OURS})
    void check_whenRoleIsOursForTheClusterOrMarkedAssignable_allowsIt(String arn) {
        assertEquals(List.of(), check(HEADER + "      roleARN: " + arn + "\n", Guardrails.defaults()));
    }

    @Test
    void check_whenTargetOrAddonRoleIsUnmarked_refusesThemToo() {
        String config = HEADER + "      roleARN: " + ASSIGNABLE + "\n      targetRoleARN: " + ADMIN + "\n"
                + "addons:\n  - name: vpc-cni\n    serviceAccountRoleARN: " + ADMIN + "\n";
        List<String> problems = check(config, Guardrails.defaults());
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("f:9:7: iam.podIdentityAssociations[0].targetRoleARN: guardrail "
                + "AllowUnmarkedRoles: role " + ADMIN), problems.get(0));
        assertTrue(problems.get(1).startsWith("f:12:5: addons[0].serviceAccountRoleARN: guardrail "
                + "AllowUnmarkedRoles: role " + ADMIN), problems.get(1));
        assertEquals(List.of(), check(config.replace(ADMIN, ASSIGNABLE), Guardrails.defaults()));
    }

    @Test
    void check_whenPatternsAreSet_targetRoleArnMustMatchThem() {
        Guardrails g = Guardrails.defaults().withAllowedRoleArnPatterns(List.of("arn:aws:iam::*:role/workloads/*"));
        String config = HEADER + "      roleARN: arn:aws:iam::111122223333:role/workloads/app\n      targetRoleARN: ";
        assertEquals(List.of("f:9:7: iam.podIdentityAssociations[0].targetRoleARN: guardrail AllowedRoleArnPatterns: "
                + "role arn:aws:iam::444455556666:role/admin is not one this deployment may hand to workloads; "
                + "allowed: arn:aws:iam::*:role/workloads/*"),
                check(config + "arn:aws:iam::444455556666:role/admin\n", g));
        assertEquals(List.of(), check(config + "arn:aws:iam::444455556666:role/workloads/t\n", g));
    }

    @Test
    void check_whenEksctlBehaviourIsRestored_allowsAnyExistingRole() {
        assertEquals(List.of(), check(HEADER + "      roleARN: " + ADMIN + "\n",
                Guardrails.defaults().withAllowUnmarkedRoles(true)));
    }

    // ------------------------------------------------------------------------------------------ reserved tags

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pod-identity-autopilot/addon", "Pod-Identity-Autopilot/migration",
            "pod-identity-autopilot/assignable"})
    void check_whenConfigSetsAReservedTag_refusesItInEveryPlace(String key) {
        String config = HEADER + "      roleARN: " + ASSIGNABLE + "\n      tags: {'" + key + "': allowed}\n"
                + "addons:\n  - name: vpc-cni\n    tags: {'" + key + "': 'true'}\n";
        List<String> problems = check(config, Guardrails.defaults());
        assertEquals(List.of(
                "f:9:14: iam.podIdentityAssociations[0].tags." + key + ": guardrail ReservedTags: tag \"" + key
                        + "\" is under the prefix pod-identity-autopilot/, which pod-identity-autopilot reserves for "
                        + "ownership and for marks an IAM administrator sets; choose another key",
                "f:12:12: addons[0].tags." + key + ": guardrail ReservedTags: tag \"" + key
                        + "\" is under the prefix pod-identity-autopilot/, which pod-identity-autopilot reserves for "
                        + "ownership and for marks an IAM administrator sets; choose another key"), problems);
        assertEquals(List.of(), check(config.replace(key, "team/" + key), Guardrails.defaults()));
    }
}
