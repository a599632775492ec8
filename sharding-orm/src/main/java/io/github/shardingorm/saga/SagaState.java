package io.github.shardingorm.saga;

/** The state of a saga in the saga log. */
public enum SagaState {
    /** Running its steps forward (or waiting to retry a step). */
    RUNNING,
    /** Undoing its applied steps, last first (or waiting to retry a compensation). */
    COMPENSATING,
    /** Every step applied; final. */
    COMPLETED,
    /** Every applied step compensated; final. */
    COMPENSATED,
    /** The retry budget ran out; final until an operator acts ({@link Sagas#retry} or {@link Sagas#resolve}). */
    FAILED_NEEDS_ATTENTION,
    /** An operator marked a saga that needed attention as dealt with ({@link Sagas#resolve}); final. */
    RESOLVED;

    /** Whether the saga can no longer change by itself. */
    public boolean isFinal() {
        return this == COMPLETED || this == COMPENSATED || this == FAILED_NEEDS_ATTENTION || this == RESOLVED;
    }

    /** Whether the saga is over for good: completed, compensated or resolved (what retention deletes). */
    public boolean isFinished() {
        return this == COMPLETED || this == COMPENSATED || this == RESOLVED;
    }
}
