package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.naming.OwnershipTags;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.podidentity.autopilot.plan.World.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** apply: reconcile what the config declares, prune only what we made for this cluster and it no longer declares. */
class ApplyTest {
    static final String S3_READ = policyArn("AmazonS3ReadOnlyAccess");
    static final String CNI_POLICY = policyArn("AmazonEKS_CNI_Policy");
    static final String ASSOCIATIONS = """
            iam:
              podIdentityAssociations:
                - namespace: default
                  serviceAccountName: s3-reader
                  permissionPolicyARNs: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
                - namespace: dev
                  serviceAccountName: app-cache-access
                  roleARN: arn:aws:iam::111122223333:role/app-cache-access
                - namespace: payments
                  serviceAccountName: ledger
                  permissionPolicyARNs: ["arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"]
            """;
    static final String ADDONS = """
            addons:
              - name: vpc-cni
                useDefaultPodIdentityAssociations: true
            """;
    static final ClusterConfig CONFIG = yaml(header(ASSOCIATIONS + ADDONS), Action.APPLY);

    /** What the cluster looks like before: some right, some different, some extra, some not ours. */
    static World before() {
        return world()
                .support("vpc-cni", "v1.19.2-eksbuild.1", config("aws-node", CNI_POLICY))
                .ours("default", "s3-reader", List.of(S3_READ), List.of(), null)
                .userRole(roleArn("app-cache-access")).userRole(roleArn("old-cache-role"))
                .association("dev", "app-cache-access", roleArn("old-cache-role"),
                        OwnershipTags.forAssociation(CLUSTER, "dev", "app-cache-access"))
                .ours("batch", "old-job", List.of(S3_READ), List.of(), null)
                .userRole(roleArn("ops-tool"))
                .association("ops", "tool", roleArn("ops-tool"), Map.of())
                .addonAssociation("aws-ebs-csi-driver", "kube-system", "ebs-csi-controller-sa", roleArn("ebs"))
                .addon("vpc-cni", "v1.19.2-eksbuild.1", roleArn("cni-irsa"));
    }

    @Test
    void plan_whenConfigAndClusterDiffer_createsUpdatesAndPrunesOnlyOurs() {
        Plan plan = plan(CONFIG, Action.APPLY, before().build());

        assertEquals(List.of("associate/dev/app-cache-access", "associate/payments/ledger", "addon/vpc-cni",
                "prune/batch/old-job"), plan.steps().stream().map(Step::id).toList());
        var prune = assertInstanceOf(Step.DeleteAssociation.class, plan.steps().get(3));
        assertEquals(roleArn("my-cluster+batch+old-job"), prune.deleteRoleArn());
        assertEquals("""
                apply on cluster "my-cluster":
                associate:
                  will update pod identity association "dev/app-cache-access" (%s): roleArn "old-cache-role" -> "app-cache-access"
                  will create role "my-cluster+payments+ledger" (managed: AmazonDynamoDBReadOnlyAccess), then create pod identity association "payments/ledger" with role "my-cluster+payments+ledger"
                addons:
                  will update addon "vpc-cni": add pod identity for service account "aws-node" (new role "my-cluster+addon=vpc-cni+aws-node" (managed: AmazonEKS_CNI_Policy))
                prune:
                  will delete pod identity association "batch/old-job" (%s) and its role "my-cluster+batch+old-job": no longer declared in the config
                unchanged:
                  pod identity association "default/s3-reader" uses role "my-cluster+default+s3-reader"
                4 changes, 1 unchanged
                """.formatted(associationId("dev", "app-cache-access"), associationId("batch", "old-job")),
                PlanText.render(plan));
    }

