package dev.podidentity.autopilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

class SfnExecutionsTest {

    /** A Step Functions client that knows one running execution, "running"; every other one does not exist. */
    private static SfnClient oneRunning() {
        return new SfnClient() {
            @Override
            public DescribeExecutionResponse describeExecution(DescribeExecutionRequest request) {
                if (!request.executionArn().equals("running")) {
                    throw ExecutionDoesNotExistException.builder().message("no " + request.executionArn()).build();
                }
                return DescribeExecutionResponse.builder().status(ExecutionStatus.RUNNING).build();
            }

            @Override
            public String serviceName() {
                return "sfn";
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void theClient_isAskedForOnTheFirstCall_notWhenConstructed() {
        // The lock function's first request on a free lock never calls Step Functions: its cold start does not
        // build the client.
        AtomicInteger asked = new AtomicInteger();
        SfnClient client = oneRunning();
        SfnExecutions executions = new SfnExecutions(() -> {
            asked.incrementAndGet();
            return client;
        });
        assertEquals(0, asked.get());

        assertTrue(executions.isRunning("running"));
        assertFalse(executions.isRunning("gone"), "an execution that does not exist is not running");
        assertEquals(2, asked.get());
    }
}
