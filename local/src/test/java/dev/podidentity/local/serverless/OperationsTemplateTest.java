package dev.podidentity.local.serverless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.autopilot.operate.RunFinished;
import dev.podidentity.autopilot.operate.RunNotices;
import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.EventRules;
import dev.podidentity.local.app.ProjectFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.Machine;

/**
 * template.yaml's operating side: the alarms, the dashboard, the optional notification target and its rule; and the
 * run-finished event patterns docs/operations.md gives teams, matched with event-ruler against the events the
 * application really builds.
 */
class OperationsTemplateTest {
    static final List<String> RUN_FUNCTIONS = List.of("ResolveFunction", "ClusterStatusFunction",
            "InstallAgentFunction", "TrustPolicyFunction", "AssociationFunction", "AddonFunction", "PruneFunction",
            "ReportFunction", "LockFunction");
    static final List<String> EVENT_FUNCTIONS = List.of("DispatcherFunction", "SweepFunction");
    static final Set<String> NEEDS_A_PERSON = Set.of("Run Steps Failed", "Run Failed", "Run Locked Out",
            "Cluster Not Onboarded", "Cluster Drift Detected", "Cluster Config Invalid");

    static CfnTemplate template;

    @BeforeAll
    static void load() {
        template = CfnTemplate.load();
    }

    // ------------------------------------------------------------------ alarms

    @Test
    void executionAlarms_watchThisStateMachine_forFailedTimedOutAndAbortedRuns() {
        Map<String, String> expected = Map.of("ExecutionsFailedAlarm", "ExecutionsFailed",
                "ExecutionsTimedOutAlarm", "ExecutionsTimedOut", "ExecutionsAbortedAlarm", "ExecutionsAborted");
        expected.forEach((alarm, metric) -> {
            JsonNode p = template.resource(alarm).path("Properties");
            assertEquals("AWS/States", p.path("Namespace").asText(), alarm);
            assertEquals(metric, p.path("MetricName").asText(), alarm);
            assertEquals("StateMachineArn", p.path("Dimensions").path(0).path("Name").asText(), alarm);
            assertEquals("PodIdentityStateMachine", p.path("Dimensions").path(0).path("Value").path("Ref").asText(), alarm);
            assertFiresOnTheFirst(alarm, p);
        });
    }

    @Test
    void deadLetterAlarm_firesOnTheFirstEventThatStartedNoRun() {
        JsonNode p = template.resource("DispatchFailureQueueAlarm").path("Properties");
        assertEquals("AWS/SQS", p.path("Namespace").asText());
        assertEquals("ApproximateNumberOfMessagesVisible", p.path("MetricName").asText());
        assertEquals("[\"DispatchFailureQueue\",\"QueueName\"]",
                p.path("Dimensions").path(0).path("Value").path("Fn::GetAtt").toString());
        assertEquals("Maximum", p.path("Statistic").asText());
        assertFiresOnTheFirst("DispatchFailureQueueAlarm", p);
    }

    @Test
    void functionAlarms_coverEveryFunction_forErrorsAndThrottles_withinCloudWatchsTenMetricLimit() {
        Set<String> functions = new TreeSet<>(template.resourcesOfType("AWS::Serverless::Function").keySet());
        assertEquals(new TreeSet<>(concat(RUN_FUNCTIONS, EVENT_FUNCTIONS)), functions,
                "a new function needs its place in a function alarm");
        for (String metric : List.of("Errors", "Throttles")) {
            Set<String> covered = new TreeSet<>();
            for (String alarm : List.of("RunFunction" + metric + "Alarm", "EventFunction" + metric + "Alarm")) {
                JsonNode p = template.resource(alarm).path("Properties");
                JsonNode queries = p.path("Metrics");
                int stats = 0;
                for (JsonNode q : queries) {
                    if (q.has("MetricStat")) {
                        stats++;
                        JsonNode m = q.path("MetricStat").path("Metric");
                        assertEquals("AWS/Lambda", m.path("Namespace").asText(), alarm);
                        assertEquals(metric, m.path("MetricName").asText(), alarm);
                        assertEquals("Sum", q.path("MetricStat").path("Stat").asText(), alarm);
                        assertFalse(q.path("ReturnData").asBoolean(true), alarm);
                        covered.add(m.path("Dimensions").path(0).path("Value").path("Ref").asText());
                    } else {
                        assertEquals("SUM(METRICS())", q.path("Expression").asText(), alarm);
                        assertTrue(q.path("ReturnData").asBoolean(), alarm);
                    }
                }
                assertTrue(stats <= 10, alarm + ": a metric math alarm may reference at most 10 metrics");
                assertEquals("GreaterThanOrEqualToThreshold", p.path("ComparisonOperator").asText(), alarm);
                assertEquals("notBreaching", p.path("TreatMissingData").asText(), alarm);
                assertNotifies(alarm, p);
            }
            assertEquals(functions, covered, metric);
        }
        assertEquals(1, template.resource("EventFunctionErrorsAlarm").path("Properties").path("Threshold").asInt());
        assertEquals(5, template.resource("RunFunctionErrorsAlarm").path("Properties").path("Threshold").asInt(),
                "retried errors are part of a run's normal life; many are not");
    }

