package dev.podidentity.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidateCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ValidateCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void validate_whenConfigIsValid_printsValidAndExitsZero() throws IOException {
        Path f = write("ok.yaml", """
                apiVersion: eksctl.io/v1alpha5
                kind: ClusterConfig
                metadata: {name: c1}
                iam:
                  podIdentityAssociations:
                    - {namespace: default, serviceAccountName: app, roleARN: "arn:aws:iam::111122223333:role/r"}
                """);
        assertEquals(0, run(f.toString()));
        assertEquals("valid\n", out());
    }

    @Test
    void validate_whenConfigHasProblems_printsFileLineColumnPathMessageAndExitsOne() throws IOException {
        Path f = write("bad.yaml", """
                apiVersion: eksctl.io/v1alpha5
                kind: ClusterConfig
                metadata: {name: c1}
                iam:
                  podIdentityAssociations:
                    - {serviceAccountName: app}
                """);
        assertEquals(1, run(f.toString(), "--for", "create"));
        String[] lines = out().split("\n");
        assertEquals(2, lines.length, out());
        assertEquals(f + ":6:7: iam.podIdentityAssociations[0]: at least one of the following must be specified: "
                + "iam.podIdentityAssociations[0].roleARN, iam.podIdentityAssociations[0].permissionPolicy, "
                + "iam.podIdentityAssociations[0].permissionPolicyARNs, iam.podIdentityAssociations[0].wellKnownPolicies",
                lines[0]);
        assertEquals(f + ":6:7: iam.podIdentityAssociations[0].namespace: iam.podIdentityAssociations[0].namespace "
                + "must be set", lines[1]);
    }

    @Test
    void validate_whenActionDiffers_appliesThatActionsRules() throws IOException {
        Path f = write("delete.yaml", """
                apiVersion: eksctl.io/v1alpha5
                kind: ClusterConfig
                metadata: {name: c1}
                iam:
                  podIdentityAssociations:
                    - {namespace: default, serviceAccountName: app}
                """);
        assertEquals(0, run(f.toString(), "--for=delete"));
        out.reset();
        assertEquals(1, run(f.toString(), "--for", "create"));
    }

    @Test
    void validate_whenWarningsOnly_printsThemAndValid() throws IOException {
        Path f = write("warn.yaml", """
                apiVersion: eksctl.io/v1alpha5
                kind: ClusterConfig
                metadata: {name: c1}
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: app
                      roleARN: "arn:aws:iam::111122223333:role/r"
                      roleName: ignored
                """);
        assertEquals(0, run(f.toString()));
        assertEquals(f + ":9:7: warning: iam.podIdentityAssociations[0].roleName: ignored because "
                + "iam.podIdentityAssociations[0].roleARN is set\nvalid\n", out());
    }

    @Test
    void validate_whenFileMissingOrArgumentsWrong_exitsTwoWithUsage() {
        assertEquals(2, run(dir.resolve("nope.yaml").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no such file"));
        assertEquals(2, run());
        assertEquals(2, run("x.yaml", "--for", "destroy"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown action for --for: \"destroy\""));
    }

    /** Issue 13: validate judges as a run does, with the deployment's parameters; it once said "valid" here. */
    @Test
    void validate_whenConfigBreaksAGuardrail_refusesItAsARunWould_andTheParametersFileCanAllowIt() throws IOException {
        Path f = write("escalates.yaml", """
                apiVersion: eksctl.io/v1alpha5
                kind: ClusterConfig
                metadata: {name: c1}
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: app
                      permissionPolicy: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'iam:PassRol?', Resource: '*'}]}
                """);
        assertEquals(1, run(f.toString()));
        assertEquals(f + ":8:61: iam.podIdentityAssociations[0].permissionPolicy.Statement[0]: guardrail "
                + "AllowWildcardInlinePolicies: Action \"iam:PassRol?\" on * grants iam:PassRole, which can escalate "
                + "privileges\n", out());

        out.reset();
        Path lines = write("params.txt", "# as deployed\nAllowWildcardInlinePolicies=true\n");
        assertEquals(0, run(f.toString(), "--parameters", lines.toString()));
        assertEquals("valid\n", out());

        out.reset();
        Path json = write("params.json", "{\"AllowWildcardInlinePolicies\": \"true\"}");
        assertEquals(0, run(f.toString(), "--parameters", json.toString()));
    }

    @Test
    void validate_whenParametersFileNamesAnUnknownKey_saysWhichAndExitsTwo() throws IOException {
        Path f = write("ok2.yaml", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c1}\n");
        Path bad = write("bad.txt", "NoSuchParameter=1\n");
        assertEquals(2, run(f.toString(), "--parameters", bad.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("template.yaml has no parameter NoSuchParameter"),
                err.toString(StandardCharsets.UTF_8));
        Path malformed = write("malformed.txt", "AllowWildcardInlinePolicies\n");
        assertEquals(2, run(f.toString(), "--parameters", malformed.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(malformed + ":1: expected Key=Value"),
                err.toString(StandardCharsets.UTF_8));
    }
}
