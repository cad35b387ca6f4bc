package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GetTest {
    static World three() {
        return world()
                .association("default", "s3-reader", roleArn("s3"), Map.of())
                .association("dev", "app-cache-access", roleArn("cache"), Map.of())
                .addonAssociation("vpc-cni", "kube-system", "aws-node", roleArn("cni"));
    }

    @Test
    void plan_whenNoFilter_reportsEveryAssociationWithOwnerOnlyWhenSet() {
        ClusterConfig config = yaml(header(""), Action.GET);

        Plan plan = plan(config, Action.GET, three().status(ClusterState.ClusterStatus.UPDATING).build());

        var report = assertInstanceOf(Step.ReportAssociations.class, plan.steps().get(0));
        assertEquals(List.of("default/s3-reader", "dev/app-cache-access", "kube-system/aws-node"),
                report.associations().stream().map(a -> a.namespace() + "/" + a.serviceAccountName()).toList());
        assertTrue(plan.isEmpty());
        assertEquals("""
                get on cluster "my-cluster":
                report:
                  default/s3-reader -> role "arn:aws:iam::111122223333:role/s3" (%s)
                  dev/app-cache-access -> role "arn:aws:iam::111122223333:role/cache" (%s)
                  kube-system/aws-node -> role "arn:aws:iam::111122223333:role/cni" (%s) owned by %s
                0 changes, 0 unchanged
                """.formatted(associationArn("default", "s3-reader"), associationArn("dev", "app-cache-access"),
                associationArn("kube-system", "aws-node"), addonArn("vpc-cni")), PlanText.render(plan));
    }

    @Test
    void plan_whenConfigNamesNamespace_filtersByIt() {
        ClusterConfig config = example("03-delete-associations.yaml", Action.GET);

        Plan plan = plan(config, Action.GET, three().build());

        var report = assertInstanceOf(Step.ReportAssociations.class, plan.steps().get(0));
        assertEquals(2, report.associations().size());
    }

    @Test
    void plan_whenNothingMatches_saysSoLikeEksctl() {
        Plan plan = plan(yaml(header(""), Action.GET), Action.GET, world().build());

        assertTrue(PlanText.render(plan).contains("  No podidentityassociations found\n"));
    }
}
