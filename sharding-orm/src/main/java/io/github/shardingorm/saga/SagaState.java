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
    /** The retry budget ran out; final until an operator acts. */
    FAILED_NEEDS_ATTENTION;

    /** Whether the saga can no longer change by itself. */
    public boolean isFinal() {
        return this == COMPLETED || this == COMPENSATED || this == FAILED_NEEDS_ATTENTION;
    }
}
