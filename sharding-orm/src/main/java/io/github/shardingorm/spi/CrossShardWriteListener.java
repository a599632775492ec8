package io.github.shardingorm.spi;

/**
 * A hook at every boundary of a saga and of a two-phase commit, registered with
 * {@code ShardedPersistenceBuilder.crossShardWriteListener(...)}: to trace them, or, in tests, to
 * inject a fault. Called synchronously on the thread doing the work; a listener that throws fails
 * the work at that boundary exactly as a failure there would (a saga step is retried or
 * compensated, a transaction not yet decided rolls back, after the decision recovery finishes it).
 * Keep listeners cheap; most implement it as a lambda that looks only at some boundaries.
 */
@FunctionalInterface
public interface CrossShardWriteListener {

    /** The boundaries, in the order they are reached. */
    enum Boundary {
        /** A saga step is about to run (forward, or resumed by recovery). {@code step}: its index. */
        SAGA_BEFORE_STEP,
        /** A step's transaction (its effect and its fence) committed; the saga log is not updated yet. */
        SAGA_AFTER_STEP,
        /** A compensation is about to run. {@code step}: the step it undoes. */
        SAGA_BEFORE_COMPENSATION,
        /** A compensation's transaction committed; the saga log is not updated yet. */
        SAGA_AFTER_COMPENSATION,
        /** Recovery took a saga over and is about to resume it. */
        SAGA_RECOVERY,
        /** A two-phase commit is about to PREPARE its participants (the work ran and was flushed). {@code step}: -1. */
        TWO_PHASE_BEFORE_PREPARE,
        /** Every participant is prepared; no decision logged yet. {@code step}: the number of participants. */
        TWO_PHASE_AFTER_PREPARE,
        /** The commit decision is logged on the coordinator shard; no participant committed yet. */
        TWO_PHASE_DECISION_LOGGED,
        /** One participant committed (COMMIT PREPARED). {@code step}: its index. */
        TWO_PHASE_AFTER_COMMIT,
        /** Recovery is about to resolve an in-doubt prepared transaction. */
        TWO_PHASE_RECOVERY
    }

    /**
     * @param boundary where the saga or transaction is
     * @param type     the saga type, or {@code "2pc"}
     * @param id       the saga id or the transaction id, as text
     * @param step     the step or participant index, or -1
     */
    void at(Boundary boundary, String type, String id, int step);
}
