package io.github.shardingorm.internal.saga;

/**
 * Test hook: called at every boundary of a saga and of a two-phase commit, so a test can throw
 * there (an exception: a failure; an {@link Error}: a simulated crash that leaves the databases as
 * they are). {@link #NONE} in production. Installed with the internal property {@link #PROPERTY}
 * ({@code hibernateProperty(FaultInjector.PROPERTY, injector)}).
 */
@FunctionalInterface
public interface FaultInjector {

    /** Internal property that installs an injector (value: a FaultInjector instance). */
    String PROPERTY = "sharding.internal.fault-injector";

    FaultInjector NONE = (point, type, id, step) -> { };

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
        RECOVERY_CLAIMED,
        /** Every participant of a two-phase commit is prepared; no decision logged yet. */
        TWO_PHASE_PREPARED,
        /** The commit decision is logged; no participant committed yet. */
        TWO_PHASE_DECIDED,
        /** One participant committed (COMMIT PREPARED), the others not yet. */
        TWO_PHASE_ONE_COMMITTED,
        /** Recovery is about to resolve an in-doubt prepared transaction. */
        TWO_PHASE_RECOVERY
    }

    /**
     * @param point where the saga / transaction is
     * @param type  the saga type, or {@code "2pc"}
     * @param id    the saga id or the transaction id
     * @param step  the step index, or the participant index, or -1
     */
    void at(Point point, String type, Object id, int step);
}
