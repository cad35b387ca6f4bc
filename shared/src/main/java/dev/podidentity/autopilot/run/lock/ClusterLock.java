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
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One lock per cluster ({@code <account>/<region>/<cluster>}), so two runs never write to the same cluster at once.
 * The state machine takes it after planning and gives it back after the report; a run that finds it held waits in
 * the ASL (a Wait state, no Lambda sleeping) and asks again. A lease ends three ways: its owner releases it, its
 * owner's execution is no longer RUNNING (aborted, timed out, failed before its release: the next run takes it
 * over at once), or it expires ({@link LockSettings#lease()}, the backstop when Step Functions cannot be asked).
 *
 * <p>Acquire in ({@link LockTask}): {@code {operation: "acquire", cluster, execution, executionArn, attempt,
 * replanned, plannedAt}}; out ({@link LockResult}): {@code {acquired, attempt (in + 1), replan, replanned, giveUp,
 * lockId, heldBy, heldByArn, since}}. {@code replan} is true once, when the lock is won and another run may have
 * changed the cluster since this run's plan began ({@code plannedAt}, Resolve's start): the lock changed hands
 * (released or taken over) at or after that moment, or was won after waiting. The run then plans again. A run that
 * never waited is not safe by itself: another run's whole apply can fit between its plan and its acquire.
 * Release in: {@code {operation: "release", run: {cluster}, execution, executionArn}}, out {@link LockRelease}; a lock
 * this execution does not hold (or a run that never got as far as a cluster) is left alone.
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
        Optional<Instant> plannedAt = plannedAt(input.plannedAt());
        String lockId = lockId(executionArn, cluster);
        Log log = Log.forRun(execution, cluster).with("lockId", lockId);

        Optional<Lease> holder = Optional.empty();
        for (int race = 0; race < RACES; race++) {
            Instant now = clock.instant();
            Lease mine = new Lease(lockId, execution, executionArn, now.getEpochSecond(),
                    now.getEpochSecond() + settings.lease().toSeconds());
            OptionalLong won = locks.tryAcquire(mine);
            if (won.isPresent()) {
                boolean changedSincePlan = changedHandsSince(won.getAsLong(), plannedAt);
                log.info("lock acquired", "attempt", attempt, "changedHandsSincePlan", changedSincePlan);
                return acquired(lockId, attempt, replanned, changedSincePlan, null);
            }
            holder = locks.read(lockId);
            if (holder.isEmpty()) {
                continue; // released between our write and our read: try again
            }
            Lease held = holder.get();
            boolean expired = held.expiresAt() < now.getEpochSecond();
            if (!expired && (held.ownerArn() == null || held.ownerArn().isBlank()
                    || executions.isRunning(held.ownerArn()))) {
                break;
            }
            if (locks.takeOver(mine, held.owner(), now.toEpochMilli())) {
                log.warn(expired ? "lock taken over: its lease expired"
                                : "lock taken over from an execution that is no longer running",
                        "previousOwner", held.owner(), "attempt", attempt);
                // whatever the previous holder wrote may postdate the plan
                return acquired(lockId, attempt, replanned, true, held.owner());
            }
        }
        log.info("lock held by another run", "heldBy", holder.map(Lease::owner).orElse(""), "attempt", attempt);
        // heldBy, heldByArn, since always set: the ASL's give-up message names them.
        return new LockResult(false, lockId, attempt, false, replanned, attempt >= settings.waitChecks(),
                holder.map(Lease::owner).orElse("unknown"), holder.map(Lease::ownerArn).orElse(""),
                holder.map(h -> Instant.ofEpochSecond(h.acquiredAt()).toString()).orElse("unknown"), null);
    }

    /**
     * Whether the lock changed hands ({@code changedHandsAt}, epoch ms, 0 for never) at or after the plan began.
     * Without a plan time (a state machine older than this field) any recorded change counts. Both times come from
     * AWS-synchronised clocks (Lambda's); a tie counts as a change.
     */
    static boolean changedHandsSince(long changedHandsAt, Optional<Instant> plannedAt) {
        return changedHandsAt > 0 && plannedAt.map(p -> changedHandsAt >= p.toEpochMilli()).orElse(true);
    }

    private static Optional<Instant> plannedAt(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("lock: plannedAt must be an ISO-8601 instant (Resolve's run.plannedAt), "
                    + "not \"" + value + "\"");
        }
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
        Instant now = clock.instant();
        boolean released = locks.release(lockId, execution, now.toEpochMilli(),
                now.getEpochSecond() + settings.lease().toSeconds());
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

    private static LockResult acquired(String lockId, int attempt, boolean replanned, boolean changedSincePlan,
                                       String tookOverFrom) {
        // Won after waiting, or the lock changed hands since our plan began, and not yet planned again: another
        // run may have changed the cluster since our plan.
        boolean replan = (attempt > 1 || changedSincePlan) && !replanned;
        return new LockResult(true, lockId, attempt, replan, replanned, false, null, null, null, tookOverFrom);
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("lock: " + field + " must be set");
        }
        return value;
    }
}