    // ------------------------------------------------------------------ dashboard

    @Test
    void dashboard_showsRunsDurationsAssociationsThrottlingAndErrors() throws Exception {
        JsonNode p = template.resource("OperationsDashboard").path("Properties");
        String sub = p.path("DashboardBody").path("Fn::Sub").asText();
        Matcher refs = Pattern.compile("\\$\\{([A-Za-z:.]+)}").matcher(sub);
        Set<String> referenced = new TreeSet<>();
        while (refs.find()) {
            referenced.add(refs.group(1));
        }
        for (String ref : referenced) {
            String resource = ref.contains(".") ? ref.substring(0, ref.indexOf('.')) : ref;
            assertTrue(ref.startsWith("AWS::") || template.resources().has(resource), "unknown ${" + ref + "}");
        }
        JsonNode body = ProjectFiles.JSON.readTree(sub.replaceAll("\\$\\{[A-Za-z:.]+}", "x"));
        Map<String, String> widgets = new LinkedHashMap<>();
        body.path("widgets").forEach(w -> widgets.put(w.path("properties").path("title").asText(),
                w.path("properties").path("metrics").toString()));
        String all = String.join("\n", widgets.values());
        for (String metric : List.of("Runs", "RunDuration", "AssociationsCreated", "AssociationsUpdated",
                "AssociationsFailed", "AwsThrottled", "ExecutionsFailed", "ExecutionTime",
                "ApproximateNumberOfMessagesVisible")) {
            assertTrue(all.contains(metric), "the dashboard lacks " + metric + ": " + widgets.keySet());
        }
        for (String function : concat(RUN_FUNCTIONS, EVENT_FUNCTIONS)) {
            assertTrue(referenced.contains(function), "the dashboard lacks " + function + "'s errors");
        }
        assertTrue(all.contains("PodIdentityAutopilot"), "our own namespace");
    }

    // ------------------------------------------------------------------ notification wiring

    @Test
    void notificationTarget_isOptional_emailOrExistingTopic_offWhenEmpty() {
        assertEquals("", template.parameter("NotificationEmail").path("Default").asText("x"));
        assertEquals("", template.parameter("NotificationTopicArn").path("Default").asText("x"));
        JsonNode conditions = template.root().path("Conditions");
        assertEquals("{\"Fn::Or\":[{\"Condition\":\"HasNotificationEmail\"},{\"Condition\":\"HasNotificationTopicArn\"}]}",
                conditions.path("Notifies").toString());
        for (String r : List.of("NotificationTopic", "NotificationSubscription", "NotificationTopicPolicy")) {
            assertEquals("HasNotificationEmail", template.resource(r).path("Condition").asText(), r);
        }
        JsonNode sub = template.resource("NotificationSubscription").path("Properties");
        assertEquals("email", sub.path("Protocol").asText());
        assertEquals("NotificationEmail", sub.path("Endpoint").path("Ref").asText());
        JsonNode rule = template.resource("NotificationRule");
        assertEquals("Notifies", rule.path("Condition").asText());
        JsonNode targets = rule.path("Properties").path("Targets");
        assertEquals("HasNotificationEmail", targets.path(0).path("Fn::If").path(0).asText());
        assertEquals("NotificationTopic", targets.path(0).path("Fn::If").path(1).path("Arn").path("Ref").asText());
        assertEquals("HasNotificationTopicArn", targets.path(1).path("Fn::If").path(0).asText());
        assertEquals("NotificationTopicArn", targets.path(1).path("Fn::If").path(1).path("Arn").path("Ref").asText());
        // only this rule may publish to the stack's topic
        JsonNode publish = template.resource("NotificationTopicPolicy").path("Properties").path("PolicyDocument")
                .path("Statement").path(0);
        assertEquals("events.amazonaws.com", publish.path("Principal").path("Service").asText());
        assertEquals("[\"NotificationRule\",\"Arn\"]",
                publish.path("Condition").path("ArnEquals").path("aws:SourceArn").path("Fn::GetAtt").toString());
    }

