package io.github.shardingorm.resharding;

import java.util.List;

/**
 * Online resharding of a bucketed cluster ({@code orm.resharding()}): plan a change of bucket
 * placement, then run it while the application reads and writes.
 *
 * <pre>{@code
 * ReshardingPlan plan = orm.resharding().addShard("s4").throttle(50_000).plan();
 * System.out.println(plan.describe());            // moves, buckets, rows, bytes, estimated time
 * ReshardingJob job = plan.start(p -> System.out.println(p.toLine()));
 * job.awaitCompletion();                          // or job.rollback()
 * }</pre>
 *
 * Each planned move takes a set of buckets, with the rows of every sharded table, from one shard
 * to another: copy from a snapshot, catch-up from the source's WAL, verification, a short fenced
 * switch, deletion of the source's copies. A job survives a restart of the JVM running it
 * ({@link #unfinished()} finds it again). Preconditions are checked when planning: a plan that
 * cannot run is refused with every problem listed ({@link ReshardingRefusedException}).
 */
public interface Resharding {

    /** Moves buckets {@code from..toInclusive} (whatever shards own them now) to {@code targetShard}. */
    Builder moveBuckets(int from, int toInclusive, String targetShard);

    /** Gives {@code shardId} (configured, owning no buckets) an even share, taken from every other shard. */
    Builder addShard(String shardId);

    /** Moves the upper half of {@code shardId}'s buckets to {@code intoShard}. */
    Builder split(String shardId, String intoShard);

    /** Moves every bucket of {@code fromShard} to {@code intoShard}. */
    Builder merge(String fromShard, String intoShard);

    /** Evens out the number of buckets over every configured shard. */
    Builder rebalance();

    /** Jobs recorded on the shards and not finished (after a crash or restart): resume or roll them back. */
    List<ReshardingJob> unfinished();

    /** Options of a plan, then {@link #plan()}. */
    interface Builder {

        /** At most this many rows per second copied (and deleted at clean-up) per move; 0 for no limit. */
        Builder throttle(long rowsPerSecond);

        /** Rows per copied chunk (the most copy work a crash can cost); default 20,000. */
        Builder chunkRows(int rows);

        /** Keep the moved rows on the source until {@link ReshardingJob#complete()} (default: delete them after the switch). */
        Builder keepSourceRowsUntilComplete();

        /** Compare per-bucket counts and checksums before each switch (default true). */
        Builder verify(boolean verify);

        /**
         * Computes the moves and checks every precondition.
         *
         * @throws ReshardingRefusedException listing every problem (unknown shard, bucket outside the
         *     map, an overlapping job, wal_level, slots, a table without a primary key, an unreachable shard)
         */
        ReshardingPlan plan();
    }
}
