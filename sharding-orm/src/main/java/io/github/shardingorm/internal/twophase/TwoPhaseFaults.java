package io.github.shardingorm.internal.twophase;

/**
 * Test hook at the boundaries of a two-phase commit: a test throws there (an exception: a failure;
 * an {@link Error}: a simulated crash that leaves the databases as they are). {@link #NONE} in
 * production; tests install one through the cross-shard runtime's {@code FaultInjector}.
 */
@FunctionalInterface
public interface TwoPhaseFaults {

    TwoPhaseFaults NONE = (point, txid, participant) -> { };

    /** The boundaries. */
    enum Point {
        /** The work ran and was flushed; no participant is prepared yet. */
        BEFORE_PREPARE,
        /** Every participant is prepared; no decision logged yet. */
        PREPARED,
        /** The commit decision is logged; no participant committed yet. */
        DECIDED,
        /** One participant committed (COMMIT PREPARED), the others not yet. */
        ONE_COMMITTED,
        /** A participant committed (every one, in turn). */
        COMMITTED,
        /** Recovery is about to resolve an in-doubt prepared transaction. */
        RECOVERY
    }

    /**
     * @param point       where the transaction is
     * @param txid        the transaction id
     * @param participant the participant index, or -1
     */
    void at(Point point, String txid, int participant);
}