    @Test
    void notificationRule_existsOnlyWithATarget_andSendsWhatNeedsAPerson() {
        assertFalse(EventRules.fromTemplate(template, "b").ruleIds().contains("NotificationRule"),
                "no target: no rule");
        for (Map<String, String> parameters : List.of(Map.of("NotificationEmail", "ops@example.com"),
                Map.of("NotificationTopicArn", "arn:aws:sns:us-west-2:111122223333:ops"))) {
            EventRules rules = EventRules.fromTemplate(template, "b", parameters);
            for (Map.Entry<String, JsonNode> e : sampleEvents().entrySet()) {
                boolean notified = rules.matches(e.getValue()).contains("NotificationRule");
                assertEquals(NEEDS_A_PERSON.contains(e.getValue().path("detail-type").asText()), notified,
                        e.getKey() + " with " + parameters);
            }
            // events from anyone else never reach the target
            ObjectNode foreign = sampleEvents().get("RUN_FAILED").deepCopy();
            foreign.put("source", "someone-else");
            assertTrue(rules.matches(foreign).isEmpty());
        }
    }

    @Test
    void everyAlarm_notifiesTheTarget() {
        template.resourcesOfType("AWS::CloudWatch::Alarm").forEach((id, alarm) -> assertNotifies(id,
                alarm.path("Properties")));
        assertEquals(8, template.resourcesOfType("AWS::CloudWatch::Alarm").size());
    }

    @Test
    void reportAndSweep_mayPutEventsOnlyOnTheDefaultBus_withOurSource() {
        for (String function : List.of("ReportFunction", "SweepFunction")) {
            List<JsonNode> puts = new ArrayList<>();
            template.resource(function).path("Properties").path("Policies").forEach(p -> p.path("Statement")
                    .forEach(s -> {
                        if (s.path("Action").toString().contains("events:")) {
                            puts.add(s);
                        }
                    }));
            assertEquals(1, puts.size(), function);
            JsonNode s = puts.get(0);
            assertEquals("events:PutEvents", s.path("Action").asText());
            assertEquals("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default",
                    s.path("Resource").path("Fn::Sub").asText());
            assertEquals(dev.podidentity.autopilot.port.RunEvents.SOURCE,
                    s.path("Condition").path("StringEquals").path("events:source").asText());
        }
    }

