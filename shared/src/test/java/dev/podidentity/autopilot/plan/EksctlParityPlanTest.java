package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.naming.OwnershipTags;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where planning used to differ from what eksctl and EKS do (issue "Do what eksctl and EKS do"): each test names
 * the eksctl behaviour it pins (docs/eksctl-differences.md lists what we keep different on purpose).
 */
class EksctlParityPlanTest {
    static final String CNI_POLICY = policyArn("AmazonEKS_CNI_Policy");
    static final String EBS_POLICY = policyArn("service-role/AmazonEBSCSIDriverPolicy");
    static final String CNI_ROLE = roleArn("my-cluster+addon=vpc-cni+aws-node");

    static World cniWithOurRole() {
        return world().support("vpc-cni", "v1.19.2-eksbuild.1", config("aws-node", CNI_POLICY))
                .role(CNI_ROLE, OwnershipTags.forAddon(CLUSTER, "vpc-cni", "aws-node"), POD_TRUST, List.of(CNI_POLICY),
                        List.of(), null)
                .addonAssociation("vpc-cni", "kube-system", "aws-node", CNI_ROLE)
                .addon("vpc-cni", "v1.19.2-eksbuild.1", null, associationArn("kube-system", "aws-node"));
    }

    static final ClusterConfig DELETE_CNI = yaml(header("addons:\n  - name: vpc-cni\n"), Action.DELETE_ADDON);

    @Test
    void deleteAddon_whenPreserve_keepsAssociationsAndRolesLikeEksctlPreserve() {
        Plan plan = plan(DELETE_CNI, Action.DELETE_ADDON, cniWithOurRole().build(),
                PlanOptions.defaults().withPreserve(true));

        assertEquals(List.of(new Step.DeleteAddon("vpc-cni", true, List.of())), plan.steps());
        assertTrue(PlanText.render(plan).contains("will delete addon \"vpc-cni\" preserving its Kubernetes resources, "
                + "pod identity associations and roles"), PlanText.render(plan));
    }

    @Test
    void deleteAddon_withoutPreserve_deletesTheRolesWeCreatedForIt() {
        Plan plan = plan(DELETE_CNI, Action.DELETE_ADDON, cniWithOurRole().build());

        assertEquals(List.of(new Step.DeleteAddon("vpc-cni", false, List.of(CNI_ROLE))), plan.steps());
    }

    static final String WEB = """
            iam:
              podIdentityAssociations:
                - namespace: web
                  serviceAccountName: frontend
                  roleARN: arn:aws:iam::111122223333:role/web-frontend
            """;

    static World consoleMadeAssociation() {
        return world().userRole(roleArn("web-frontend")).userRole(roleArn("console-role"))
                .association("web", "frontend", roleArn("console-role"), Map.of());
    }

    @Test
    void apply_whenAssociationWasMadeElsewhereWithAnotherRole_leavesItAndSaysAlreadyExistsNotOwned() {
        Plan plan = plan(yaml(header(WEB), Action.APPLY), Action.APPLY, consoleMadeAssociation().build());

        assertFalse(plan.steps().stream().anyMatch(s -> s.id().equals("associate/web/frontend")),
                PlanText.render(plan));
        String expected = "pod identity association \"web/frontend\" already exists, not owned ("
                + associationId("web", "frontend") + ", role \"console-role\", made outside pod identity autopilot): "
                + "left as it is although the config differs (roleArn \"console-role\" -> \"web-frontend\"); to take it "
                + "over, list \"web/frontend\" in metadata.annotations[\"pod-identity-autopilot/adopt-associations\"]";
        assertEquals(List.of(new Plan.Unchanged("associate/web/frontend", expected)), plan.unchanged());
        assertEquals(List.of(expected), plan.warnings());
    }

