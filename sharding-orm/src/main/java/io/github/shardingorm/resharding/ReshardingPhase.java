package io.github.shardingorm.resharding;

/** The durable phases of a bucket move, in order; ROLLED_BACK ends a move from any phase before SWITCHED. */
public enum ReshardingPhase {
    /** Recorded; publication, slot and move marks being created. */
    CREATED,
    /** Copying chunks from a snapshot; the slot keeps every later change. */
    COPYING,
    /** Applying decoded changes of the moving buckets to the target. */
    CATCHING_UP,
    /** Writes to the buckets refused on the source; applying up to the marker. */
    FENCED,
    /** The topology points the buckets to the target; slot and publication dropped. */
    SWITCHED,
    /** The moved rows are deleted from the source. */
    COMPLETED,
    /** Given back to the source; the target's copies deleted. */
    ROLLED_BACK;

    public boolean isFinal() {
        return this == COMPLETED || this == ROLLED_BACK;
    }

    public boolean canRollBack() {
        return ordinal() < SWITCHED.ordinal();
    }
}