    /** The cluster as the plan above leaves it. */
    static World after() {
        World w = world()
                .support("vpc-cni", "v1.19.2-eksbuild.1", config("aws-node", CNI_POLICY))
                .ours("default", "s3-reader", List.of(S3_READ), List.of(), null)
                .ours("payments", "ledger", List.of(policyArn("AmazonDynamoDBReadOnlyAccess")), List.of(), null)
                .userRole(roleArn("app-cache-access"))
                .association("dev", "app-cache-access", roleArn("app-cache-access"),
                        OwnershipTags.forAssociation(CLUSTER, "dev", "app-cache-access"))
                .userRole(roleArn("ops-tool"))
                .association("ops", "tool", roleArn("ops-tool"), Map.of())
                .addonAssociation("aws-ebs-csi-driver", "kube-system", "ebs-csi-controller-sa", roleArn("ebs"))
                .role(roleArn("my-cluster+addon=vpc-cni+aws-node"), OwnershipTags.forAddon(CLUSTER, "vpc-cni",
                        "aws-node"), addonScopedTrust("aws-node"), List.of(CNI_POLICY), List.of(), null)
                .addonAssociation("vpc-cni", "kube-system", "aws-node", roleArn("my-cluster+addon=vpc-cni+aws-node"));
        return w.addon("vpc-cni", "v1.19.2-eksbuild.1", roleArn("cni-irsa"), associationArn("kube-system", "aws-node"));
    }

    @Test
    void plan_whenClusterAlreadyMatchesConfig_isEmpty() {
        Plan plan = plan(CONFIG, Action.APPLY, after().build());

        assertTrue(plan.isEmpty(), () -> PlanText.render(plan));
        assertEquals("""
                apply on cluster "my-cluster":
                unchanged:
                  addon "vpc-cni" is up to date
                  pod identity association "default/s3-reader" uses role "my-cluster+default+s3-reader"
                  pod identity association "dev/app-cache-access" uses role "app-cache-access"
                  pod identity association "payments/ledger" uses role "my-cluster+payments+ledger"
                0 changes, 4 unchanged
                """, PlanText.render(plan));
    }

    // ---- issue 13: roles we made before trust was scoped converge to it ----------------------------------------

    static final String S3_ROLE = roleArn("my-cluster+default+s3-reader");
    static final String CNI_ROLE = roleArn("my-cluster+addon=vpc-cni+aws-node");

    @Test
    void plan_whenOurRoleStillTrustsAnyPod_scopesItsTrustAndChangesNothingElse() {
        // As an apply before issue 13 left it: the permissions are right, the pods statement is the open one.
        World w = after().role(S3_ROLE, OwnershipTags.forAssociation(CLUSTER, "default", "s3-reader"), POD_TRUST,
                List.of(S3_READ), List.of(), null);

        Plan plan = plan(CONFIG, Action.APPLY, w.build());

        assertEquals(List.of("associate/default/s3-reader"), plan.steps().stream().map(Step::id).toList());
        var s3 = assertInstanceOf(Step.EnsureRoleAndAssociation.class, plan.steps().getFirst());
        assertEquals(DesiredRole.Mode.UPDATE_TRUST, s3.role().mode());
        assertTrue(s3.role().scopedTrust());
        assertEquals(plan, PlanJson.read(PlanJson.write(plan)), "the trust change travels with the plan");
        assertEquals("""
                apply on cluster "my-cluster":
                associate:
                  will update role "my-cluster+default+s3-reader" (trust: scope pods.eks.amazonaws.com to cluster "my-cluster", service account "default/s3-reader"), then update pod identity association "default/s3-reader" (%s) with role "my-cluster+default+s3-reader"
                unchanged:
                  addon "vpc-cni" is up to date
                  pod identity association "dev/app-cache-access" uses role "app-cache-access"
                  pod identity association "payments/ledger" uses role "my-cluster+payments+ledger"
                1 change, 3 unchanged
                """.formatted(associationId("default", "s3-reader")), PlanText.render(plan));
    }

    @Test
    void plan_whenOurAddonRoleStillTrustsAnyPod_scopesItThroughTheAddonUpdate() {
        World w = after().role(CNI_ROLE, OwnershipTags.forAddon(CLUSTER, "vpc-cni", "aws-node"), POD_TRUST,
                List.of(CNI_POLICY), List.of(), null);

        Plan plan = plan(CONFIG, Action.APPLY, w.build());

        assertEquals(List.of("addon/vpc-cni"), plan.steps().stream().map(Step::id).toList());
        assertEquals("update addon \"vpc-cni\": service account \"aws-node\": role \"my-cluster+addon=vpc-cni+aws-node\" "
                + "(trust: scope pods.eks.amazonaws.com to cluster \"my-cluster\", service account \"aws-node\")",
                PlanText.describe(plan.steps().getFirst()));
    }

