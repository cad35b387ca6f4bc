package dev.podidentity.autopilot.config;

import dev.podidentity.autopilot.config.tree.Position;

import dev.podidentity.autopilot.config.tree.ReadLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    private static final String HEADER = """
            apiVersion: eksctl.io/v1alpha5
            kind: ClusterConfig
            metadata:
              name: my-cluster
              region: us-west-2
            """;

    private static LoadResult load(String yaml) {
        return ConfigLoader.withDefaults().load(yaml, "cluster.yaml");
    }

    private static String formatted(LoadResult r) {
        return String.join("\n", r.problems().stream().map(p -> p.format("f")).toList());
    }

    @Test
    void load_whenEveryAssociationFieldIsSet_bindsThemAll() {
        LoadResult r = load(HEADER + """
                iam:
                  withOIDC: false
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      createServiceAccount: true
                      roleName: reader
                      permissionPolicy:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: ["s3:GetObject"]
                            Resource: "*"
                      permissionPolicyName: ReadObjects
                      permissionPolicyARNs: ["arn:aws:iam::111122223333:policy/p1"]
                      wellKnownPolicies:
                        autoScaler: true
                        externalDNS: false
                      permissionsBoundaryARN: arn:aws:iam::111122223333:policy/boundary
                      tags: {team: storage}
                      targetRoleARN: arn:aws:iam::444455556666:role/target
                      disableSessionTags: true
                      policy: '{"Version":"2012-10-17","Statement":[]}'
                """);
        assertFalse(r.hasErrors(), formatted(r));
        PodIdentityAssociationSpec pia = r.config().iam().podIdentityAssociations().get(0);
        assertEquals("default/s3-reader", pia.key());
        assertTrue(pia.createsServiceAccount());
        assertEquals("reader", pia.roleName());
        assertEquals("ReadObjects", pia.permissionPolicyName());
        assertEquals(List.of("arn:aws:iam::111122223333:policy/p1"), pia.permissionPolicyARNs());
        assertEquals(java.util.Set.of("autoScaler"), pia.wellKnownPolicies());
        assertEquals("arn:aws:iam::111122223333:policy/boundary", pia.permissionsBoundaryARN());
        assertEquals("storage", pia.tags().get("team"));
        assertEquals("arn:aws:iam::444455556666:role/target", pia.targetRoleARN());
        assertEquals(Boolean.TRUE, pia.disableSessionTags());
        assertTrue(pia.policy().contains("2012-10-17"));
        assertEquals("Allow", ((java.util.Map<?, ?>) ((List<?>) pia.permissionPolicy().get("Statement")).get(0)).get("Effect"));
        assertEquals(Boolean.FALSE, r.config().iam().withOIDC());
    }

    @Test
    void load_whenAddonPodIdentityAssociationsOmittedOrEmpty_keepsTheDifference() {
        LoadResult r = load(HEADER + """
                addons:
                  - name: vpc-cni
                  - name: adot
                    podIdentityAssociations: []
                  - name: aws-ebs-csi-driver
                    useDefaultPodIdentityAssociations: true
                addonsConfig:
                  autoApplyPodIdentityAssociations: true
                autoModeConfig:
                  enabled: true
                """);
        assertFalse(r.hasErrors(), formatted(r));
        List<Addon> addons = r.config().addons();
        assertTrue(addons.get(0).podIdentityAssociationsOmitted());
        assertFalse(addons.get(1).podIdentityAssociationsOmitted());
        assertEquals(List.of(), addons.get(1).podIdentityAssociations());
        assertTrue(addons.get(2).useDefaults());
        assertTrue(r.config().autoApplyPodIdentityAssociations());
        assertTrue(r.config().autoModeEnabled());
    }

    @Test
    void load_whenEksctlSectionsWeDoNotActOnArePresent_toleratesThem() {
        LoadResult r = load(HEADER + """
                  version: "1.31"
                vpc:
                  cidr: 10.10.0.0/16
                  nat: {gateway: Single}
                managedNodeGroups:
                  - name: ng-1
                    instanceType: m6i.large
                    desiredCapacity: 2
                nodeGroups: []
                kubernetesNetworkConfig:
                  ipFamily: IPv4
                cloudWatch:
                  clusterLogging: {enableTypes: ["*"]}
                """);
        assertFalse(r.hasErrors(), formatted(r));
        assertEquals("IPv4", r.config().ipFamily());
    }

    @Test
    void load_whenKeyIsMisspeltInsideActedOnSection_reportsItWithLineAndSuggestion() {
        LoadResult r = load(HEADER + """
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: app
                      permissionPolicyArns: ["arn:aws:iam::111122223333:policy/p1"]
                """);
        assertEquals("f:10:7: iam.podIdentityAssociations[0].permissionPolicyArns: unknown field "
                + "\"permissionPolicyArns\"; did you mean \"permissionPolicyARNs\"?", formatted(r));
    }

    @Test
    void load_whenTopLevelKeyIsUnknown_reportsIt() {
        LoadResult r = load(HEADER + "addon:\n  - name: vpc-cni\n");
        assertEquals("f:6:1: addon: unknown field \"addon\"; did you mean \"addons\"?", formatted(r));
    }

    @Test
    void load_whenWellKnownPolicyIsUnknown_reportsIt() {
        LoadResult r = load(HEADER + """
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: app
                      wellKnownPolicies:
                        autoscaler: true
                """);
        assertEquals("f:11:9: iam.podIdentityAssociations[0].wellKnownPolicies.autoscaler: unknown field "
                + "\"autoscaler\"; did you mean \"autoScaler\"?", formatted(r));
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("      namespace: [a, b]\n", "f:9:18: iam.podIdentityAssociations[0].namespace: expected a string, got a list"),
                Arguments.of("      namespace: 42\n", "f:9:18: iam.podIdentityAssociations[0].namespace: expected a string, got a number (quote the value to make it a string)"),
                Arguments.of("      createServiceAccount: maybe\n", "f:9:29: iam.podIdentityAssociations[0].createServiceAccount: expected true or false, got a string"),
                Arguments.of("      permissionPolicyARNs: arn:aws:iam::aws:policy/X\n", "f:9:29: iam.podIdentityAssociations[0].permissionPolicyARNs: expected a list of strings, got a string"),
                Arguments.of("      tags: {cost: 12}\n", "f:9:20: iam.podIdentityAssociations[0].tags.cost: expected a string value, got a number (quote the value)"),
                Arguments.of("      permissionPolicy: allow-all\n", "f:9:25: iam.podIdentityAssociations[0].permissionPolicy: expected a policy document (a mapping with Version and Statement), got a string"));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void load_whenFieldHasWrongType_reportsExpectedTypeAtTheValue(String field, String expected) {
        LoadResult r = load(HEADER + "iam:\n  podIdentityAssociations:\n    - serviceAccountName: app\n" + field);
        assertEquals(expected, formatted(r));
    }

    @Test
    void load_whenSeveralProblems_reportsAllInFileOrder() {
        LoadResult r = load(HEADER + """
                iam:
                  podIdentityAssociations:
                    - namespace: 1
                      serviceAccountNme: app
                addons:
                  - name: vpc-cni
                    versoin: latest
                """);
        List<String> lines = Arrays.asList(formatted(r).split("\n"));
        assertEquals(3, lines.size(), formatted(r));
        assertTrue(lines.get(0).startsWith("f:8:18: iam.podIdentityAssociations[0].namespace"));
        assertTrue(lines.get(1).startsWith("f:9:7: iam.podIdentityAssociations[0].serviceAccountNme: unknown field"));
        assertTrue(lines.get(2).contains("addons[0].versoin: unknown field \"versoin\"; did you mean \"version\"?"));
    }

    static Stream<Arguments> unreadable() {
        return Stream.of(
                Arguments.of("empty", "", "f:1:1: the file is empty; expected an eksctl ClusterConfig"),
                Arguments.of("blank", "  \n\n", "f:1:1: the file is empty; expected an eksctl ClusterConfig"),
                Arguments.of("comments only", "# nothing here\n", "f:1:1: the file is empty; expected an eksctl ClusterConfig"),
                Arguments.of("bad indentation", "metadata:\n  name: a\n bad: b\n", "f:3:2: not valid YAML:"),
                Arguments.of("unclosed flow", "metadata: {name: a\n", "f:2:1: not valid YAML:"),
                Arguments.of("tab indentation", "metadata:\n\tname: a\n", "f:2:1: not valid YAML:"),
                Arguments.of("duplicate key", "metadata:\n  name: a\n  name: b\n", "f:3:3: not valid YAML:"),
                Arguments.of("scalar root", "just a string\n", "f:1:1: expected an eksctl ClusterConfig"),
                Arguments.of("list root", "- a\n- b\n", "f:1:1: expected an eksctl ClusterConfig"),
                Arguments.of("two documents", "kind: ClusterConfig\n---\nkind: ClusterConfig\n", "f:3:1: the file holds more than one YAML document"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadable")
    void load_whenFileIsUnreadable_returnsOneClearProblemAndNoConfig(String name, String text, String expectedStart) {
        LoadResult r = load(text);
        assertNull(r.config());
        assertEquals(1, r.problems().size(), formatted(r));
        assertTrue(formatted(r).startsWith(expectedStart), formatted(r));
    }

    @Test
    void load_whenFileExceedsSizeLimit_refusesBeforeParsing() {
        byte[] big = new byte[50 * 1024 * 1024];
        Arrays.fill(big, (byte) 'a');
        long start = System.nanoTime();
        LoadResult r = ConfigLoader.withDefaults().load(big, "big.yaml");
        assertNull(r.config());
        assertEquals("f:1:1: the file is 52,428,800 bytes; the limit is 4,194,304 bytes", formatted(r));
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "a refused file must not be parsed");
    }

    @Test
    void load_whenYamlAliasBomb_refusesWithClearMessage() {
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char prev = (char) (c - 1);
            y.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 10; i++) {
                y.append(i == 0 ? "" : ", ").append('*').append(prev);
            }
            y.append("]\n");
        }
        LoadResult r = load(y.toString());
        assertNull(r.config());
        assertTrue(formatted(r).contains("not valid YAML") && formatted(r).contains("aliases"), formatted(r));
    }

    @Test
    void load_whenAliasesStayUnderCountButExpandHugely_refusesByExpandedSize() {
        ConfigLoader loader = new ConfigLoader(new ReadLimits(4 << 20, 50, 64, 10_000));
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'e'; c++) {
            y.append(c).append(": &").append(c).append(" [*").append((char) (c - 1)).append(", *")
                    .append((char) (c - 1)).append(", *").append((char) (c - 1)).append(", *")
                    .append((char) (c - 1)).append(", *").append((char) (c - 1)).append("]\n");
        }
        y.append("f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n");
        LoadResult r = loader.load(y.toString(), "x.yaml");
        assertNull(r.config());
        assertTrue(formatted(r).contains("the document expands to more than 10,000 values"), formatted(r));
    }

    @Test
    void load_whenNestingIsTooDeep_refuses() {
        String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
        LoadResult r = load(deep);
        assertNull(r.config());
        assertEquals(1, r.problems().size());
        assertTrue(formatted(r).contains("not valid YAML") || formatted(r).contains("nests deeper"), formatted(r));
    }

    @Test
    void load_whenInvalidUtf8_saysSo() {
        LoadResult r = ConfigLoader.withDefaults().load(new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28}, "x.yaml");
        assertEquals("f:1:1: the file is not valid UTF-8 text", formatted(r));
    }

    @Test
    void load_whenJson_bindsWithJsonPositions() {
        String json = """
                {
                  "apiVersion": "eksctl.io/v1alpha5",
                  "kind": "ClusterConfig",
                  "metadata": {"name": "c1", "region": "eu-west-1"},
                  "iam": {
                    "podIdentityAssociations": [
                      {"namespace": "default", "serviceAccountName": "a", "roleARN": "arn:aws:iam::111122223333:role/r",
                       "bogus": true}
                    ]
                  }
                }
                """;
        LoadResult r = ConfigLoader.withDefaults().load(json.getBytes(StandardCharsets.UTF_8), "c1.json");
        assertNotNull(r.config());
        assertEquals("c1", r.config().metadata().name());
        assertEquals("f:8:8: iam.podIdentityAssociations[0].bogus: unknown field \"bogus\"", formatted(r));
    }

    @Test
    void load_whenJsonIsMalformed_reportsJsonError() {
        LoadResult r = ConfigLoader.withDefaults().load("{\"kind\": \"ClusterConfig\",\n \"metadata\": }".getBytes(StandardCharsets.UTF_8), "c.json");
        assertNull(r.config());
        assertTrue(formatted(r).startsWith("f:2:14: not valid JSON:"), formatted(r));
    }

    @Test
    void load_whenYamlUsesMergeKeys_explicitKeysWin() {
        LoadResult r = load(HEADER + """
                iam:
                  podIdentityAssociations:
                    - &base
                      namespace: default
                      serviceAccountName: one
                      roleARN: arn:aws:iam::111122223333:role/r
                    - <<: *base
                      serviceAccountName: two
                """);
        assertFalse(r.hasErrors(), formatted(r));
        List<PodIdentityAssociationSpec> pias = r.config().iam().podIdentityAssociations();
        assertEquals("default/two", pias.get(1).key());
        assertEquals("arn:aws:iam::111122223333:role/r", pias.get(1).roleARN());
    }

    @Test
    void sourceMap_whenFieldIsAbsent_pointsAtNearestParent() {
        LoadResult r = load(HEADER + """
                iam:
                  podIdentityAssociations:
                    - serviceAccountName: app
                """);
        SourceMap source = r.config().source();
        assertEquals(new Position(8, 7), source.positionOf("iam.podIdentityAssociations[0].namespace"));
        assertEquals(new Position(8, 7), source.positionOf("iam.podIdentityAssociations[0].serviceAccountName"));
        assertEquals(new Position(4, 3), source.positionOf("metadata.name"));
    }

    @Test
    void load_whenAValueIsLongerThanStepFunctionsCanCarry_refusesItsLineWithoutEchoingIt() {
        String big = "x".repeat(2 * 1024 * 1024);
        LoadResult yaml = load(HEADER + "iam:\n  podIdentityAssociations:\n    - namespace: a\n      serviceAccountName: b\n"
                + "      tags:\n        team: " + big + "\n");
        assertEquals(1, yaml.problems().size(), formatted(yaml));
        String problem = formatted(yaml);
        assertTrue(problem.startsWith("f:11:"), problem);
        assertTrue(problem.contains("2,097,152 characters") && problem.length() < 300, problem);

        LoadResult json = ConfigLoader.withDefaults().load("{\"apiVersion\": \"eksctl.io/v1alpha5\", \"kind\": "
                + "\"ClusterConfig\",\n \"metadata\": {\"name\": \"" + big + "\"}}", "cluster.json");
        assertEquals(1, json.problems().size());
        assertTrue(json.problems().get(0).format("f").startsWith("f:2:"), json.problems().get(0).format("f"));
        assertTrue(json.problems().get(0).format("f").length() < 300);
    }
}
