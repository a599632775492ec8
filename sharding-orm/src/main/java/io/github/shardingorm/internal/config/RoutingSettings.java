package io.github.shardingorm.internal.config;

import io.github.shardingorm.spi.ShardingStrategy;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

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
        @NotNull ShardingStrategy strategy,
        @Min(value = 1, message = "bucket count must be at least 1")
        @Max(value = 65536, message = "bucket count must be at most 65536")
        int bucketCount,
        @Min(value = 0, message = "node id must be between 0 and 31")
        @Max(value = 31, message = "node id must be between 0 and 31")
        int nodeId,
        boolean nodeIdGiven) {

    /** Routing settings whose node id counts as configured. */
    public RoutingSettings(ShardingStrategy strategy, int bucketCount, int nodeId) {
        this(strategy, bucketCount, nodeId, true);
    }
}