    @Test
    void plan_whenOurRolesTrustIsAlreadyScoped_plansNothingForIt() {
        // after() seeds our roles as an apply now leaves them: the scoped statement and nothing else about pods.
        Plan plan = plan(CONFIG, Action.APPLY, after().build());

        assertTrue(plan.isEmpty(), () -> PlanText.render(plan));
    }

    @Test
    void plan_whenSessionTagsAreOff_keepsThePlainTrustAndUnscopesOursOnce() {
        // Without session tags EKS sets no aws:RequestTag values, so a scoped statement would let no pod in.
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      disableSessionTags: true
                      permissionPolicyARNs: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
                """), Action.APPLY);
        Map<String, String> tags = OwnershipTags.forAssociation(CLUSTER, "default", "s3-reader");
        var association = new ClusterState.Association(associationId("default", "s3-reader"),
                associationArn("default", "s3-reader"), "default", "s3-reader", S3_ROLE, null, true, null, tags, null);

        Plan plain = plan(config, Action.APPLY, world().association(association)
                .role(S3_ROLE, tags, POD_TRUST, List.of(S3_READ), List.of(), null).build());
        Plan scoped = plan(config, Action.APPLY, world().association(association)
                .role(S3_ROLE, tags, scopedTrust("default", "s3-reader"), List.of(S3_READ), List.of(), null).build());

        assertTrue(plain.isEmpty(), () -> PlanText.render(plain));
        var s3 = assertInstanceOf(Step.EnsureRoleAndAssociation.class, step(scoped, "associate/default/s3-reader"));
        assertEquals(DesiredRole.Mode.UPDATE_TRUST, s3.role().mode());
        assertEquals("trust: pods.eks.amazonaws.com without session-tag conditions (session tags are off)",
                s3.role().trustChange());
    }

    @Test
    void plan_whenARoleNamedByArnTrustsAnyPod_leavesItsTrustAlone() {
        // roleARN means "use it as it is": a user's role, or even one of ours, is never narrowed from a config.
        World w = after().role(S3_ROLE, OwnershipTags.forAssociation(CLUSTER, "default", "s3-reader"), POD_TRUST,
                List.of(S3_READ), List.of(), null);
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      roleARN: arn:aws:iam::111122223333:role/my-cluster+default+s3-reader
                    - namespace: dev
                      serviceAccountName: app-cache-access
                      roleARN: arn:aws:iam::111122223333:role/app-cache-access
                """), Action.APPLY);

        Plan plan = plan(config, Action.APPLY, w.build(), PlanOptions.defaults());

        assertTrue(plan.stepsIn(Phase.TRUST).isEmpty() && plan.stepsIn(Phase.ASSOCIATE).isEmpty(),
                () -> PlanText.render(plan));
    }

    @Test
    void plan_whenInputsShuffled_givesTheSamePlanByteForByte() {
        String expectedJson = PlanJson.write(plan(CONFIG, Action.APPLY, before().build()));
        String expectedText = PlanText.render(plan(CONFIG, Action.APPLY, before().build()));
        Random random = new Random(42);
        for (int round = 0; round < 5; round++) {
            ClusterState state = shuffled(before().build(), random);
            List<String> entries = new ArrayList<>(List.of(ASSOCIATIONS.split("\n {4}- ")));
            String head = entries.remove(0);
            Collections.shuffle(entries, random);
            ClusterConfig config = yaml(header(head + "\n    - " + String.join("\n    - ", entries).stripTrailing()
                    + "\n" + ADDONS), Action.APPLY);

            Plan plan = plan(config, Action.APPLY, state);

            assertEquals(expectedJson, PlanJson.write(plan));
            assertEquals(expectedText, PlanText.render(plan));
        }
    }

    private static ClusterState shuffled(ClusterState s, Random random) {
        List<ClusterState.Association> associations = new ArrayList<>(s.associations());
        Collections.shuffle(associations, random);
        List<ClusterState.AddonState> addons = new ArrayList<>(s.addons());
        Collections.shuffle(addons, random);
        return new ClusterState(s.clusterName(), s.accountId(), s.region(), s.partition(), s.status(), s.autoMode(),
                s.oidcProviderArn(), s.agent(), addons, associations, new java.util.HashMap<>(s.roles()),
                s.addonSupport(), s.irsaServiceAccounts());
    }

    @Test
    void plan_whenRolePathConfigured_createsRolesUnderIt() {
        PlanOptions options = PlanOptions.defaults().withRolePath("/pod-identity/")
                .withPermissionsBoundary("arn:aws:iam::111122223333:policy/pod-identity-boundary");

        Plan plan = plan(CONFIG, Action.APPLY, before().build(), options);

        var ledger = assertInstanceOf(Step.EnsureRoleAndAssociation.class, step(plan, "associate/payments/ledger"));
        assertEquals("arn:aws:iam::111122223333:role/pod-identity/my-cluster+payments+ledger", ledger.role().arn());
        assertEquals("/pod-identity/", ledger.role().path());
        assertEquals("arn:aws:iam::111122223333:policy/pod-identity-boundary", ledger.role().permissionsBoundaryArn());
        // The configured boundary applies to our existing roles too: s3-reader's role gets it.
        var s3 = assertInstanceOf(Step.EnsureRoleAndAssociation.class, step(plan, "associate/default/s3-reader"));
        assertEquals(DesiredRole.Mode.UPDATE_PERMISSIONS, s3.role().mode());
        assertEquals("create role \"pod-identity/my-cluster+payments+ledger\" (managed: "
                + "AmazonDynamoDBReadOnlyAccess; boundary: pod-identity-boundary), then create pod identity "
                + "association \"payments/ledger\" with role \"pod-identity/my-cluster+payments+ledger\"",
                PlanText.describe(ledger));
    }

    @Test
    void plan_whenOurRoleExistsAtAnotherPath_findsItByName() {
        // IAM role names are unique per account whatever the path: the role is found, not created twice.
        World w = before();
        w.role("arn:aws:iam::111122223333:role/legacy/my-cluster+payments+ledger",
                OwnershipTags.forAssociation(CLUSTER, "payments", "ledger"), scopedTrust("payments", "ledger"),
                List.of(policyArn("AmazonDynamoDBReadOnlyAccess")), List.of(), null);

        Plan plan = plan(CONFIG, Action.APPLY, w.build(), PlanOptions.defaults().withRolePath("/pod-identity/"));

        var ledger = assertInstanceOf(Step.EnsureRoleAndAssociation.class, step(plan, "associate/payments/ledger"));
        assertEquals(DesiredRole.Mode.USE_EXISTING, ledger.role().mode());
        assertEquals("arn:aws:iam::111122223333:role/legacy/my-cluster+payments+ledger", ledger.role().arn());
    }

    @Test
    void plan_whenNoBoundaryIsConfigured_keepsTheBoundaryOurRoleHas() {
        // Removing a boundary is an administrator's act (the functions' IAM policy denies it); setting one is ours.
        World w = before();
        w.role("arn:aws:iam::111122223333:role/pod-identity/my-cluster+payments+ledger",
                OwnershipTags.forAssociation(CLUSTER, "payments", "ledger"), scopedTrust("payments", "ledger"),
                List.of(policyArn("AmazonDynamoDBReadOnlyAccess")), List.of(), "arn:aws:iam::111122223333:policy/old");

        Plan kept = plan(CONFIG, Action.APPLY, w.build(), PlanOptions.defaults().withRolePath("/pod-identity/"));
        Plan replaced = plan(CONFIG, Action.APPLY, w.build(), PlanOptions.defaults().withRolePath("/pod-identity/")
                .withPermissionsBoundary("arn:aws:iam::111122223333:policy/new"));

        var ledger = assertInstanceOf(Step.EnsureRoleAndAssociation.class, step(kept, "associate/payments/ledger"));
        assertEquals(DesiredRole.Mode.USE_EXISTING, ledger.role().mode());
        var bounded = assertInstanceOf(Step.EnsureRoleAndAssociation.class, step(replaced, "associate/payments/ledger"));
        assertEquals(DesiredRole.Mode.UPDATE_PERMISSIONS, bounded.role().mode());
        assertEquals("arn:aws:iam::111122223333:policy/new", bounded.role().permissionsBoundaryArn());
    }

    @Test
    void plan_whenDeclaredAssociationMovesToUserRole_deletesTheRoleWeMadeForIt() {
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: default
                      serviceAccountName: s3-reader
                      roleARN: arn:aws:iam::111122223333:role/platform-s3
                """), Action.APPLY);
        ClusterState state = world().userRole(roleArn("platform-s3"))
                .ours("default", "s3-reader", List.of(S3_READ), List.of(), null).build();

        Plan plan = plan(config, Action.APPLY, state);

        assertEquals(List.of("associate/default/s3-reader", "prune/default/s3-reader"),
                plan.steps().stream().map(Step::id).toList());
        var prune = assertInstanceOf(Step.DeleteAssociation.class, plan.steps().get(1));
        assertEquals(null, prune.associationId());
        assertEquals(roleArn("my-cluster+default+s3-reader"), prune.deleteRoleArn());
        assertEquals(List.of("associate/default/s3-reader"), prune.dependsOn(),
                "the old role goes only once the move succeeded");
        assertTrue(PlanText.render(plan).contains("kept until the move has succeeded"), PlanText.render(plan));
    }

    @Test
    void plan_whenOnboardingNewCluster_waitsInstallsAgentThenApplies() {
        ClusterConfig config = yaml(header(ASSOCIATIONS), Action.ONBOARD);
        ClusterState state = world().status(ClusterState.ClusterStatus.CREATING).noAgent()
                .userRole(roleArn("app-cache-access")).build();

        Plan plan = plan(config, Action.ONBOARD, state, PlanOptions.defaults().withDryRun(true));

        assertEquals(List.of("wait/my-cluster", "agent/eks-pod-identity-agent", "associate/default/s3-reader",
                "associate/dev/app-cache-access", "associate/payments/ledger"),
                plan.steps().stream().map(Step::id).toList());
        assertEquals("""
                (plan) onboard on cluster "my-cluster":
                wait-active:
                  (plan) would wait for cluster "my-cluster" to become ACTIVE (it is CREATING)
                agent:
                  (plan) would install addon "eks-pod-identity-agent" and wait for it to be ACTIVE
                associate:
                  (plan) would create role "my-cluster+default+s3-reader" (managed: AmazonS3ReadOnlyAccess), then create pod identity association "default/s3-reader" with role "my-cluster+default+s3-reader"
                  (plan) would create pod identity association "dev/app-cache-access" with role "app-cache-access"
                  (plan) would create role "my-cluster+payments+ledger" (managed: AmazonDynamoDBReadOnlyAccess), then create pod identity association "payments/ledger" with role "my-cluster+payments+ledger"
                5 changes, 0 unchanged
                no changes were applied (dry run); run again with "dryRun": false to apply the changes
                """, PlanText.render(plan));
    }

    @Test
    void plan_whenOnboardingAutoModeCluster_skipsAgent() {
        ClusterConfig config = yaml(header("iam: {}\n"), Action.ONBOARD);

        Plan plan = plan(config, Action.ONBOARD, world().autoMode().build());

        assertTrue(plan.isEmpty());
        assertEquals(List.of(new Plan.Unchanged("agent/eks-pod-identity-agent",
                "the pod identity agent is built in to EKS Auto Mode")), plan.unchanged());
    }

    @Test
    void plan_whenConfigNamesAnotherCluster_refuses() {
        ClusterConfig config = yaml(header(ASSOCIATIONS).replace("name: my-cluster", "name: other"), Action.APPLY);

        assertEquals(List.of("test.yaml:4:3: metadata.name: metadata.name \"other\" is not the cluster being planned "
                + "(\"my-cluster\")"), refused(config, Action.APPLY, before().build()));
    }

    @Test
    void plan_whenAssociationBelongsToAddon_refusesStandaloneDeclaration() {
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: kube-system
                      serviceAccountName: ebs-csi-controller-sa
                      roleARN: arn:aws:iam::111122223333:role/ebs
                """), Action.APPLY);

        assertEquals(List.of("test.yaml:8:7: iam.podIdentityAssociations[0]: pod identity association "
                + "kube-system/ebs-csi-controller-sa belongs to addon " + addonArn("aws-ebs-csi-driver")
                + "; declare it under that addon's podIdentityAssociations instead"),
                refused(config, Action.APPLY, before().build()));
    }

    @Test
    void plan_whenConfigOmitsAssociationsList_prunesNothingAndSaysHowTo() {
        ClusterConfig config = yaml(header(ADDONS), Action.APPLY);

        Plan plan = plan(config, Action.APPLY, before().build());

        assertTrue(plan.stepsIn(Phase.PRUNE).isEmpty());
        assertEquals(List.of("the config has no iam.podIdentityAssociations, so associations created earlier are "
                + "kept; write podIdentityAssociations: [] to delete them"), plan.warnings());
    }

    @Test
    void plan_whenConfigSaysEmptyAssociationsList_prunesEverythingOfOurs() {
        ClusterConfig config = yaml(header("iam:\n  podIdentityAssociations: []\n" + ADDONS), Action.APPLY);

        Plan plan = plan(config, Action.APPLY, before().build());

        assertEquals(List.of("prune/batch/old-job", "prune/default/s3-reader", "prune/dev/app-cache-access"),
                plan.stepsIn(Phase.PRUNE).stream().map(Step::id).toList());
        var userRoleKept = assertInstanceOf(Step.DeleteAssociation.class, step(plan, "prune/dev/app-cache-access"));
        assertEquals(null, userRoleKept.deleteRoleArn());
    }

    @Test
    void plan_whenAgentWasRemovedUnderExistingAssociations_putsItBack() {
        Plan plan = plan(CONFIG, Action.APPLY, after().noAgent().build());

        assertEquals(List.of("agent/eks-pod-identity-agent"), plan.steps().stream().map(Step::id).toList());
    }

    @Test
    void plan_whenIpv6ClusterTakesVpcCniDefaults_usesEksctlIpv6InlinePolicy() {
        ClusterConfig config = yaml(header("kubernetesNetworkConfig:\n  ipFamily: IPv6\n" + ADDONS), Action.APPLY);

        Plan plan = plan(config, Action.APPLY, before().build());

        var update = assertInstanceOf(Step.UpdateAddon.class, step(plan, "addon/vpc-cni"));
        DesiredRole role = update.podIdentityAssociations().get(0).role();
        assertEquals(List.of(), role.managedPolicyArns());
        assertTrue(role.inlinePolicies().get("Policy1").contains("ec2:AssignIpv6Addresses"));
    }

    @Test
    void rolesToObserve_whenApplying_namesRolesInUseAndRolesWeWouldCreate() {
        Planner.RoleLookups lookups = PLANNER.rolesToObserve(CONFIG, Action.APPLY, before().build());

        assertTrue(lookups.arns().containsAll(List.of(roleArn("app-cache-access"), roleArn("old-cache-role"),
                roleArn("my-cluster+batch+old-job"), roleArn("ops-tool"), roleArn("ebs"), roleArn("cni-irsa"))));
        assertEquals(java.util.Set.of("my-cluster+default+s3-reader", "my-cluster+payments+ledger",
                "my-cluster+addon=vpc-cni+aws-node"), lookups.names());
    }

    @Test
    void plan_whenSeveralThingsAreWrong_reportsEveryProblemInFileOrder() {
        ClusterConfig config = yaml(header("""
                iam:
                  podIdentityAssociations:
                    - namespace: kube-system
                      serviceAccountName: ebs-csi-controller-sa
                      roleARN: arn:aws:iam::111122223333:role/ebs
                    - namespace: payments
                      serviceAccountName: ledger
                      roleName: ops-tool
                      permissionPolicyARNs: ["arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"]
                addons:
                  - name: vpc-cni
                    podIdentityAssociations:
                      - namespace: kube-system
                        serviceAccountName: aws-node
                        roleARN: arn:aws:iam::111122223333:role/cni
                """), Action.APPLY);
        List<String> problems = refused(config, Action.APPLY, world().userRole(roleArn("ops-tool"))
                .addonAssociation("aws-ebs-csi-driver", "kube-system", "ebs-csi-controller-sa", roleArn("ebs"))
                .support("vpc-cni", "v1.19.2-eksbuild.1").build());

        assertEquals(3, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("test.yaml:8:7: iam.podIdentityAssociations[0]: pod identity association "
                + "kube-system/ebs-csi-controller-sa belongs to addon"), problems::toString);
        assertTrue(problems.get(1).startsWith("test.yaml:11:7: iam.podIdentityAssociations[1]: role \"ops-tool\" "
                + "already exists and was not created by pod identity autopilot"), problems::toString);
        assertTrue(problems.get(2).startsWith("test.yaml:17:5: addons[0].podIdentityAssociations: \"vpc-cni\" addon "
                + "does not support pod identity associations"), problems::toString);
    }
}
