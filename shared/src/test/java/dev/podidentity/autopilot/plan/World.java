package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.naming.Partition;
import dev.podidentity.autopilot.policy.PolicyDocument;
import dev.podidentity.autopilot.policy.TrustPolicies;
import dev.podidentity.autopilot.validate.ConfigValidator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** A hand-built observed cluster for planner tests, plus config loading; real-shaped ARNs, ids and documents. */
final class World {
    static final String ACCOUNT = "111122223333";
    static final String CLUSTER = "my-cluster";
    static final String REGION = "us-west-2";
    static final String ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    static final String OIDC_PROVIDER = "arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + ISSUER;
    static final String POD_TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}";
    static final Planner PLANNER = new Planner(StandardPlanningPolicies.create());

    private ClusterState.ClusterStatus status = ClusterState.ClusterStatus.ACTIVE;
    private boolean autoMode;
    private String oidcProvider = OIDC_PROVIDER;
    private ClusterState.Agent agent = new ClusterState.Agent("v1.3.4-eksbuild.1", "ACTIVE");
    private final List<ClusterState.AddonState> addons = new ArrayList<>();
    private final List<ClusterState.Association> associations = new ArrayList<>();
    private final Map<String, ClusterState.Role> roles = new HashMap<>();
    private final List<ClusterState.AddonSupport> support = new ArrayList<>();
    private final List<ClusterState.IrsaServiceAccount> irsa = new ArrayList<>();

    static World world() {
        return new World();
    }

    static String roleArn(String name) {
        return "arn:aws:iam::" + ACCOUNT + ":role/" + name;
    }

    static String policyArn(String name) {
        return "arn:aws:iam::aws:policy/" + name;
    }

    /** A deterministic association id of EKS's shape ({@code a-} and 17 characters). */
    static String associationId(String ns, String sa) {
        return "a-" + String.format("%017d", Math.abs((long) (ns + "/" + sa).hashCode()));
    }

    static String associationArn(String ns, String sa) {
        return "arn:aws:eks:" + REGION + ":" + ACCOUNT + ":podidentityassociation/" + CLUSTER + "/"
                + associationId(ns, sa);
    }

    static String addonArn(String name) {
        return "arn:aws:eks:" + REGION + ":" + ACCOUNT + ":addon/" + CLUSTER + "/" + name + "/f6c3-1234";
    }

    static String irsaTrust(String ns, String sa) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\""
                + OIDC_PROVIDER + "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\""
                + ISSUER + ":sub\":\"system:serviceaccount:" + ns + ":" + sa + "\",\"" + ISSUER
                + ":aud\":\"sts.amazonaws.com\"}}}]}";
    }

    World status(ClusterState.ClusterStatus s) {
        this.status = s;
        return this;
    }

    World autoMode() {
        this.autoMode = true;
        this.agent = null;
        return this;
    }

    World noAgent() {
        this.agent = null;
        return this;
    }

    World noOidcProvider() {
        this.oidcProvider = null;
        return this;
    }

    World role(String arn, Map<String, String> tags, String trust, List<String> managed, List<String> inline,
               String boundary) {
        roles.put(arn, new ClusterState.Role(arn, RoleArn.nameOf(arn), RoleArn.pathOf(arn), tags, trust, managed,
                inline, boundary));
        return this;
    }

    /** The user's role, trusting pods. */
    World userRole(String arn) {
        return role(arn, Map.of("team", "platform"), POD_TRUST, List.of(), List.of(), null);
    }

    World association(String ns, String sa, String roleArn, Map<String, String> tags) {
        associations.add(new ClusterState.Association(associationId(ns, sa), associationArn(ns, sa), ns, sa, roleArn,
                null, null, null, tags, null));
        return this;
    }

    World association(ClusterState.Association a) {
        associations.add(a);
        return this;
    }

    /** An association of ours with the role we created for it, as a previous apply of {@code permissions} left them. */
    World ours(String ns, String sa, List<String> managed, List<String> inline, String boundary) {
        return ours(ns, sa, scopedTrust(ns, sa), managed, inline, boundary);
    }

    /** As {@link #ours(String, String, List, List, String)}, with the role's trust as given (e.g. the old open one). */
    World ours(String ns, String sa, String trust, List<String> managed, List<String> inline, String boundary) {
        String arn = roleArn(PLANNER_POLICIES.roleNameForAssociation(CLUSTER, ns, sa));
        Map<String, String> tags = OwnershipTags.forAssociation(CLUSTER, ns, sa);
        role(arn, tags, trust, managed, inline, boundary);
        return association(ns, sa, arn, tags);
    }

    /** The trust of a role we make for {@code ns/sa} of the cluster with session tags on: pods, scoped to them. */
    static String scopedTrust(String ns, String sa) {
        return PolicyDocument.of(TrustPolicies.scopedPodIdentityStatement(Partition.AWS, ACCOUNT, CLUSTER, ns, sa))
                .toJson();
    }

    /** The trust of a role we make for an addon's service account with session tags on. */
    static String addonScopedTrust(String sa) {
        return scopedTrust(null, sa);
    }

    World addon(String name, String version, String saRoleArn, String... associationArns) {
        addons.add(new ClusterState.AddonState(name, addonArn(name), version, "ACTIVE", saRoleArn, null,
                List.of(associationArns)));
        return this;
    }

    World addon(ClusterState.AddonState a) {
        addons.add(a);
        return this;
    }

    /** An association an addon owns. */
    World addonAssociation(String addon, String ns, String sa, String roleArn) {
        associations.add(new ClusterState.Association(associationId(ns, sa), associationArn(ns, sa), ns, sa, roleArn,
                null, null, null, Map.of(), addonArn(addon)));
        return this;
    }

    World support(String addon, String version, ClusterState.PodIdentityConfiguration... configs) {
        support.add(new ClusterState.AddonSupport(addon, version, true, List.of(configs)));
        return this;
    }

    static ClusterState.PodIdentityConfiguration config(String sa, String... policies) {
        return new ClusterState.PodIdentityConfiguration(sa, List.of(policies));
    }

    World irsa(String ns, String sa, String roleArn) {
        irsa.add(new ClusterState.IrsaServiceAccount(ns, sa, roleArn));
        return this;
    }

    ClusterState build() {
        return new ClusterState(CLUSTER, ACCOUNT, REGION, "aws", status, autoMode, oidcProvider, agent, addons,
                associations, roles, support, irsa);
    }

    static final PlanningPolicies PLANNER_POLICIES = StandardPlanningPolicies.create();

    // ---- configs ----

    static ClusterConfig example(String file, Action action) {
        try (InputStream in = World.class.getResourceAsStream("/examples/" + file)) {
            return yaml(new String(in.readAllBytes(), StandardCharsets.UTF_8), action);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads and validates a config; fails the test when the config itself is invalid. */
    static ClusterConfig yaml(String text, Action action) {
        LoadResult loaded = ConfigLoader.withDefaults().load(text, "test.yaml");
        assertFalse(loaded.hasErrors(), () -> "config does not load: " + loaded.problems());
        var problems = ConfigValidator.validate(loaded.config(), action).stream().filter(p -> p.isError()).toList();
        assertFalse(!problems.isEmpty(), () -> "config is invalid: " + problems);
        return loaded.config();
    }

    static String header(String body) {
        return "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: my-cluster\n  region: us-west-2\n"
                + body;
    }

    static Plan plan(ClusterConfig config, Action action, ClusterState state, PlanOptions options) {
        return PLANNER.plan(config, action, state, options).orThrow();
    }

    static Plan plan(ClusterConfig config, Action action, ClusterState state) {
        return plan(config, action, state, PlanOptions.defaults());
    }

    static Step step(Plan plan, String id) {
        return plan.steps().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + id + " in\n" + PlanText.render(plan)));
    }

    static List<String> refused(ClusterConfig config, Action action, ClusterState state) {
        PlanResult result = PLANNER.plan(config, action, state, PlanOptions.defaults());
        if (!(result instanceof PlanResult.Refused refused)) {
            throw new AssertionError("expected a refusal, got:\n" + PlanText.render(result.orThrow()));
        }
        return refused.problems().stream().map(p -> p.format("test.yaml")).toList();
    }
}
