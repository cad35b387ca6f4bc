package dev.podidentity.autopilot.port;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Leases in a table keyed by lock id, each held by one state machine execution. Every write is conditional, so two
 * executions racing for the same lock cannot both win. A lock also remembers when it last changed hands (released,
 * or taken over from a holder that can no longer release it): a run that planned before that moment plans again.
 */
public interface Locks {

    /**
     * One lease.
     *
     * @param owner      the holding execution's name
     * @param ownerArn   the holding execution's ARN, to ask Step Functions whether it still runs
     * @param acquiredAt epoch seconds
     * @param expiresAt  epoch seconds after which anyone may take the lease over (also the table's TTL attribute)
     */
    record Lease(String lockId, String owner, String ownerArn, long acquiredAt, long expiresAt) {
    }

    /**
     * Writes {@code lease} when the lock is free or {@code lease.owner()} holds it already. Present when won: the
     * epoch millisecond the lock last changed hands, 0 when it never did; empty when another owner holds it (live or
     * expired: taking a lease over is {@link #takeOver}).
     */
    OptionalLong tryAcquire(Lease lease);

    /**
     * Replaces the lease {@code previousOwner} holds and records {@code atMillis} as the moment the lock changed
     * hands; false when the lock changed hands (or was freed) meanwhile.
     */
    boolean takeOver(Lease lease, String previousOwner, long atMillis);

    /** The lease held now; empty when the lock is free. */
    Optional<Lease> read(String lockId);

    /**
     * Frees the lock when {@code owner} holds it, recording {@code atMillis} as the moment it changed hands (kept
     * until {@code keepUntil}, epoch seconds); false (and no change) otherwise.
     */
    boolean release(String lockId, String owner, long atMillis, long keepUntil);
}
