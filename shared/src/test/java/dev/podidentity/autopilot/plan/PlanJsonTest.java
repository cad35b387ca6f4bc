package dev.podidentity.autopilot.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.naming.Owner;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The plan crosses Step Functions as JSON: every step kind must come back equal, with its type and id visible. */
class PlanJsonTest {

    static Plan everyStepKind() {
        DesiredRole create = new DesiredRole(DesiredRole.Mode.CREATE, roleArn("r"), "r", "/", List.of(policyArn("P")),
                Map.of("Policy1", "{\"Version\":\"2012-10-17\",\"Statement\":[]}"), null, Map.of("k", "v"));
        List<Step> steps = List.of(
                new Step.WaitForCluster(CLUSTER, ClusterState.ClusterStatus.CREATING),
                new Step.InstallAgent(CLUSTER),
                new Step.UpdateTrustPolicy(roleArn("t"), "t", Owner.UNKNOWN, true, OIDC_PROVIDER, List.of("a/b")),
                new Step.EnsureRoleAndAssociation("ns", "sa", create, null, true, "{}", Map.of("k", "v"), true, null),
                new Step.UpdateAssociation("a-12345678901234567", "ns2", "sa", roleArn("x"), "", false, null,
                        List.of("roleArn")),
                new Step.DeleteAssociation("a-12345678901234568", "ns3", "sa", roleArn("y"), roleArn("y"), "why"),
                new Step.CreateAddon("vpc-cni", "v1", null, "OVERWRITE", Map.of(), null,
                        List.of(new Step.AddonIdentity("aws-node", create))),
                new Step.UpdateAddon("adot", null, null, null, null, List.of(), List.of(roleArn("z")), List.of("c")),
                new Step.UpdateAddon("keep", "v2", null, null, null, null, List.of(), List.of("version")),
                new Step.DeleteAddon("old", false, List.of()),
                new Step.MigrateServiceAccount("default", "sa1", roleArn("m"), Map.of()),
                new Step.MigrateAddon("ebs", "v1", "ebs-csi-controller-sa", roleArn("e")),
                new Step.RemoveIrsaAnnotation("default", "sa1", roleArn("m")),
                new Step.ReportAssociations(List.of(new Step.AssociationSummary("arn", "ns", "sa", roleArn("q"), null))));
        return new Plan(CLUSTER, Action.APPLY, true, steps, List.of(new Plan.Unchanged("x", "y")), List.of("w"));
    }

    @Test
    void read_whenPlanWasWritten_returnsAnEqualPlan() {
        Plan plan = everyStepKind();

        assertEquals(plan, PlanJson.read(PlanJson.write(plan)));
    }

    @Test
    void write_whenAnyStep_carriesTypeIdAndPhase() throws Exception {
        JsonNode steps = PlanJson.mapper().readTree(PlanJson.write(everyStepKind())).get("steps");

        Set<String> types = new java.util.TreeSet<>();
        for (JsonNode step : steps) {
            types.add(step.get("type").asText());
            Step back = PlanJson.readStep(step.toString());
            assertEquals(back.id(), step.get("id").asText());
            assertEquals(back.phase().name(), step.get("phase").asText());
        }
        Set<String> declared = java.util.Arrays.stream(Step.class.getPermittedSubclasses())
                .map(Class::getSimpleName).collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(declared, types);
    }

    @Test
    void write_whenGetReport_usesEksctlFieldNames() {
        String json = PlanJson.writeStep(new Step.ReportAssociations(List.of(
                new Step.AssociationSummary("arn:a", "default", "s3-reader", roleArn("r"), null))));

        assertEquals("{\"type\":\"ReportAssociations\",\"associations\":[{\"AssociationARN\":\"arn:a\","
                + "\"Namespace\":\"default\",\"ServiceAccountName\":\"s3-reader\",\"RoleARN\":"
                + "\"arn:aws:iam::111122223333:role/r\"}],\"id\":\"get/associations\",\"phase\":\"REPORT\"}", json);
    }

    @Test
    void read_whenUnknownStepType_fails() {
        assertThrows(java.io.UncheckedIOException.class, () -> PlanJson.readStep("{\"type\":\"DropCluster\"}"));
    }

    @Test
    void write_whenSamePlanTwice_givesSameBytes() {
        assertEquals(PlanJson.write(everyStepKind()), PlanJson.write(everyStepKind()));
    }
}
