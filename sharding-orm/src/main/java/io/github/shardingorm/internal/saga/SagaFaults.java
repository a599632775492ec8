package io.github.shardingorm.internal.saga;

/**
 * Test hook at the boundaries of a saga: a test throws there (an exception: a failure; an
 * {@link Error}: a simulated crash that leaves the databases as they are). {@link #NONE} in
 * production; tests install one through the cross-shard runtime's {@code FaultInjector}.
 */
@FunctionalInterface
public interface SagaFaults {

    SagaFaults NONE = (point, type, id, step) -> { };

    /** The boundaries. */
    enum Point {
        /** A saga step is about to run (forward or on recovery). */
        BEFORE_STEP,
        /** A step's transaction (effect + fence) committed; the saga log is not updated yet. */
        AFTER_STEP_COMMIT,
        /** A compensation is about to run. */
        BEFORE_COMPENSATION,
        /** A compensation's transaction committed; the saga log is not updated yet. */
        AFTER_COMPENSATION_COMMIT,
        /** Recovery claimed a saga (took its lease) and is about to resume it. */
        RECOVERY_CLAIMED
    }

    /**
     * @param point where the saga is
     * @param type  the saga type
     * @param id    the saga id
     * @param step  the step index
     */
    void at(Point point, String type, Object id, int step);
}
