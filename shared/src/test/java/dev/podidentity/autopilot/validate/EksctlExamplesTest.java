package dev.podidentity.autopilot.validate;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.config.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The eksctl guide's configs, judged for the action each one's name suggests, as eksctl would judge them. */
class EksctlExamplesTest {

    static List<String> judge(String file, Action action) throws IOException {
        byte[] bytes;
        try (InputStream in = EksctlExamplesTest.class.getResourceAsStream("/examples/" + file)) {
            assertNotNull(in, file);
            bytes = in.readAllBytes();
        }
        LoadResult r = ConfigLoader.withDefaults().load(bytes, file);
        List<Problem> problems = new ArrayList<>(r.problems());
        problems.addAll(ConfigValidator.validate(r.config(), action));
        return problems.stream().map(p -> p.format(file)).toList();
    }

    @ParameterizedTest(name = "{0} is valid for {1}")
    @CsvSource({
            "01-create-associations.yaml, create",
            "01-create-associations.yaml, apply",
            "02-update-role-arns.yaml, update",
            "03-delete-associations.yaml, delete",
            "04-addon-explicit.yaml, create-addon",
            "05-addon-auto-apply.yaml, create-addon",
            "06-addon-use-default.yaml, create-addon",
            "07-addon-reconcile-adot.yaml, update-addon",
            "08-addon-remove-all.yaml, update-addon",
    })
    void example_whenJudgedForItsAction_isValid(String file, String action) throws IOException {
        assertEquals(List.of(), judge(file, Action.fromWireName(action).orElseThrow()));
    }

    @Test
    void example03_whenJudgedForCreate_lacksRoleSources() throws IOException {
        List<String> problems = judge("03-delete-associations.yaml", Action.CREATE);
        assertEquals(2, problems.size(), String.join("\n", problems));
    }

    @Test
    void example09_reportsBothProblems() throws IOException {
        assertEquals(List.of(
                "09-invalid-role-arn-and-policies.yaml:12:7: iam.podIdentityAssociations[0].permissionPolicyARNs: "
                        + "iam.podIdentityAssociations[0].permissionPolicyARNs cannot be specified when "
                        + "iam.podIdentityAssociations[0].roleARN is set",
                "09-invalid-role-arn-and-policies.yaml:13:7: iam.podIdentityAssociations[1].namespace: "
                        + "iam.podIdentityAssociations[1].namespace must be set"),
                judge("09-invalid-role-arn-and-policies.yaml", Action.CREATE));
    }
}
