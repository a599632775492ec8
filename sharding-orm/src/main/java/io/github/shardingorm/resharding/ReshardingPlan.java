package io.github.shardingorm.resharding;

import java.time.Duration;
import java.util.List;

/** A checked plan: the moves it will make, with estimates. Start it once. */
public interface ReshardingPlan {

    /** One move of the plan. */
    record Move(String moveId, String source, String target, String buckets, long estimatedRows, long estimatedBytes) {
    }

    /** The job id the plan starts under. */
    String id();

    List<Move> moves();

    long estimatedRows();

    long estimatedBytes();

    /** At the throttle, or at an assumed 100,000 rows/s without one. */
    Duration estimatedTime();

    /** A few lines for a console: one per move, then the totals. */
    String describe();

    /**
     * Records every move on its target shard and runs them one after the other in a background thread.
     *
     * @param listener receives progress; may be null
     */
    ReshardingJob start(ReshardingListener listener);
}
