package io.github.shardingorm.saga;

/** How {@link Sagas#retry} resumes a saga that needs attention. */
public enum RetryDirection {
    /** Run the remaining steps again, from the step that gave up. Not for a saga that gave up while compensating. */
    FORWARD,
    /** Undo the applied steps, last first, from the step where it gave up. */
    COMPENSATE
}
