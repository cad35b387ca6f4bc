package dev.podidentity.local.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.app.LocalApp;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.gateway.FaultRule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The application deployed on one local cloud for a test class, and what its tests read back: the world (state
 * dump), the execution's report in the bucket, the execution history. {@link #fresh()} puts the default world back
 * and deploys the application again (moto's reset also drops the state machine and its executions).
 */
final class WorkflowWorld {
    static final String ACCOUNT = "111122223333";
    static final String REGION = "us-west-2";
    static final String ROLE_PREFIX = "arn:aws:iam::" + ACCOUNT + ":role/";
    static final String OURS = "pod-identity-autopilot/managed-by";
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    /**
     * How long a cluster a test has just "created" stays CREATING: longer than a run takes from its start to its
     * first cluster status check on a busy machine (over 2 s measured at load average 12 on 2 cores), so the run
     * finds it CREATING and waits; short enough that the wait is a few rounds of the 1 s local Wait state.
     */
    static final Duration JUST_CREATED = Duration.ofSeconds(5);

    private final LocalCloud cloud;
    private LocalApp app;
    private Instant seeding = Instant.now();
    final List<String> progress = new ArrayList<>();

    WorkflowWorld(LocalCloud cloud) {
        this.cloud = cloud;
        this.app = LocalApp.deploy(cloud);
    }

    /**
     * When {@link #fresh()} last began seeding the default world (before the seeding: a cluster CREATING in the world
     * file turns ACTIVE no sooner than its {@code activeAfterMillis} after this).
     */
    Instant seeding() {
        return seeding;
    }

    Duration sinceSeeding() {
        return Duration.between(seeding, Instant.now());
    }

    /**
     * The cluster as it is just after CreateCluster: CREATING for {@link #JUST_CREATED} from now, then ACTIVE. For a
     * test that needs a run to find the cluster CREATING whatever the seeding and deploying before it took.
     */
    void justCreated(String cluster) {
        cloud.eksEmulator().setClusterStatus(REGION, cluster, "CREATING", JUST_CREATED);
    }

    /**
     * Waits at most {@code within} for {@code rule} to fire (a run is then inside the faulted call), and asserts it
     * fired exactly once: {@code what} says where the run is.
     */
    void awaitFired(FaultRule rule, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (cloud.faults().fired(rule) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, cloud.faults().fired(rule), what);
    }

    LocalCloud cloud() {
        return cloud;
    }

    LocalApp app() {
        return app;
    }

    /** The default world again, the application deployed on it, call counts and faults cleared. */
    void fresh() {
        seeding = Instant.now();
        cloud.reseed();
        app = LocalApp.deploy(cloud);
        cloud.calls().reset();
        progress.clear();
    }

    /** The application deployed again with stack parameters and function environment overrides. */
    void deploy(Map<String, String> parameters, Map<String, String> environment) {
        app = LocalApp.deploy(cloud, parameters, environment);
    }

    /** The events the application put since the last call, as a rule on the default bus received them. */
    List<JsonNode> events() {
        return app.inbox().drain();
    }

    /** The human-readable report beside the JSON one (reports/<cluster>/<execution>.md). */
    String markdown(LocalApp.Run run, String cluster) {
        String key = "reports/" + cluster + "/" + executionName(run) + ".md";
        try {
            return cloud.s3().getObjectAsBytes(b -> b.bucket(app.bucket()).key(key)).asUtf8String();
        } catch (Exception e) {
            throw new AssertionError("no Markdown report at s3://" + app.bucket() + "/" + key + ": " + e, e);
        }
    }

    /** The application deployed again with some stack parameters set; the world is left as it is. */
    void deploy(Map<String, String> parameters) {
        app = LocalApp.deploy(cloud, parameters);
    }

    // ------------------------------------------------------------------ events

    static ObjectNode event(String file) {
        return (ObjectNode) ProjectFiles.readJson(ProjectFiles.event(file)).deepCopy();
    }

    /** A CloudTrail CreateCluster event of events/cluster-created.json for another cluster and event id. */
    static ObjectNode clusterCreated(String cluster, String eventId) {
        ObjectNode e = event("cluster-created.json");
        ObjectNode detail = (ObjectNode) e.get("detail");
        ((ObjectNode) detail.get("requestParameters")).put("name", cluster);
        ObjectNode c = (ObjectNode) detail.get("responseElements").get("cluster");
        c.put("name", cluster).put("arn", "arn:aws:eks:" + REGION + ":" + ACCOUNT + ":cluster/" + cluster);
        detail.put("eventID", eventId);
        return e;
    }

    /** A CloudTrail DeleteCluster event of events/cluster-deleted.json for another cluster. */
    static ObjectNode clusterDeleted(String cluster, String eventId) {
        ObjectNode e = event("cluster-deleted.json");
        ObjectNode detail = (ObjectNode) e.get("detail");
        ((ObjectNode) detail.get("requestParameters")).put("name", cluster);
        ((ObjectNode) detail.get("responseElements").get("cluster")).put("name", cluster);
        detail.put("eventID", eventId);
        return e;
    }

    /** The S3 Object Created event of events/config-uploaded.json for another key. */
    static ObjectNode configUploaded(String key) {
        ObjectNode e = event("config-uploaded.json");
        ((ObjectNode) e.get("detail").get("object")).put("key", key);
        return e;
    }

    LocalApp.Delivery deliver(JsonNode event) throws Exception {
        return app.deliver(event, progress::add, TIMEOUT);
    }

    /** Delivers an event that must start exactly one execution, and returns that execution's end. */
    LocalApp.Run run(JsonNode event) throws Exception {
        LocalApp.Delivery d = deliver(event);
        assertEquals(1, d.runs().size(), () -> "one execution expected: " + d + "\n" + String.join("\n", progress));
        return d.runs().get(0);
    }

    void upload(String key, String yaml) {
        cloud.s3().putObject(b -> b.bucket(app.bucket()).key(key), RequestBody.fromString(yaml));
    }

    void deleteObject(String key) {
        cloud.s3().deleteObject(b -> b.bucket(app.bucket()).key(key));
    }

    // ------------------------------------------------------------------ what a run left behind

    static String executionName(LocalApp.Run run) {
        return run.executionArn().substring(run.executionArn().lastIndexOf(':') + 1);
    }

    /** The full report the Report task wrote to reports/<cluster>/<execution>.json. */
    JsonNode report(LocalApp.Run run, String cluster) {
        String key = "reports/" + cluster + "/" + executionName(run) + ".json";
        try {
            byte[] bytes = cloud.s3().getObjectAsBytes(b -> b.bucket(app.bucket()).key(key)).asByteArray();
            return ProjectFiles.JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("no report at s3://" + app.bucket() + "/" + key + ": " + e, e);
        }
    }

    boolean hasReport(LocalApp.Run run, String cluster) {
        String key = "reports/" + cluster + "/" + executionName(run) + ".json";
        try {
            cloud.s3().headObject(b -> b.bucket(app.bucket()).key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            return false;
        }
    }

    /** The report's outcome for one step id. */
    static JsonNode outcome(JsonNode report, String stepId) {
        for (JsonNode o : report.path("outcomes")) {
            if (stepId.equals(o.path("stepId").asText())) {
                return o;
            }
        }
        throw new AssertionError("no outcome for " + stepId + " in " + report.path("outcomes").toPrettyString());
    }

    List<HistoryEvent> history(LocalApp.Run run) {
        List<HistoryEvent> all = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            var page = cloud.sfn().getExecutionHistory(b -> b.executionArn(run.executionArn()).nextToken(t)
                    .maxResults(1000));
            all.addAll(page.events());
            token = page.nextToken();
        } while (token != null);
        return all;
    }

    /** Names of the states entered, in order. */
    List<String> statesEntered(LocalApp.Run run) {
        return history(run).stream().filter(e -> e.stateEnteredEventDetails() != null)
                .map(e -> e.stateEnteredEventDetails().name()).toList();
    }

    ObjectNode state() {
        return cloud.dumpState();
    }

    /**
     * The state dump without what changes by itself (timestamps) and without the runs' working data (the plans and
     * batch outcomes under runs/ in the config bucket, which every run writes, plan-only ones included) and Markdown
     * reports (plan-only runs write one): equal dumps mean nothing was changed.
     */
    ObjectNode stateWithoutTimestamps() {
        return withoutTimestamps(cloud.dumpState());
    }

    /**
     * A copy of a state dump without what changes by itself: timestamps, and clusters' status (a CREATING cluster
     * turns ACTIVE when its time has come, during a run or not, as on AWS; no run of ours changes a cluster's status).
     */
    static ObjectNode withoutTimestamps(JsonNode state) {
        ObjectNode s = (ObjectNode) state.deepCopy();
        strip(s);
        s.path("clusters").forEach(c -> ((ObjectNode) c).remove("status"));
        // plan-only runs leave their human-readable report (reports/<cluster>/<execution>.md) and nothing else
        withoutKeysMatching(s, key -> key.startsWith("reports/") && key.endsWith(".md"));
        return withoutKeys(s, "runs/");
    }

    /** The state dump without the bucket keys under {@code prefix}. */
    static ObjectNode withoutKeys(ObjectNode state, String prefix) {
        return withoutKeysMatching(state, key -> key.startsWith(prefix));
    }

    private static ObjectNode withoutKeysMatching(ObjectNode state, java.util.function.Predicate<String> drop) {
        state.path("buckets").forEach(b -> {
            ArrayNode keys = (ArrayNode) b.path("keys");
            for (int i = keys.size() - 1; i >= 0; i--) {
                if (drop.test(keys.get(i).asText())) {
                    keys.remove(i);
                }
            }
        });
        return state;
    }

    /** The world without the reports runs write (they are the runs' output, not a change to the world). */
    ObjectNode stateWithoutReports() {
        return withoutKeys(stateWithoutTimestamps(), "reports/");
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("createdAt") || f.getKey().equals("modifiedAt") || f.getKey().equals("createDate")) {
                    it.remove();
                } else {
                    strip(f.getValue());
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(WorkflowWorld::strip);
        }
    }

    static Optional<JsonNode> role(JsonNode state, String name) {
        for (JsonNode r : state.path("iam").path("roles")) {
            if (name.equals(r.path("name").asText())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static JsonNode requireRole(JsonNode state, String name) {
        return role(state, name).orElseThrow(() -> new AssertionError("no role " + name + " in "
                + roleNames(state)));
    }

    static List<String> roleNames(JsonNode state) {
        List<String> names = new ArrayList<>();
        state.path("iam").path("roles").forEach(r -> names.add(r.path("name").asText()));
        return names;
    }

    static JsonNode cluster(JsonNode state, String name) {
        for (JsonNode c : state.path("clusters")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no cluster " + name);
    }

    static Optional<JsonNode> association(JsonNode state, String cluster, String namespace, String sa) {
        for (JsonNode a : cluster(state, cluster).path("podIdentityAssociations")) {
            if (namespace.equals(a.path("namespace").asText()) && sa.equals(a.path("serviceAccount").asText())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    static JsonNode requireAssociation(JsonNode state, String cluster, String namespace, String sa) {
        return association(state, cluster, namespace, sa).orElseThrow(() -> new AssertionError(
                "no association " + namespace + "/" + sa + " on " + cluster + ": "
                        + cluster(state, cluster).path("podIdentityAssociations")));
    }

    static List<String> associationKeys(JsonNode state, String cluster) {
        List<String> keys = new ArrayList<>();
        cluster(state, cluster).path("podIdentityAssociations")
                .forEach(a -> keys.add(a.path("namespace").asText() + "/" + a.path("serviceAccount").asText()));
        return keys.stream().sorted().toList();
    }

    static Optional<JsonNode> addon(JsonNode state, String cluster, String name) {
        for (JsonNode a : cluster(state, cluster).path("addons")) {
            if (name.equals(a.path("name").asText())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    static List<String> addonNames(JsonNode state, String cluster) {
        List<String> names = new ArrayList<>();
        cluster(state, cluster).path("addons").forEach(a -> names.add(a.path("name").asText()));
        return names.stream().sorted().toList();
    }

    /** The trust policy that lets EKS Pod Identity assume a role, as IAM stores it. */
    static JsonNode podIdentityTrust() {
        return json("""
                {"Version": "2012-10-17", "Statement": [{"Sid": "AllowEksAuthToAssumeRoleForPodIdentity",
                 "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
                 "Action": ["sts:AssumeRole", "sts:TagSession"]}]}""");
    }

    /**
     * The trust of a role the application creates (issue 13): pods.eks.amazonaws.com only for this cluster and
     * service account ({@code namespace} null for an addon's), as IAM stores it.
     */
    static JsonNode scopedTrust(String cluster, String namespace, String sa) {
        return json(dev.podidentity.autopilot.policy.PolicyDocument.of(
                dev.podidentity.autopilot.policy.TrustPolicies.scopedPodIdentityStatement(
                        dev.podidentity.autopilot.naming.Partition.AWS, ACCOUNT, cluster, namespace, sa)).toJson());
    }

    static Map<String, String> ownershipTags(String cluster, String namespace, String sa) {
        return Map.of(OURS, "pod-identity-autopilot", "pod-identity-autopilot/cluster", cluster,
                "pod-identity-autopilot/namespace", namespace, "pod-identity-autopilot/service-account", sa);
    }

    static JsonNode json(String text) {
        try {
            return ProjectFiles.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static JsonNode tags(Map<String, String> tags) {
        return ProjectFiles.JSON.valueToTree(new java.util.TreeMap<>(tags));
    }

    static void assertSucceeded(LocalApp.Run run) {
        if (!run.succeeded()) {
            fail("execution " + run.status() + ": " + run.error() + ": " + run.cause() + "\n" + run.output());
        }
    }

    static void assertContains(String haystack, String needle) {
        assertTrue(haystack != null && haystack.contains(needle), () -> "expected to find\n  " + needle
                + "\nin\n  " + haystack);
    }
}