    @Test
    void everyFunction_logsJsonAtTheStacksLevel() {
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, f) -> {
            JsonNode logging = f.path("Properties").path("LoggingConfig");
            assertEquals("JSON", logging.path("LogFormat").asText(), id);
            assertEquals("LogLevel", logging.path("ApplicationLogLevel").path("Ref").asText(), id);
        });
        assertEquals("[\"TRACE\",\"DEBUG\",\"INFO\"]", template.parameter("LogLevel").path("AllowedValues").toString(),
                "above INFO the metric lines (INFO) would be dropped");
    }

    // ------------------------------------------------------------------ the documented patterns

    @Test
    void documentedPatterns_matchWhatTheySay() throws Exception {
        String doc = ProjectFiles.read(ProjectFiles.root().resolve("docs/operations.md"));
        String routing = doc.substring(doc.indexOf("### Routing them"), doc.indexOf("## Notifications"));
        Matcher blocks = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(routing);
        List<String> patterns = new ArrayList<>();
        while (blocks.find()) {
            patterns.add(blocks.group(1));
        }
        // in the document's order: what each pattern must match among the sample events, and nothing else
        List<Set<String>> expected = List.of(
                Set.of("SUCCEEDED", "STEPS_FAILED", "RUN_FAILED", "LOCKED_OUT", "SUPERSEDED", "PLANNED",
                        "prod-STEPS_FAILED"),
                Set.of("STEPS_FAILED", "RUN_FAILED", "LOCKED_OUT", "prod-STEPS_FAILED"),
                Set.of("prod-STEPS_FAILED"),
                Set.of("NOT_ONBOARDED", "DRIFT", "INVALID_CONFIG"),
                Set.of("SUCCEEDED", "STEPS_FAILED"));
        assertEquals(expected.size(), patterns.size(), "patterns in docs/operations.md: " + patterns);
        for (int i = 0; i < patterns.size(); i++) {
            Machine machine = Machine.builder().build();
            machine.addRule("p", patterns.get(i));
            Set<String> matched = new TreeSet<>();
            for (Map.Entry<String, JsonNode> e : sampleEvents().entrySet()) {
                if (!machine.rulesForJSONEvent(e.getValue().toString()).isEmpty()) {
                    matched.add(e.getKey());
                }
            }
            assertEquals(new TreeSet<>(expected.get(i)), matched, patterns.get(i));
        }
    }

    /** One event of each kind, built by the code that builds them in the Report task and the sweep. */
    static Map<String, JsonNode> sampleEvents() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        ObjectNode locations = JsonNodeFactory.instance.objectNode().put("markdown", "s3://b/reports/c/e.md");
        for (RunFinished.Outcome outcome : RunFinished.Outcome.values()) {
            out.put(outcome.name(), event(outcome.detailType(), RunFinished.detail(outcome,
                    report("dev-cluster", outcome), locations, Instant.parse("2026-11-29T10:00:10Z"))));
        }
        out.put("prod-STEPS_FAILED", event("Run Steps Failed", RunFinished.detail(RunFinished.Outcome.STEPS_FAILED,
                report("prod-eu-1", RunFinished.Outcome.STEPS_FAILED), locations, Instant.parse("2026-11-29T10:00:10Z"))));
        RunNotices.FINDING_DETAIL_TYPES.forEach((verdict, type) -> out.put(verdict, event(type,
                JsonNodeFactory.instance.objectNode().put("verdict", verdict).put("cluster", "dev-cluster"))));
        return out;
    }

    private static ObjectNode report(String cluster, RunFinished.Outcome outcome) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.putObject("input").put("action", "apply").put("cluster", cluster).putObject("trigger").put("type", "s3")
                .put("id", "t");
        r.putObject("execution").put("name", "e").put("id", "arn:e").put("startTime", "2026-11-29T10:00:00Z");
        ObjectNode summary = r.putObject("summary").put("action", "apply").put("cluster", cluster);
        ObjectNode counts = summary.putObject("counts");
        if (outcome == RunFinished.Outcome.SUCCEEDED || outcome == RunFinished.Outcome.STEPS_FAILED) {
            counts.put("CREATED", 2);
        }
        if (outcome == RunFinished.Outcome.STEPS_FAILED) {
            counts.put("FAILED", 1);
            r.putArray("outcomes").addObject().put("stepId", "associate/a/b").put("result", "FAILED")
                    .put("cause", "{\"errorMessage\":\"no such role\"}");
        }
        return r;
    }

    private static ObjectNode event(String detailType, JsonNode detail) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("version", "0").put("id", "1").put("detail-type", detailType).put("source", "pod-identity-autopilot")
                .put("account", "111122223333").put("time", "2026-11-29T10:00:10Z").put("region", "us-west-2");
        e.putArray("resources");
        e.set("detail", detail);
        return e;
    }

    private static void assertFiresOnTheFirst(String alarm, JsonNode p) {
        assertEquals(1, p.path("Threshold").asInt(), alarm);
        assertEquals("GreaterThanOrEqualToThreshold", p.path("ComparisonOperator").asText(), alarm);
        assertEquals("notBreaching", p.path("TreatMissingData").asText(), alarm);
        assertNotifies(alarm, p);
    }

    private static void assertNotifies(String alarm, JsonNode p) {
        assertEquals("[{\"Fn::If\":[\"HasNotificationEmail\",{\"Ref\":\"NotificationTopic\"},{\"Ref\":\"AWS::NoValue\"}]},"
                + "{\"Fn::If\":[\"HasNotificationTopicArn\",{\"Ref\":\"NotificationTopicArn\"},{\"Ref\":\"AWS::NoValue\"}]}]",
                p.path("AlarmActions").toString(), alarm);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
