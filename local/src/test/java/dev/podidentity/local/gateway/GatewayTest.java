package dev.podidentity.local.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podidentity.local.LocalCloud;
import dev.podidentity.local.world.WorldFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.ServerException;
import software.amazon.awssdk.services.eks.model.ThrottlingException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

class GatewayTest {
    private static final String ACCOUNT = "111122223333";
    private static final String TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCloud cloud;
    private static IamClient iamNoRetry;
    private static EksClient eksNoRetry;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        cloud = LocalCloud.start(LocalCloud.Options.of(ACCOUNT, "us-west-2"));
        ClientOverrideConfiguration noRetry = ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry()).build();
        iamNoRetry = cloud.client(IamClient.builder().overrideConfiguration(noRetry));
        eksNoRetry = cloud.client(EksClient.builder().overrideConfiguration(noRetry));
        cloud.eks().createCluster(r -> r.name("gw").roleArn("arn:aws:iam::" + ACCOUNT + ":role/c")
                .resourcesVpcConfig(v -> v.subnetIds("subnet-1")));
        cloud.iam().createRole(r -> r.roleName("gw-app").assumeRolePolicyDocument(TRUST));
    }

    @AfterAll
    static void stop() {
        iamNoRetry.close();
        eksNoRetry.close();
        cloud.close();
    }

    @BeforeEach
    void clean() {
        cloud.faults().clear();
        cloud.rateLimits().clear();
        cloud.calls().reset();
        cloud.lambdas().clear();
        cloud.eksEmulator().reset();
    }

    // ---------------------------------------------------------------- routing

    @Test
    void iamCall_whenSentToGateway_reachesMotoAndIsCounted() {
        cloud.iam().createRole(r -> r.roleName("routed-role").path("/pia/").assumeRolePolicyDocument(TRUST));
        assertEquals("arn:aws:iam::111122223333:role/pia/routed-role", cloud.iam().getRole(r -> r.roleName("routed-role")).role().arn());
        assertEquals(1, cloud.calls().count("iam", "CreateRole"));
        assertEquals(1, cloud.calls().count("iam", "GetRole"));
        assertEquals(1, cloud.calls().writes("iam"));
        cloud.iam().deleteRole(r -> r.roleName("routed-role"));
    }

    @Test
    void passedRole_isSeenByTheEmulator_asSoonAsItsCreateRoleIsAnswered_andGoneOnceDeleted() {
        String arn = "arn:aws:iam::" + ACCOUNT + ":role/gw-later";
        // asked while the role does not exist yet: EKS refuses, and the local cloud remembers it missing
        assertThrows(software.amazon.awssdk.services.eks.model.InvalidParameterException.class, () ->
                eksNoRetry.createPodIdentityAssociation(r -> r.clusterName("gw").namespace("n").serviceAccount("late")
                        .roleArn(arn)));
        iamNoRetry.createRole(r -> r.roleName("gw-later").assumeRolePolicyDocument(TRUST));
        try {
            String id = eksNoRetry.createPodIdentityAssociation(r -> r.clusterName("gw").namespace("n")
                    .serviceAccount("late").roleArn(arn)).association().associationId();
            eksNoRetry.deletePodIdentityAssociation(r -> r.clusterName("gw").associationId(id));
        } finally {
            iamNoRetry.deleteRole(r -> r.roleName("gw-later"));
        }
        assertThrows(software.amazon.awssdk.services.eks.model.InvalidParameterException.class, () ->
                eksNoRetry.createPodIdentityAssociation(r -> r.clusterName("gw").namespace("n").serviceAccount("late")
                        .roleArn(arn)), "a deleted role is not remembered as existing");
    }

    @Test
    void cluster_deletedThroughTheGateway_isGoneForTheEmulatorAtOnce() {
        cloud.eks().createCluster(r -> r.name("gw-gone").roleArn("arn:aws:iam::" + ACCOUNT + ":role/c")
                .resourcesVpcConfig(v -> v.subnetIds("subnet-1")));
        String arn = "arn:aws:iam::" + ACCOUNT + ":role/gw-app";
        eksNoRetry.createPodIdentityAssociation(r -> r.clusterName("gw-gone").namespace("n").serviceAccount("s")
                .roleArn(arn));
        cloud.eks().deleteCluster(r -> r.name("gw-gone"));
        assertThrows(software.amazon.awssdk.services.eks.model.ResourceNotFoundException.class, () ->
                eksNoRetry.createPodIdentityAssociation(r -> r.clusterName("gw-gone").namespace("n")
                        .serviceAccount("t").roleArn(arn)), "the emulator does not keep a deleted cluster");
    }

    @Test
    void eksAssociationCall_whenSentToGateway_reachesEmulatorWhileClusterCallsReachMoto() {
        String id = cloud.eks().createPodIdentityAssociation(r -> r.clusterName("gw").namespace("n").serviceAccount("s")
                .roleArn("arn:aws:iam::" + ACCOUNT + ":role/gw-app")).association().associationId();
        assertEquals(1, cloud.eks().listPodIdentityAssociations(r -> r.clusterName("gw")).associations().size());
        assertEquals("gw", cloud.eks().describeCluster(r -> r.name("gw")).cluster().name());
        assertTrue(cloud.eks().listClusters().clusters().contains("gw"));
        assertEquals(Map.of("eks:CreatePodIdentityAssociation", 1L, "eks:DescribeCluster", 1L, "eks:ListClusters", 1L,
                "eks:ListPodIdentityAssociations", 1L), cloud.calls().snapshot());
        assertTrue(id.startsWith("a-"));
    }

    @Test
    void s3Call_whenSentToGateway_putGetAndHeadWorkPathStyle() {
        cloud.s3().createBucket(r -> r.bucket("gw-bucket").createBucketConfiguration(c -> c.locationConstraint("us-west-2")));
        cloud.s3().putObject(r -> r.bucket("gw-bucket").key("clusters/a.yaml"), RequestBody.fromString("kind: ClusterConfig\n"));
        assertEquals("kind: ClusterConfig\n", cloud.s3().getObjectAsBytes(r -> r.bucket("gw-bucket").key("clusters/a.yaml")).asUtf8String());
        assertEquals(20L, cloud.s3().headObject(r -> r.bucket("gw-bucket").key("clusters/a.yaml")).contentLength());
        assertEquals(1, cloud.calls().count("s3", "PutObject"));
        assertEquals(1, cloud.calls().count("s3", "HeadObject"));
    }

    @Test
    void lambdaInvoke_whenFunctionRegistered_runsInProcessHandler() throws Exception {
        cloud.lambdas().register("echo", payload -> "{\"got\":" + payload + "}");
        HttpResponse<String> byName = invoke("echo", "{\"a\":1}");
        assertEquals(200, byName.statusCode());
        assertEquals("{\"got\":{\"a\":1}}", byName.body());
        HttpResponse<String> byArn = invoke("arn:aws:lambda:us-west-2:111122223333:function:echo:live", "{}");
        assertEquals("{\"got\":{}}", byArn.body());
        assertEquals(2, cloud.calls().count("lambda", "Invoke"));
    }

    @Test
    void lambdaInvoke_whenFunctionUnknown_returns404ResourceNotFound() throws Exception {
        HttpResponse<String> response = invoke("missing", "{}");
        assertEquals(404, response.statusCode());
        assertEquals("ResourceNotFoundException", response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        assertTrue(response.body().contains("Function not found: arn:aws:lambda:us-west-2:111122223333:function:missing"), response.body());
    }

    @Test
    @DisplayName("Handler exception → 200 + X-Amz-Function-Error: Unhandled + {errorMessage, errorType (FQCN), stackTrace}, as Lambda's Java runtime reports it")
    void lambdaInvoke_whenHandlerThrows_reportsUnhandledFunctionError() throws Exception {
        cloud.lambdas().register("fails", payload -> {
            throw new IllegalStateException("cluster not ACTIVE");
        });
        HttpResponse<String> response = invoke("fails", "{}");
        assertEquals(200, response.statusCode());
        assertEquals("Unhandled", response.headers().firstValue("X-Amz-Function-Error").orElseThrow());
        JsonNode error = JSON.readTree(response.body());
        assertEquals("java.lang.IllegalStateException", error.path("errorType").asText());
        assertEquals("cluster not ACTIVE", error.path("errorMessage").asText());
        assertTrue(error.path("stackTrace").isArray() && !error.path("stackTrace").isEmpty());
    }

    @Test
    @DisplayName("moto's Step Functions engine calls Lambda through the gateway (MOTO_PORT); a handler exception's class name is the ASL error name; 2nd execution works (patched launcher)")
    void stepFunctions_whenTaskInvokesLambda_runsHandlerAndCatchesItsException() throws Exception {
        cloud.lambdas().register("decide", payload -> {
            if (JSON.readTree(payload).path("mode").asText().equals("fail")) {
                throw new IllegalStateException("refused");
            }
            return "{\"decision\":\"go\"}";
        });
        String definition = """
                {"StartAt":"Decide","States":{
                  "Decide":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                    "Parameters":{"FunctionName":"arn:aws:lambda:us-west-2:111122223333:function:decide","Payload.$":"$"},
                    "OutputPath":"$.Payload",
                    "Catch":[{"ErrorEquals":["java.lang.IllegalStateException"],"ResultPath":"$.error","Next":"Refused"}],
                    "End":true},
                  "Refused":{"Type":"Pass","End":true}}}""";
        String machine = cloud.sfn().createStateMachine(r -> r.name("gw-decide").definition(definition)
                .roleArn("arn:aws:iam::" + ACCOUNT + ":role/sfn")).stateMachineArn();

        DescribeExecutionResponse ok = run(machine, "run-ok", "{\"mode\":\"ok\"}");
        assertEquals(ExecutionStatus.SUCCEEDED, ok.status());
        assertEquals("go", JSON.readTree(ok.output()).path("decision").asText());

        DescribeExecutionResponse refused = run(machine, "run-fail", "{\"mode\":\"fail\"}");
        assertEquals(ExecutionStatus.SUCCEEDED, refused.status());
        assertEquals("java.lang.IllegalStateException", JSON.readTree(refused.output()).path("error").path("Error").asText());
        assertEquals(2, cloud.calls().count("lambda", "Invoke"));
    }

    // ---------------------------------------------------------------- faults

    @Test
    @DisplayName("IAM throttling for the first 2 calls: without retries the SDK sees IAM's 'Throttling' error; with default retries the call succeeds")
    void faults_whenIamThrottledFirstTwoCalls_noRetryFailsAndDefaultRetrySucceeds() {
        cloud.faults().add(FaultRule.throttleFirst("iam", "GetRole", 2));
        IamException throttled = assertThrows(IamException.class, () -> iamNoRetry.getRole(r -> r.roleName("gw-app")));
        assertEquals(400, throttled.statusCode());
        assertEquals("Throttling", throttled.awsErrorDetails().errorCode());
        assertTrue(throttled.isThrottlingException());

        cloud.faults().clear();
        cloud.calls().reset();
        cloud.faults().add(FaultRule.throttleFirst("iam", "GetRole", 2));
        assertEquals("gw-app", cloud.iam().getRole(r -> r.roleName("gw-app")).role().roleName());
        assertEquals(3, cloud.calls().count("iam", "GetRole"), "two throttled attempts, then the one that got through");
    }

    @Test
    @DisplayName("rate limits: past the IAM writes bucket's burst IAM answers 400 Throttling 'Rate exceeded', reads still pass; EKS answers 429 ThrottlingException; it refills")
    void rateLimits_whenBucketEmpty_eachServiceAnswersWithItsOwnThrottlingError() throws Exception {
        cloud.rateLimits().add(RateLimits.Limit.of("iam", RateLimits.Calls.WRITES, 2, 3));
        cloud.rateLimits().add(RateLimits.Limit.of("eks", RateLimits.Calls.WRITES, 1, 1));
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try {
                iamNoRetry.tagRole(r -> r.roleName("gw-app").tags(t -> t.key("k").value("v")));
                outcomes.add("ok");
            } catch (IamException e) {
                assertEquals(400, e.statusCode());
                assertEquals("Throttling", e.awsErrorDetails().errorCode());
                assertEquals("Rate exceeded", e.awsErrorDetails().errorMessage());
                assertTrue(e.isThrottlingException());
                outcomes.add("throttled");
            }
        }
        assertEquals(List.of("ok", "ok", "ok", "throttled", "throttled"), outcomes, "a burst of 3");
        assertEquals("gw-app", iamNoRetry.getRole(r -> r.roleName("gw-app")).role().roleName(), "reads: no bucket");
        assertEquals(5, cloud.calls().count("iam", "TagRole"), "throttled calls are counted as calls");
        assertEquals(Map.of("iam:writes", 2L, "eks:writes", 0L), cloud.rateLimits().throttled());

        String arn = cloud.iam().getRole(r -> r.roleName("gw-app")).role().arn();
        eksNoRetry.createPodIdentityAssociation(r -> r.clusterName("gw").namespace("rl").serviceAccount("a").roleArn(arn));
        ThrottlingException eks = assertThrows(ThrottlingException.class, () -> eksNoRetry.createPodIdentityAssociation(
                r -> r.clusterName("gw").namespace("rl").serviceAccount("b").roleArn(arn)));
        assertEquals(429, eks.statusCode());
        assertEquals("ThrottlingException", eks.awsErrorDetails().errorCode());
        assertEquals(1, cloud.eksEmulator().snapshot("us-west-2", "gw").withArray("podIdentityAssociations").size(),
                "the throttled create changed nothing");

        Thread.sleep(1_100);
        eksNoRetry.createPodIdentityAssociation(r -> r.clusterName("gw").namespace("rl").serviceAccount("b").roleArn(arn));
        iamNoRetry.tagRole(r -> r.roleName("gw-app").tags(t -> t.key("k").value("v")));
    }

    @Test
    @DisplayName("rate limits from a world file: STS GetCallerIdentity answers 400 Throttling past its bucket")
    void rateLimits_fromWorldFile_throttleSts() {
        String world = """
                account: "%s"
                region: us-west-2
                rateLimits:
                  - {service: sts, calls: all, perSecond: 0.5, burst: 2}
                """.formatted(ACCOUNT);
        try (StsClient sts = cloud.client(StsClient.builder().overrideConfiguration(
                ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry()).build()))) {
            cloud.seed(WorldFile.parse(world, Path.of(".")));
            sts.getCallerIdentity();
            sts.getCallerIdentity();
            StsException e = assertThrows(StsException.class, sts::getCallerIdentity);
            assertEquals(400, e.statusCode());
            assertEquals("Throttling", e.awsErrorDetails().errorCode());
            assertTrue(e.isThrottlingException());
            assertEquals(Map.of("sts:all", 1L), cloud.rateLimits().throttled());
        }
    }

    @Test
    void faults_whenEksThrottledOrFailing_sdkSeesTypedExceptions() {
        cloud.faults().add(FaultRule.throttleFirst("eks", "ListPodIdentityAssociations", 1));
        ThrottlingException throttled = assertThrows(ThrottlingException.class,
                () -> eksNoRetry.listPodIdentityAssociations(r -> r.clusterName("gw")));
        assertEquals(429, throttled.statusCode());
        eksNoRetry.listPodIdentityAssociations(r -> r.clusterName("gw"));

        cloud.faults().add(FaultRule.serverErrorFirst("eks", "DescribeCluster", 1));
        ServerException failed = assertThrows(ServerException.class, () -> eksNoRetry.describeCluster(r -> r.name("gw")));
        assertEquals(500, failed.statusCode());
        assertEquals("gw", eksNoRetry.describeCluster(r -> r.name("gw")).cluster().name());
    }

    @Test
    void faults_whenLambdaThrottled_answersTooManyRequests() throws Exception {
        cloud.lambdas().register("echo", payload -> payload);
        cloud.faults().add(FaultRule.fromMap(Map.of("service", "lambda", "operation", "Invoke", "kind", "throttle", "firstN", 1)));
        HttpResponse<String> throttled = invoke("echo", "{}");
        assertEquals(429, throttled.statusCode());
        assertEquals("TooManyRequestsException", throttled.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        assertEquals(200, invoke("echo", "{}").statusCode());
    }

    @Test
    void faults_whenLatencyConfigured_delaysMatchingCallsOnly() {
        cloud.sts().getCallerIdentity(); // warm the client
        cloud.faults().add(FaultRule.latency("sts", "GetCallerIdentity", 300));
        long started = System.nanoTime();
        assertEquals(ACCOUNT, cloud.sts().getCallerIdentity().account());
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(elapsedMs >= 300, "took " + elapsedMs + " ms");
    }

    @Test
    void faults_latency_isTheTimeToAnswer_theLocalCloudsOwnWorkHappensWithinIt() throws Exception {
        cloud.lambdas().register("slow", payload -> {
            try {
                Thread.sleep(1_000); // the local cloud's own work for this call
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return payload;
        });
        invoke("slow", "{}"); // warm
        cloud.faults().add(FaultRule.latency("lambda", "Invoke", 1_000));
        long started = System.nanoTime();
        assertEquals(200, invoke("slow", "{}").statusCode());
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        // within the latency, not after it: about 1 s, where work then latency would take 2 s
        assertTrue(elapsedMs >= 1_000 && elapsedMs < 1_700, "took " + elapsedMs + " ms");
    }

    @Test
    @DisplayName("A fraction with a fixed seed fires on the same calls every time")
    void faults_whenFractionWithSeed_isReproducible() {
        List<Boolean> first = pattern(FaultRule.throttleFraction("iam", "*", 0.5, 42));
        List<Boolean> second = pattern(FaultRule.throttleFraction("iam", "*", 0.5, 42));
        assertEquals(first, second);
        assertTrue(first.contains(true) && first.contains(false), first.toString());
        assertNotEquals(first, pattern(FaultRule.throttleFraction("iam", "*", 0.5, 7)));
    }

    @Test
    void faults_whenStormHasAWindow_firesOnlyWithinItsFirstCalls() {
        FaultInjector injector = new FaultInjector();
        FaultRule storm = FaultRule.throttleStorm("iam", FaultRule.WRITES, 1.0, 3, 1);
        injector.add(storm);
        assertEquals(FaultInjector.Decision.NONE, injector.decide("iam", "GetRole"), "a read is not a write");
        List<Boolean> fired = new ArrayList<>();
        for (String op : List.of("CreateRole", "AttachRolePolicy", "TagRole", "CreateRole", "PutRolePolicy")) {
            fired.add(injector.decide("iam", op).error() != null);
        }
        assertEquals(List.of(true, true, true, false, false), fired, "the storm ends after its window of 3 write calls");
        assertEquals(3, injector.fired(storm));
        FaultInjector prefix = new FaultInjector();
        prefix.add(FaultRule.throttleFirst("eks", "Create*", 5));
        assertTrue(prefix.decide("eks", "CreatePodIdentityAssociation").error() != null);
        assertEquals(FaultInjector.Decision.NONE, prefix.decide("eks", "DescribeAddon"));
    }

    @Test
    void crash_otherThreadsOfTheDeadInvocation_makeNoFurtherCall() throws Exception {
        AtomicReference<Throwable> sibling = new AtomicReference<>();
        cloud.lambdas().register("two-threads", payload -> {
            CountDownLatch crashed = new CountDownLatch(1);
            Thread other = new Thread(() -> { // a parallel step of the same invocation
                try {
                    crashed.await();
                    cloud.iam().tagRole(r -> r.roleName("crash-sibling").tags(t -> t.key("after").value("crash")));
                } catch (Throwable t) {
                    sibling.set(t);
                }
            });
            other.start();
            try {
                cloud.iam().createRole(r -> r.roleName("crash-sibling").assumeRolePolicyDocument(TRUST));
            } finally {
                crashed.countDown();
                other.join();
            }
            return "{\"done\": true}";
        });
        FaultRule crash = FaultRule.crashAfter("iam", "CreateRole", 1);
        cloud.faults().add(crash);

        HttpResponse<String> answer = invoke("two-threads", "{}");

        assertEquals("Runtime.ExitError", JSON.readTree(answer.body()).path("errorType").asText(), answer.body());
        assertTrue(FunctionInvocations.isCrash(sibling.get()), "the sibling thread died too: " + sibling.get());
        assertEquals(0, cloud.calls().count("iam", "TagRole"), "its call was never sent");
        cloud.iam().deleteRole(r -> r.roleName("crash-sibling"));
    }

    @Test
    void crash_whenFunctionsCallMatches_callIsServedThenInvocationEndsAsRuntimeExit() throws Exception {
        cloud.lambdas().register("makes-role", payload -> {
            cloud.iam().createRole(r -> r.roleName("crash-role").assumeRolePolicyDocument(TRUST));
            cloud.iam().tagRole(r -> r.roleName("crash-role").tags(t -> t.key("after").value("crash")));
            return "{\"done\": true}";
        });
        FaultRule crash = FaultRule.crashAfter("iam", "CreateRole", 1);
        cloud.faults().add(crash);
        // the test's own call is not made by a function: served, no crash, not counted by the rule
        cloud.iam().createRole(r -> r.roleName("crash-bystander").assumeRolePolicyDocument(TRUST));
        assertEquals(0, cloud.faults().fired(crash));

        HttpResponse<String> crashed = invoke("makes-role", "{}");

        assertEquals(200, crashed.statusCode());
        assertEquals("Unhandled", crashed.headers().firstValue("X-Amz-Function-Error").orElseThrow());
        JsonNode error = JSON.readTree(crashed.body());
        assertEquals("Runtime.ExitError", error.path("errorType").asText(), crashed.body());
        assertTrue(error.path("errorMessage").asText().contains("Runtime exited with error: exit status 1"), crashed.body());
        assertFalse(error.has("stackTrace"), "a dead runtime sends no stack trace");
        assertEquals(1, cloud.faults().fired(crash));
        // CreateRole was served, and nothing after it ran
        assertEquals("crash-role", cloud.iam().getRole(r -> r.roleName("crash-role")).role().roleName());
        assertEquals(0, cloud.calls().count("iam", "TagRole"));

        cloud.iam().deleteRole(r -> r.roleName("crash-role"));
        HttpResponse<String> second = invoke("makes-role", "{}");
        assertEquals(200, second.statusCode());
        assertEquals("{\"done\": true}", second.body(), "the rule crashed the first invocation only");
        cloud.iam().untagRole(r -> r.roleName("crash-role").tagKeys("after"));
        cloud.iam().deleteRole(r -> r.roleName("crash-role"));
        cloud.iam().deleteRole(r -> r.roleName("crash-bystander"));
    }

    @Test
    void callCounter_whenReset_startsFromZero() {
        cloud.sts().getCallerIdentity();
        assertEquals(1, cloud.calls().total("sts"));
        assertEquals(0, cloud.calls().writes("sts"));
        cloud.calls().reset();
        assertEquals(0, cloud.calls().count("sts", "GetCallerIdentity"));
        assertFalse(cloud.calls().snapshot().containsKey("sts:GetCallerIdentity"));
    }

    // ---------------------------------------------------------------- helpers

    private static List<Boolean> pattern(FaultRule rule) {
        FaultInjector injector = new FaultInjector();
        injector.add(rule);
        List<Boolean> fired = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            fired.add(injector.decide("iam", "GetRole").error() != null);
        }
        return fired;
    }

    private HttpResponse<String> invoke(String function, String payload) throws Exception {
        URI uri = cloud.endpoint().resolve("/2015-03-31/functions/" + java.net.URLEncoder.encode(function, java.nio.charset.StandardCharsets.UTF_8)
                + "/invocations");
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(payload))
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-west-2/lambda/aws4_request, SignedHeaders=host, Signature=0")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static DescribeExecutionResponse run(String machine, String name, String input) throws InterruptedException {
        String execution = cloud.sfn().startExecution(r -> r.stateMachineArn(machine).name(name).input(input)).executionArn();
        long deadline = System.nanoTime() + 30_000_000_000L;
        DescribeExecutionResponse d;
        while ((d = cloud.sfn().describeExecution(r -> r.executionArn(execution))).status() == ExecutionStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("execution " + name + " still RUNNING after 30 s");
            }
            Thread.sleep(50);
        }
        return d;
    }
}