    @Test
    void apply_whenTheConfigAdoptsTheAssociation_takesItOverAndSaysSo() {
        ClusterConfig config = yaml(header(WEB).replace("  region: us-west-2\n", "  region: us-west-2\n  annotations:\n"
                + "    pod-identity-autopilot/adopt-associations: \"web/frontend\"\n"), Action.APPLY);

        Plan plan = plan(config, Action.APPLY, consoleMadeAssociation().build());

        var update = assertInstanceOf(Step.UpdateAssociation.class, step(plan, "associate/web/frontend"));
        assertEquals(roleArn("web-frontend"), update.roleArn());
        assertEquals(List.of("taking over pod identity association \"web/frontend\" (" + associationId("web", "frontend")
                + ", role \"console-role\"), made outside pod identity autopilot, as metadata.annotations["
                + "\"pod-identity-autopilot/adopt-associations\"] asks"), plan.warnings());
    }

    @Test
    void apply_whenAssociationMadeElsewhereAlreadyMatches_isUnchangedWithoutWarning() {
        World w = world().userRole(roleArn("web-frontend"))
                .association("web", "frontend", roleArn("web-frontend"), Map.of());

        Plan plan = plan(yaml(header(WEB), Action.APPLY), Action.APPLY, w.build());

        assertFalse(plan.steps().stream().anyMatch(s -> s.id().equals("associate/web/frontend")));
        assertEquals(List.of(), plan.warnings());
    }

    @Test
    void createAddon_whenAutoApplyAndExplicitIrsaRole_leavesTheAddonOnIrsaLikeEksctl() {
        ClusterConfig config = yaml(header("""
                addonsConfig:
                  autoApplyPodIdentityAssociations: true
                addons:
                  - name: aws-ebs-csi-driver
                    serviceAccountRoleARN: arn:aws:iam::111122223333:role/ebs-irsa
                """), Action.CREATE_ADDON);
        ClusterState state = world().support("aws-ebs-csi-driver", "v1.45.0-eksbuild.2",
                config("ebs-csi-controller-sa", EBS_POLICY)).build();

        var create = assertInstanceOf(Step.CreateAddon.class,
                step(plan(config, Action.CREATE_ADDON, state), "addon/aws-ebs-csi-driver"));

        assertEquals(roleArn("ebs-irsa"), create.serviceAccountRoleArn());
        assertEquals(List.of(), create.podIdentityAssociations());
    }

    @Test
    void apply_whenConfigHasAgentEntry_installsTheAgentAsTheEntrySays() {
        ClusterConfig config = yaml(header("""
                addons:
                  - name: eks-pod-identity-agent
                    version: v1.3.8-eksbuild.2
                    resolveConflicts: overwrite
                    configurationValues: |
                      agent:
                        additionalArgs:
                          "-b": "169.254.170.23"
                    tags:
                      team: eks
                """), Action.APPLY);

        Plan plan = plan(config, Action.APPLY, world().noAgent().build());

        assertEquals(new Step.InstallAgent(CLUSTER, "v1.3.8-eksbuild.2",
                        "{\"agent\":{\"additionalArgs\":{\"-b\":\"169.254.170.23\"}}}", "overwrite",
                        Map.of("team", "eks")),
                step(plan, "agent/eks-pod-identity-agent"));
    }

    @Test
    void createAddon_whenNamespaceConfig_createsTheAddonInThatNamespace() {
        ClusterConfig config = yaml(header("""
                addons:
                  - name: adot
                    namespaceConfig:
                      namespace: observability
                    configurationValues: '{"replicaCount": 2}'
                """), Action.CREATE_ADDON);

        var create = assertInstanceOf(Step.CreateAddon.class,
                step(plan(config, Action.CREATE_ADDON, world().build()), "addon/adot"));

        assertEquals("observability", create.namespace());
        assertEquals("{\"replicaCount\":2}", create.configurationValues());
    }

