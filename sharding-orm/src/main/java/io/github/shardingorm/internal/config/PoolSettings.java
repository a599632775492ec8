package io.github.shardingorm.internal.config;

import java.util.Map;

/**
 * The HikariCP pool of every shard. Per-shard overrides are checked against the shards by
 * {@link ConfigurationValidator}.
 *
 * @param connectionTimeoutMillis how long to wait for a connection before the shard counts as unavailable
 * @param maximumPoolSize         every shard's maximum pool size
 * @param minimumIdle             every shard's minimum idle connections; null: the maximum pool size
 * @param maximumPoolSizes        per-shard maximum pool sizes
 * @param minimumIdles            per-shard minimum idle connections
 */
public record PoolSettings(
        long connectionTimeoutMillis,
        int maximumPoolSize,
        Integer minimumIdle,
        Map<String, Integer> maximumPoolSizes,
        Map<String, Integer> minimumIdles) {

    public PoolSettings {
        maximumPoolSizes = Map.copyOf(maximumPoolSizes);
        minimumIdles = Map.copyOf(minimumIdles);
    }

    /** The maximum pool size of one shard. */
    public int maximumPoolSize(String shardId) {
        return maximumPoolSizes.getOrDefault(shardId, maximumPoolSize);
    }

    /** The minimum idle connections of one shard: never more than its maximum. */
    public int minimumIdle(String shardId) {
        int max = maximumPoolSize(shardId);
        Integer idle = minimumIdles.getOrDefault(shardId, minimumIdle);
        return idle == null ? max : Math.min(idle, max);
    }
}
