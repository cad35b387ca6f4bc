package dev.podidentity.autopilot.run.sweep;

import dev.podidentity.autopilot.run.sweep.SweepFindings.ClusterFacts;
import dev.podidentity.autopilot.run.sweep.SweepFindings.Preview;
import dev.podidentity.autopilot.run.sweep.SweepFindings.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep's judgement of one cluster's facts, its config index and the order it examines clusters in. */
class SweepFindingsTest {
    private static final String REPORT = "reports/c/apply-c-1.json";
    private static final String CONFIG = "clusters/c.yaml";
    private static final Preview NO_CHANGES = new Preview(0, 3, List.of(), List.of(), List.of());
    private static final Preview TWO_CHANGES = new Preview(2, 1, List.of("(plan) would a", "(plan) would b"), List.of(),
            List.of());
    private static final Preview INVALID = Preview.invalid(List.of("clusters/c.yaml:7:9: iam.podIdentityAssociations[0]"
            + ".namespace: iam.podIdentityAssociations[0].namespace must be set"));

    static Stream<Arguments> facts() {
        return Stream.of(
                row("onboarded, config and cluster agree", "ACTIVE", REPORT, CONFIG, NO_CHANGES, null, Verdict.IN_SYNC),
                row("onboarded, an apply would change things", "ACTIVE", REPORT, CONFIG, TWO_CHANGES, null, Verdict.DRIFT),
                row("UPDATING clusters are judged like ACTIVE ones", "UPDATING", REPORT, CONFIG, TWO_CHANGES, null,
                        Verdict.DRIFT),
                row("onboarded, no config to compare", "ACTIVE", REPORT, null, null, null, Verdict.ONBOARDED),
                row("never onboarded, no config", "ACTIVE", null, null, null, null, Verdict.NOT_ONBOARDED),
                row("never onboarded, with a config: onboarding comes first", "ACTIVE", null, CONFIG, TWO_CHANGES, null,
                        Verdict.NOT_ONBOARDED),
                row("invalid config wins over not onboarded: an onboard run would be refused", "ACTIVE", null, CONFIG,
                        INVALID, null, Verdict.INVALID_CONFIG),
                row("invalid config of an onboarded cluster", "ACTIVE", REPORT, CONFIG, INVALID, null,
                        Verdict.INVALID_CONFIG),
                row("a read failed", "ACTIVE", REPORT, CONFIG, null, "RetryableException: throttled", Verdict.ERROR),
                row("CREATING: noted, not judged", "CREATING", null, CONFIG, null, null, Verdict.NOT_JUDGED),
                row("DELETING: noted, not judged", "DELETING", REPORT, null, null, null, Verdict.NOT_JUDGED),
                row("FAILED: noted, not judged", "FAILED", null, null, null, null, Verdict.NOT_JUDGED),
                row("gone between ListClusters and DescribeCluster", "DELETED", null, null, null, null,
                        Verdict.NOT_JUDGED),
                row("DescribeCluster itself failed: the status is unknown", "UNKNOWN", null, CONFIG, null,
                        "AccessDeniedException: eks:DescribeCluster", Verdict.ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("facts")
    void verdict_whenFacts_isTheFirstThatApplies(String description, ClusterFacts facts, Verdict expected) {
        assertEquals(expected, SweepFindings.verdict(facts), description);
    }

    private static Arguments row(String description, String status, String evidence, String config, Preview preview,
                                 String error, Verdict expected) {
        return Arguments.of(description, new ClusterFacts("c", status, evidence, config, preview, error), expected);
    }

    @Test
    void index_mapsEachClusterToTheConfigResolveReads_andListsTheRest() {
        SweepFindings.ConfigIndex index = SweepFindings.index(List.of("clusters/a.json", "clusters/a.yaml",
                "clusters/b.yml", "clusters/team/c.yaml", "clusters/d.txt", "clusters/e.yaml.bak", "clusters/"));
        assertEquals(Map.of("a", "clusters/a.yaml", "b", "clusters/b.yml"), index.byCluster());
        assertEquals(List.of("clusters/a.json"), index.duplicates(), ".yaml is read before .json, as onboard does");
        assertEquals(List.of("clusters/team/c.yaml", "clusters/d.txt", "clusters/e.yaml.bak", "clusters/"), index.ignored());
        assertEquals("clusters/b.yml", index.keyFor("b").orElseThrow());
        assertTrue(index.keyFor("c").isEmpty(), "a sub-folder names no cluster");
    }

    @Test
    void rotation_startsWhereThePreviousSweepStopped_andWrapsAround() {
        List<String> clusters = List.of("delta", "alpha", "charlie", "bravo");
        assertEquals(List.of("alpha", "bravo", "charlie", "delta"), SweepFindings.rotation(clusters, null));
        assertEquals(List.of("charlie", "delta", "alpha", "bravo"), SweepFindings.rotation(clusters, "charlie"));
        assertEquals(List.of("charlie", "delta", "alpha", "bravo"), SweepFindings.rotation(clusters, "buzz"),
                "a resume point that was deleted since: the next name after it");
        assertEquals(List.of("alpha", "bravo", "charlie", "delta"), SweepFindings.rotation(clusters, "zulu"));
        assertEquals(List.of(), SweepFindings.rotation(List.of(), "alpha"));
    }

    @Test
    void stepLines_areThePlansWouldLines_withoutHeadersOrCounts() {
        String planText = """
                (plan) apply on cluster "dev-cluster":
                agent:
                  (plan) would install addon "eks-pod-identity-agent" and wait for it to be ACTIVE
                associate:
                  (plan) would create pod identity association "default/sa1" with role "r"
                kubernetes access:
                  role x has no access entry
                2 changes, 0 unchanged
                """;
        assertEquals(List.of("(plan) would install addon \"eks-pod-identity-agent\" and wait for it to be ACTIVE",
                "(plan) would create pod identity association \"default/sa1\" with role \"r\""),
                SweepFindings.stepLines(planText));
        assertEquals(List.of(), SweepFindings.stepLines(null));
    }

    @Test
    void judged_onlyClustersThatServeRequests() {
        assertTrue(SweepFindings.judged("ACTIVE"));
        assertTrue(SweepFindings.judged("UPDATING"));
        for (String status : List.of("CREATING", "DELETING", "FAILED", "PENDING", "DELETED")) {
            assertFalse(SweepFindings.judged(status), status);
        }
    }
}
