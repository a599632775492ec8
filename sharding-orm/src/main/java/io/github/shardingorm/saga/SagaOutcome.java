package io.github.shardingorm.saga;

/** How a saga ended. */
public enum SagaOutcome {
    /** Every step applied. */
    COMPLETED,
    /** A step failed; every step that had applied was compensated. */
    COMPENSATED,
    /** The retry budget ran out (a compensation kept failing, or a shard stayed down); see the reason. */
    FAILED_NEEDS_ATTENTION
}
