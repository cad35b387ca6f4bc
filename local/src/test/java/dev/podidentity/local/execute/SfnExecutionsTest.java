package dev.podidentity.local.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.aws.AwsClients;
import dev.podidentity.autopilot.aws.SfnExecutions;
import dev.podidentity.local.LocalCloud;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dispatcher's promise that one event starts at most one execution rests on Step Functions' names: within a
 * state machine a name is taken once (the same name and input while it runs answers with that execution; other
 * input is ExecutionAlreadyExists). Duplicate deliveries of one event can reach two dispatchers at the same moment,
 * so the local cloud must hold to that under concurrent starts too, as Step Functions does.
 */
class SfnExecutionsTest {
    @RegisterExtension
    static final LocalAwsExtension AWS = LocalAwsExtension.withDefaultWorld();
    private static LocalCloud cloud;
    private static AwsClients clients;

    private static String stateMachine;

    @BeforeAll
    static void stateMachine() {
        stateMachine = cloud.sfn().createStateMachine(b -> b.name("executions-adapter-test")
                .roleArn("arn:aws:iam::111122223333:role/sfn-test")
                .definition("{\"StartAt\":\"Hold\",\"States\":{\"Hold\":{\"Type\":\"Wait\",\"Seconds\":30,\"End\":true}}}"))
                .stateMachineArn();
    }

    @Test
    void oneEventDeliveredManyTimesAtOnce_startsOneExecution() throws Exception {
        SfnExecutions executions = new SfnExecutions(clients::sfn);
        for (int round = 0; round < 20; round++) {
            String name = "duplicate-" + round;
            int deliveries = 16;
            ExecutorService pool = Executors.newFixedThreadPool(deliveries);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<String>>> starts = new ArrayList<>();
                for (int d = 0; d < deliveries; d++) {
                    // half the deliveries bring other input: those are refused while a name is taken
                    String input = d % 2 == 0 ? "{\"event\":\"same\"}" : "{\"event\":\"other-" + d + "\"}";
                    starts.add(pool.submit(() -> {
                        go.await();
                        return executions.start(stateMachine, name, input);
                    }));
                }
                go.countDown();
                List<String> arns = new ArrayList<>();
                for (Future<Optional<String>> s : starts) {
                    s.get(30, TimeUnit.SECONDS).ifPresent(arns::add);
                }
                assertTrue(arns.stream().distinct().count() == 1, "round " + round + ": " + arns);
                assertEquals(1, cloud.sfn().listExecutions(b -> b.stateMachineArn(stateMachine)).executions().stream()
                        .filter(e -> e.name().equals(name)).count(), "round " + round + ": one execution of that name");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
