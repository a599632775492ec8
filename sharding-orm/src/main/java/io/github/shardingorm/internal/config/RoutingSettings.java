package io.github.shardingorm.internal.config;

import io.github.shardingorm.spi.ShardingStrategy;

/**
 * How keys find their shard.
 *
 * @param strategy    the sharding strategy, bound to the shards at start-up
 * @param bucketCount the fixed number of buckets keys hash into (bucketed strategies)
 * @param nodeId      this JVM's node id in {@code @ShardedId} values (with the stored topology: only
 *                    when {@code nodeIdGiven}, and then still leased; otherwise a free one is leased)
 * @param nodeIdGiven whether the node id was configured (rather than the default)
 */
public record RoutingSettings(
        ShardingStrategy strategy,
        int bucketCount,
        int nodeId,
        boolean nodeIdGiven) {

    /** Routing settings whose node id counts as configured. */
    public RoutingSettings(ShardingStrategy strategy, int bucketCount, int nodeId) {
        this(strategy, bucketCount, nodeId, true);
    }
}
