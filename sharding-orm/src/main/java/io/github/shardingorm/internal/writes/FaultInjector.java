package io.github.shardingorm.internal.writes;

import io.github.shardingorm.internal.saga.SagaFaults;
import io.github.shardingorm.internal.twophase.TwoPhaseFaults;

/**
 * Test hook: called at every boundary of a saga and of a two-phase commit, so a test can throw
 * there (an exception: a failure; an {@link Error}: a simulated crash that leaves the databases as
 * they are). {@link #NONE} in production. Installed with the internal property {@link #PROPERTY}
 * ({@code hibernateProperty(FaultInjector.PROPERTY, injector)}); the runtime hands the saga engine
 * and the two-phase committer their own view of it ({@link #forSagas()}, {@link #forTwoPhaseCommit()}).
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
        /** A two-phase commit is about to prepare its participants. */
        TWO_PHASE_BEFORE_PREPARE,
        /** Every participant of a two-phase commit is prepared; no decision logged yet. */
        TWO_PHASE_PREPARED,
        /** The commit decision is logged; no participant committed yet. */
        TWO_PHASE_DECIDED,
        /** One participant committed (COMMIT PREPARED), the others not yet. */
        TWO_PHASE_ONE_COMMITTED,
        /** A participant committed (every one, in turn). */
        TWO_PHASE_COMMITTED,
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

    /** This injector followed by the public listeners (which see each boundary once, as their {@code Boundary}). */
    default FaultInjector with(java.util.List<io.github.shardingorm.spi.CrossShardWriteListener> listeners) {
        if (listeners.isEmpty()) {
            return this;
        }
        FaultInjector self = this;
        return (point, type, id, step) -> {
            self.at(point, type, id, step);
            io.github.shardingorm.spi.CrossShardWriteListener.Boundary b = switch (point) {
                case BEFORE_STEP -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.SAGA_BEFORE_STEP;
                case AFTER_STEP_COMMIT -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.SAGA_AFTER_STEP;
                case BEFORE_COMPENSATION -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.SAGA_BEFORE_COMPENSATION;
                case AFTER_COMPENSATION_COMMIT -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.SAGA_AFTER_COMPENSATION;
                case RECOVERY_CLAIMED -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.SAGA_RECOVERY;
                case TWO_PHASE_BEFORE_PREPARE -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.TWO_PHASE_BEFORE_PREPARE;
                case TWO_PHASE_PREPARED -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.TWO_PHASE_AFTER_PREPARE;
                case TWO_PHASE_DECIDED -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.TWO_PHASE_DECISION_LOGGED;
                case TWO_PHASE_COMMITTED -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.TWO_PHASE_AFTER_COMMIT;
                case TWO_PHASE_RECOVERY -> io.github.shardingorm.spi.CrossShardWriteListener.Boundary.TWO_PHASE_RECOVERY;
                case TWO_PHASE_ONE_COMMITTED -> null; // the listeners see it as TWO_PHASE_AFTER_COMMIT of participant 0
            };
            if (b != null) {
                for (io.github.shardingorm.spi.CrossShardWriteListener l : listeners) {
                    l.at(b, type, String.valueOf(id), step);
                }
            }
        };
    }

    /** This injector at the saga engine's boundaries. */
    default SagaFaults forSagas() {
        if (this == NONE) {
            return SagaFaults.NONE;
        }
        return (point, type, id, step) -> at(switch (point) {
            case BEFORE_STEP -> Point.BEFORE_STEP;
            case AFTER_STEP_COMMIT -> Point.AFTER_STEP_COMMIT;
            case BEFORE_COMPENSATION -> Point.BEFORE_COMPENSATION;
            case AFTER_COMPENSATION_COMMIT -> Point.AFTER_COMPENSATION_COMMIT;
            case RECOVERY_CLAIMED -> Point.RECOVERY_CLAIMED;
        }, type, id, step);
    }

    /** This injector at the two-phase committer's boundaries, as saga type {@code "2pc"}. */
    default TwoPhaseFaults forTwoPhaseCommit() {
        if (this == NONE) {
            return TwoPhaseFaults.NONE;
        }
        return (point, txid, participant) -> at(switch (point) {
            case BEFORE_PREPARE -> Point.TWO_PHASE_BEFORE_PREPARE;
            case PREPARED -> Point.TWO_PHASE_PREPARED;
            case DECIDED -> Point.TWO_PHASE_DECIDED;
            case ONE_COMMITTED -> Point.TWO_PHASE_ONE_COMMITTED;
            case COMMITTED -> Point.TWO_PHASE_COMMITTED;
            case RECOVERY -> Point.TWO_PHASE_RECOVERY;
        }, "2pc", txid, participant);
    }
}
