package io.github.shardingorm.internal.id;

import io.github.shardingorm.ShardAwareId;
import java.util.function.LongSupplier;

/**
 * The id state machine behind {@link ShardAwareIdGenerator}: per bucket, the last millisecond
 * used and the sequence within it. The millisecond never goes back, even when the wall clock
 * does; when a bucket's 16 sequence values of a millisecond are used up, the next millisecond is
 * borrowed. Guarded by a lock per 64 buckets, so buckets rarely contend.
 */
public final class ShardAwareIdSequence {

    private static final int STRIPES = ShardAwareId.MAX_BUCKETS / 64;

    private final NodeIdClaim claim;
    private final LongSupplier clock;
    private final long[] lastMillis = new long[ShardAwareId.MAX_BUCKETS];
    private final int[] sequences = new int[ShardAwareId.MAX_BUCKETS];
    private final Object[] locks = new Object[STRIPES];

    public ShardAwareIdSequence(int nodeId, LongSupplier clock) {
        this(checked(nodeId), clock);
    }

    /** A sequence whose node id, clock floor and reservation come from {@code claim} (a leased node id). */
    public ShardAwareIdSequence(NodeIdClaim claim, LongSupplier clock) {
        this.claim = claim;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
        java.util.Arrays.fill(lastMillis, -1L);
    }

    private static NodeIdClaim checked(int nodeId) {
        if (nodeId < 0 || nodeId > ShardAwareId.MAX_NODE_ID) {
            throw new IllegalArgumentException("node id " + nodeId + " is outside [0, " + ShardAwareId.MAX_NODE_ID + "]");
        }
        return NodeIdClaim.fixed(nodeId);
    }

    /** The next id for {@code bucket}. */
    public long next(int bucket) {
        if (bucket < 0 || bucket >= ShardAwareId.MAX_BUCKETS) {
            throw new IllegalArgumentException("bucket " + bucket + " is outside [0, " + ShardAwareId.MAX_BUCKETS + ")");
        }
        int nodeId = claim.nodeId();
        long wall = Math.max(clock.getAsLong(), claim.floorMillis());
        long now = wall - ShardAwareId.EPOCH_MILLIS;
        if (now < 0) {
            throw new IllegalStateException("the clock reads " + wall + " ms, before the id epoch 2026-01-01T00:00Z");
        }
        synchronized (locks[bucket & (STRIPES - 1)]) {
            long last = lastMillis[bucket];
            int seq;
            long millis;
            if (now > last) {
                millis = now;
                seq = 0;
            } else {
                millis = last;
                seq = sequences[bucket] + 1;
                if (seq > ShardAwareId.MAX_SEQUENCE) {
                    millis = last + 1;
                    seq = 0;
                }
            }
            claim.reserve(millis + ShardAwareId.EPOCH_MILLIS);
            lastMillis[bucket] = millis;
            sequences[bucket] = seq;
            return ShardAwareId.compose(millis, bucket, nodeId, seq);
        }
    }
}
