package io.github.shardingorm.routing;

import io.github.shardingorm.internal.routing.BucketedHashStrategy;
import io.github.shardingorm.spi.BucketedShardResolver;
import io.github.shardingorm.spi.ShardingStrategy;

import java.util.Map;

/**
 * The built-in {@link ShardingStrategy sharding strategies}.
 *
 * <p>The bucketed strategies ({@link #hash()}, {@link #hash(ShardMap)}, {@link #consistentHash},
 * {@link #weighted}) hash a key with {@link StableKeyHash} to one of the cluster's buckets and look
 * the bucket up in a {@link ShardMap}; they bind to a {@link BucketedShardResolver}, which supports
 * shard-aware ids and online resharding. {@link #range()} and {@link #directory()} map key values
 * to shards directly. Every strategy reports configuration problems when it is bound, all at once.
 */
public final class ShardingStrategies {

    private ShardingStrategies() {
    }

    /**
     * The default: bucketed hash over {@link ShardMap#uniform} (near-equal contiguous bucket
     * ranges, one per shard in declaration order).
     */
    public static ShardingStrategy hash() {
        return BucketedHashStrategy.uniform();
    }

    /**
     * Bucketed hash over an explicit map, e.g. one stored with {@link ShardMap#toText()}. Binding
     * reports a bucket count that differs from the cluster's and shards that are not configured.
     *
     * @param map the map; never null
     * @throws NullPointerException when {@code map} is null
     */
    public static ShardingStrategy hash(ShardMap map) {
        return BucketedHashStrategy.explicit(map);
    }

    /**
     * Bucketed hash over a consistent-hash ring ({@link ShardMap#consistentHash}): adding a shard
     * to the configuration moves only about {@code 1/(n+1)} of the buckets, all to the new shard.
     *
     * @param virtualNodesPerShard ring points per shard, between 1 and 65536 (100 to 500 is usual)
     * @throws IllegalArgumentException when {@code virtualNodesPerShard} is out of range
     */
    public static ShardingStrategy consistentHash(int virtualNodesPerShard) {
        return BucketedHashStrategy.consistentHash(virtualNodesPerShard);
    }

    /**
     * Bucketed hash with bucket shares proportional to weights ({@link ShardMap#weighted}). Binding
     * reports unknown shards, negative weights and configured shards without a weight (give 0 to
     * leave a shard empty).
     *
     * @param weights shard id to weight; never null
     * @throws NullPointerException when {@code weights} is null
     */
    public static ShardingStrategy weighted(Map<String, Integer> weights) {
        return BucketedHashStrategy.weighted(weights);
    }

    /** Range sharding: half-open key ranges per shard; range queries prune to the overlapping shards. */
    public static RangeStrategyBuilder range() {
        return new RangeStrategyBuilder();
    }

    /** Directory (list) sharding: value &rarr; shard entries, a default, an optional cached lookup. */
    public static DirectoryStrategyBuilder directory() {
        return new DirectoryStrategyBuilder();
    }
}
