package io.github.shardingorm.spi;

import io.github.shardingorm.routing.ShardMap;

/**
 * A resolver that routes in two steps, key &rarr; bucket &rarr; shard, through a versioned
 * {@link ShardMap}. Only bucketed strategies support shard-aware ids (an id that carries its
 * bucket routes with no key) and, later, online resharding (moving buckets between shards).
 */
public interface BucketedShardResolver extends ShardResolver {

    /**
     * @param key a normalized key, never null
     * @return the key's bucket, in {@code [0, shardMap().bucketCount())}
     */
    int bucketOf(Object key);

    /** The shard map in force now; never null. */
    ShardMap shardMap();

    /**
     * Replaces the shard map. The new map must have the same bucket count, a higher version and
     * only shards of the cluster.
     *
     * @throws IllegalArgumentException when it does not
     */
    void replaceShardMap(ShardMap next);

    /** The shards of the current shard map (those owning at least one bucket); changes with {@link #replaceShardMap}. */
    @Override
    java.util.Set<String> shards();

    @Override
    default String shardOf(Object key) {
        return shardMap().shardOf(bucketOf(key));
    }
}