    @Test
    void updateAddon_whenNamespaceConfigDiffers_refusesBecauseItCannotChangeAfterCreation() {
        ClusterConfig config = yaml(header("""
                addons:
                  - name: adot
                    namespaceConfig:
                      namespace: observability
                """), Action.UPDATE_ADDON);
        World w = world().addon(new ClusterState.AddonState("adot", addonArn("adot"), "v0.117.0-eksbuild.1", "ACTIVE",
                null, null, List.of(), "opentelemetry-operator-system"));

        assertEquals(List.of("test.yaml:9:7: addons[0].namespaceConfig.namespace: addon \"adot\" is installed in "
                        + "namespace \"opentelemetry-operator-system\"; namespaceConfig cannot change after the addon "
                        + "is created (delete the addon and create it again to move it)"),
                refused(config, Action.UPDATE_ADDON, w.build()));
    }

    static final String IRSA = """
            iam:
              withOIDC: true
              serviceAccounts:
                - metadata: {name: s3-reader, namespace: backend}
                  attachPolicyARNs: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
            """;

    @Test
    void apply_whenIamServiceAccounts_warnsPerEntryWithItsPodIdentityEquivalent() {
        Plan plan = plan(yaml(header(IRSA), Action.APPLY), Action.APPLY, world().build());

        assertTrue(plan.steps().stream().noneMatch(s -> s.id().startsWith("associate/")), PlanText.render(plan));
        assertEquals(List.of("iam.serviceAccounts[0] (backend/s3-reader): IRSA roles are eksctl's to create, not pod "
                + "identity autopilot's; nothing is done for it. Its pod identity equivalent is the "
                + "iam.podIdentityAssociations entry {namespace: backend, serviceAccountName: s3-reader, "
                + "permissionPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]}; write that, or set "
                + "metadata.annotations[\"pod-identity-autopilot/irsa-as-pod-identity\"]: \"true\" to apply it"),
                plan.warnings());
    }

    @Test
    void apply_whenIrsaOptIn_createsTheEquivalentAssociation() {
        ClusterConfig config = yaml(header(IRSA).replace("  region: us-west-2\n", "  region: us-west-2\n"
                + "  annotations: {pod-identity-autopilot/irsa-as-pod-identity: \"true\"}\n"), Action.APPLY);

        Plan plan = plan(config, Action.APPLY, world().build());

        var ensure = assertInstanceOf(Step.EnsureRoleAndAssociation.class, step(plan, "associate/backend/s3-reader"));
        assertEquals(List.of(policyArn("AmazonS3ReadOnlyAccess")), ensure.role().managedPolicyArns());
        assertTrue(plan.warnings().get(0).startsWith("iam.serviceAccounts[0] (backend/s3-reader): applied as its pod "
                + "identity equivalent"), plan.warnings().toString());
    }

    @Test
    void updateAddon_whenIrsaPolicies_warnsWithTheServiceAccountsEquivalent() {
        ClusterConfig config = yaml(header("""
                addons:
                  - name: aws-ebs-csi-driver
                    wellKnownPolicies: {ebsCSIController: true}
                """), Action.UPDATE_ADDON);
        World w = world().support("aws-ebs-csi-driver", "v1.45.0-eksbuild.2", config("ebs-csi-controller-sa", EBS_POLICY))
                .addon("aws-ebs-csi-driver", "v1.45.0-eksbuild.2", null);

        Plan plan = plan(config, Action.UPDATE_ADDON, w.build());

        assertEquals(List.of("addon \"aws-ebs-csi-driver\": IRSA policies (attachPolicyARNs, attachPolicy, "
                + "wellKnownPolicies) create no role here (eksctl creates an OIDC-trusted one); the pod identity "
                + "equivalent is podIdentityAssociations: [{serviceAccountName: ebs-csi-controller-sa, "
                + "wellKnownPolicies: {ebsCSIController: true}}]; or set metadata.annotations["
                + "\"pod-identity-autopilot/irsa-as-pod-identity\"]: \"true\" to apply it; serviceAccountRoleARN "
                + "names a role of your own"), plan.warnings());
        assertNull(plan.steps().stream().filter(s -> s instanceof Step.UpdateAddon).findFirst().orElse(null));
    }
}
