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
 * @param properties              HikariCP properties of every pool, by HikariCP property name ({@code maxLifetime},
 *                                {@code leakDetectionThreshold}, {@code metricsTrackerFactory}, {@code dataSource.*}...)
 * @param shardProperties         per-shard HikariCP properties, over the global ones
 */
public record PoolSettings(
        long connectionTimeoutMillis,
        int maximumPoolSize,
        Integer minimumIdle,
        Map<String, Integer> maximumPoolSizes,
        Map<String, Integer> minimumIdles,
        Map<String, Object> properties,
        Map<String, Map<String, Object>> shardProperties) {

    /** HikariCP properties sharding-orm sets itself: given as properties they would break routing, ownership or transactions. */
    public static final java.util.Set<String> RESERVED_PROPERTIES = java.util.Set.of("jdbcUrl", "username", "password", "poolName",
            "autoCommit", "dataSource", "dataSourceClassName", "dataSourceJNDI", "maximumPoolSize", "minimumIdle", "connectionTimeout",
            "initializationFailTimeout");

    public PoolSettings {
        maximumPoolSizes = Map.copyOf(maximumPoolSizes);
        minimumIdles = Map.copyOf(minimumIdles);
        properties = Map.copyOf(properties);
        Map<String, Map<String, Object>> copy = new java.util.LinkedHashMap<>();
        shardProperties.forEach((shard, p) -> copy.put(shard, Map.copyOf(p)));
        shardProperties = java.util.Collections.unmodifiableMap(copy);
    }

    public PoolSettings(long connectionTimeoutMillis, int maximumPoolSize, Integer minimumIdle,
                        Map<String, Integer> maximumPoolSizes, Map<String, Integer> minimumIdles) {
        this(connectionTimeoutMillis, maximumPoolSize, minimumIdle, maximumPoolSizes, minimumIdles, Map.of(), Map.of());
    }

    /** The HikariCP properties of one shard's pool: the global ones, then the shard's own. */
    public Map<String, Object> properties(String shardId) {
        Map<String, Object> shard = shardProperties.getOrDefault(shardId, Map.of());
        if (shard.isEmpty()) {
            return properties;
        }
        Map<String, Object> merged = new java.util.LinkedHashMap<>(properties);
        merged.putAll(shard);
        return merged;
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
