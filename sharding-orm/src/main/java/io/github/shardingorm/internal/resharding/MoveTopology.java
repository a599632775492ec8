package io.github.shardingorm.internal.resharding;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * What the mover needs from the topology (the contract agreed with the topology issue, see
 * {@code internal/topology/package-info.java}): bucket states {@code SERVING -> MOVING -> MOVED}
 * and a fence per bucket. The mover calls, in this order:
 * <ol>
 *   <li>{@link #beginMove}: the buckets become MOVING; writes to them are still allowed;</li>
 *   <li>{@link #fence}: writes to them are refused on the source (a retryable error for the
 *       writer); returns once every older transaction that may write to them has finished;</li>
 *   <li>{@link #completeMove}: the map points the buckets to the target (version grows) and
 *       the fence is released there; or {@link #abortMove}: back to SERVING on the source.</li>
 * </ol>
 * Every call must be idempotent: a resumed job repeats the call of the step it was killed in.
 */
public interface MoveTopology {

    /** The shard that owns {@code bucket} in the map in force. */
    String ownerOf(int bucket);

    /** The number of buckets of the map. */
    int bucketCount();

    /** Whether {@code bucket} is in a move (MOVING or fenced) right now. */
    boolean isMoving(int bucket);

    /** Marks the buckets MOVING from {@code from} to {@code to}; writes stay allowed. */
    void beginMove(Set<Integer> buckets, String from, String to);

    /** Refuses writes to the buckets on their source; returns once older writers finished. */
    void fence(Set<Integer> buckets);

    /** Points the buckets to the target of their move; the version grows. */
    void completeMove(Set<Integer> buckets);

    /** Ends the move of the buckets: SERVING on the source again, fence released. */
    void abortMove(Set<Integer> buckets);

    /**
     * Asked by a caught-up move before it fences: false keeps it catching up (an import waits
     * until every one of its moves is caught up, so the write freeze starts once, and short).
     */
    default boolean readyToFence(String moveId) {
        return true;
    }

    /** After the source's copies of the moved buckets are deleted: the fence may go. */
    default void released(Set<Integer> buckets) {
    }

    /** Prepares the mover's session on a source before it deletes the moved rows (e.g. to pass the fence). */
    default void prepareSourceSession(Connection source) throws SQLException {
    }
}
