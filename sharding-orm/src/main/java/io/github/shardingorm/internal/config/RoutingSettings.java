package io.github.shardingorm.internal.config;

import io.github.shardingorm.spi.ShardingStrategy;

/**
 * How keys find their shard.
 *
 * @param strategy    the sharding strategy, bound to the shards at start-up
 * @param bucketCount the fixed number of buckets keys hash into (bucketed strategies)
 * @param nodeId      this JVM's node id in {@code @ShardedId} values
 */
public record RoutingSettings(
        ShardingStrategy strategy,
        int bucketCount,
        int nodeId) {
}
