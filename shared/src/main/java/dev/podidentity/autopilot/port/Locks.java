package dev.podidentity.autopilot.port;

import java.util.Optional;

/**
 * Leases in a table keyed by lock id, each held by one state machine execution. Every write is conditional, so two
 * executions racing for the same lock cannot both win.
 */
public interface Locks {

    /**
     * One lease.
     *
     * @param owner      the holding execution's name
     * @param ownerArn   the holding execution's ARN, to ask Step Functions whether it still runs
     * @param acquiredAt epoch seconds
     * @param expiresAt  epoch seconds after which anyone may take the lease (also the table's TTL attribute)
     */
    record Lease(String lockId, String owner, String ownerArn, long acquiredAt, long expiresAt) {
    }

    /**
     * Writes {@code lease} when the lock is free, its lease expired before {@code now} (epoch seconds), or
     * {@code lease.owner()} holds it already; false when another owner holds a live lease.
     */
    boolean tryAcquire(Lease lease, long now);

    /** Replaces the lease {@code previousOwner} holds; false when the lock changed hands (or was freed) meanwhile. */
    boolean takeOver(Lease lease, String previousOwner);

    Optional<Lease> read(String lockId);

    /** Deletes the lease when {@code owner} holds it; false (and no change) otherwise. */
    boolean release(String lockId, String owner);
}
