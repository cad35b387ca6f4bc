package dev.podidentity.autopilot.run.lock;

import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.lambda.Log;
import dev.podidentity.autopilot.port.Executions;
import dev.podidentity.autopilot.port.Locks;
import dev.podidentity.autopilot.port.Locks.Lease;
import dev.podidentity.autopilot.run.contract.LockRelease;
import dev.podidentity.autopilot.run.contract.LockResult;
import dev.podidentity.autopilot.run.contract.LockTask;
import dev.podidentity.autopilot.run.contract.ResolveOutput;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One lock per cluster ({@code <account>/<region>/<cluster>}), so two runs never write to the same cluster at once.
 * The state machine takes it after planning and gives it back after the report; a run that finds it held waits in
 * the ASL (a Wait state, no Lambda sleeping) and asks again. A lease ends three ways: its owner releases it, its
 * owner's execution is no longer RUNNING (aborted, timed out, failed before its release: the next run takes it
 * over at once), or it expires ({@link LockSettings#lease()}, the backstop when Step Functions cannot be asked).
 *
 * <p>Acquire in ({@link LockTask}): {@code {operation: "acquire", cluster, execution, executionArn, attempt,
 * replanned}}; out ({@link LockResult}): {@code {acquired, attempt (in + 1), replan, replanned, giveUp, lockId,
 * heldBy, heldByArn, since}}. {@code replan}
 * is true once, when the lock was won after waiting: the world changed under the plan, so the run plans again.
 * Release in: {@code {operation: "release", run: {cluster}, execution, executionArn}}, out {@link LockRelease}; a lock this execution does
 * not hold (or a run that never got as far as a cluster) is left alone.
 */
public final class ClusterLock {
    /** Conditional writes lost to another run between our read and our write before we answer "held". */
    private static final int RACES = 3;

    private final Locks locks;
    private final Executions executions;
    private final LockSettings settings;
    private final Clock clock;

    public ClusterLock(Locks locks, Executions executions, LockSettings settings, Clock clock) {
        this.locks = Objects.requireNonNull(locks, "locks");
        this.executions = Objects.requireNonNull(executions, "executions");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The lock function's entry: {@code operation} picks acquire ({@link LockResult}) or release ({@link LockRelease}). */
    public Record handle(LockTask input) {
        String operation = input.operation() == null ? "" : input.operation();
        return switch (operation) {
            case "acquire" -> acquire(input);
            case "release" -> release(input);
            default -> throw new InvalidInputException("lock: operation must be acquire or release, not \""
                    + operation + "\"");
        };
    }

    public LockResult acquire(LockTask input) {
        String cluster = required(input.cluster(), "cluster");
        String execution = required(input.execution(), "execution");
        String executionArn = required(input.executionArn(), "executionArn");
        int attempt = (input.attempt() == null ? 0 : input.attempt()) + 1;
        boolean replanned = Boolean.TRUE.equals(input.replanned());
        String lockId = lockId(executionArn, cluster);
        Log log = Log.forRun(execution, cluster).with("lockId", lockId);

        Optional<Lease> holder = Optional.empty();
        for (int race = 0; race < RACES; race++) {
            long now = clock.instant().getEpochSecond();
            Lease mine = new Lease(lockId, execution, executionArn, now, now + settings.lease().toSeconds());
            if (locks.tryAcquire(mine, now)) {
                log.info("lock acquired", "attempt", attempt);
                return acquired(lockId, attempt, replanned, null);
            }
            holder = locks.read(lockId);
            if (holder.isEmpty()) {
                continue; // released between our write and our read: try again
            }
            Lease held = holder.get();
            if (held.ownerArn() == null || held.ownerArn().isBlank() || executions.isRunning(held.ownerArn())) {
                break;
            }
            if (locks.takeOver(mine, held.owner())) {
                log.warn("lock taken over from an execution that is no longer running", "previousOwner",
                        held.owner(), "attempt", attempt);
                return acquired(lockId, attempt, replanned, held.owner());
            }
        }
        log.info("lock held by another run", "heldBy", holder.map(Lease::owner).orElse(""), "attempt", attempt);
        // heldBy, heldByArn, since always set: the ASL's give-up message names them.
        return new LockResult(false, lockId, attempt, false, replanned, attempt >= settings.waitChecks(),
                holder.map(Lease::owner).orElse("unknown"), holder.map(Lease::ownerArn).orElse(""),
                holder.map(h -> Instant.ofEpochSecond(h.acquiredAt()).toString()).orElse("unknown"), null);
    }

    public LockRelease release(LockTask input) {
        String execution = required(input.execution(), "execution");
        String executionArn = required(input.executionArn(), "executionArn");
        String cluster = Optional.ofNullable(input.run()).map(ResolveOutput::cluster).orElse("");
        if (cluster.isEmpty()) {
            return new LockRelease(false, null,
                    "the run has no cluster (it stopped before planning), so it never held a lock");
        }
        String lockId = lockId(executionArn, cluster);
        boolean released = locks.release(lockId, execution);
        Log.forRun(execution, cluster).with("lockId", lockId).info(released ? "lock released"
                : "lock not held by this execution; nothing released");
        return new LockRelease(released, lockId, released ? null : "this execution does not hold the lock");
    }

    /**
     * {@code <account>/<region>/<cluster>}, from the execution's ARN
     * ({@code arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>}): one table could serve
     * several accounts' state machines without their clusters of the same name sharing a lock.
     */
    static String lockId(String executionArn, String cluster) {
        String[] parts = executionArn.split(":", 8);
        if (parts.length < 8 || !"arn".equals(parts[0]) || !"states".equals(parts[2]) || parts[3].isEmpty()
                || parts[4].isEmpty() || !"execution".equals(parts[5])) {
            throw new InvalidInputException("lock: executionArn is not a Step Functions execution ARN: \""
                    + executionArn + "\"");
        }
        return parts[4] + "/" + parts[3] + "/" + cluster;
    }

    private static LockResult acquired(String lockId, int attempt, boolean replanned, String tookOverFrom) {
        // Won after waiting and not yet planned again: the other run changed the cluster since our plan.
        boolean replan = attempt > 1 && !replanned;
        return new LockResult(true, lockId, attempt, replan, replanned, false, null, null, null, tookOverFrom);
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("lock: " + field + " must be set");
        }
        return value;
    }
}
