package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.port.Executions;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Step Functions StartExecution (a name already taken means the run was started before) and DescribeExecution (an
 * execution that does not exist, e.g. older than the 90 days Step Functions keeps them, is not running). The client
 * is asked for on each call: the lock function describes an execution only when it finds a lock held, so its cold
 * start does not build a Step Functions client it may not use.
 */
public final class SfnExecutions implements Executions {
    private final Supplier<SfnClient> sfn;

    public SfnExecutions(Supplier<SfnClient> sfn) {
        this.sfn = Objects.requireNonNull(sfn, "sfn");
    }

    @Override
    public Optional<String> start(String stateMachineArn, String name, String input) {
        try {
            return Optional.of(sfn.get().startExecution(b -> b.stateMachineArn(stateMachineArn).name(name).input(input))
                    .executionArn());
        } catch (ExecutionAlreadyExistsException duplicate) {
            return Optional.empty();
        } catch (SfnException e) {
            throw AwsErrors.map(e, "StartExecution " + name);
        }
    }

    @Override
    public boolean isRunning(String executionArn) {
        try {
            return sfn.get().describeExecution(b -> b.executionArn(executionArn)).status() == ExecutionStatus.RUNNING;
        } catch (ExecutionDoesNotExistException gone) {
            return false;
        } catch (SfnException e) {
            throw AwsErrors.map(e, "DescribeExecution " + executionArn);
        }
    }
}
