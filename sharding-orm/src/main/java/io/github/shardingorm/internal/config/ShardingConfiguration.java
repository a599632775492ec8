package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.spi.ShardingStrategy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of a sharded persistence unit, immutable once built. Field constraints
 * are checked with Hibernate Validator ({@link ConfigurationValidator}); rules across fields are
 * checked there too, and every violation is reported at once.
 */
public final class ShardingConfiguration {

    @NotEmpty(message = "at least one shard must be configured")
    private final List<@Valid ShardDefinition> shards;

    private final Map<String, Integer> maximumPoolSizes;

    private final Map<String, Integer> minimumIdles;

    @NotEmpty(message = "at least one entity class must be configured")
    private final List<Class<?>> entities;

    private final ShardingStrategy strategy;

    @Min(value = 1, message = "bucket count must be at least 1")
    @Max(value = 65536, message = "bucket count must be at most 65536")
    private final int bucketCount;

    @NotNull
    private final SchemaAction schemaAction;

    @Min(value = 250, message = "connection timeout must be at least 250 ms")
    private final long connectionTimeoutMillis;

    @Min(value = 1, message = "maximum pool size must be at least 1")
    @Max(value = 1000, message = "maximum pool size must be at most 1000")
    private final int maximumPoolSize;

    private final @Min(value = 0, message = "minimum idle must be >= 0") Integer minimumIdle;

    @Min(value = 0, message = "node id must be between 0 and 31")
    @Max(value = 31, message = "node id must be between 0 and 31")
    private final int nodeId;

    @Min(value = 1, message = "JDBC batch size must be at least 1")
    @Max(value = 10000, message = "JDBC batch size must be at most 10000")
    private final int jdbcBatchSize;

    private final Map<String, Object> hibernateProperties;

    @Min(value = 0, message = "query parallelism must be between 1 and 1024")
    @Max(value = 1024, message = "query parallelism must be between 1 and 1024")
    private final int queryParallelism;

    @NotNull
    private final io.github.shardingorm.internal.config.CrossShardWrites crossShardWrites;

    /** Without sagas and with default cross-shard and query settings. */
    public ShardingConfiguration(List<ShardDefinition> shards, Map<String, Integer> maximumPoolSizes,
                                 Map<String, Integer> minimumIdles, List<Class<?>> entities, ShardingStrategy strategy, int bucketCount,
                                 SchemaAction schemaAction, long connectionTimeoutMillis, int maximumPoolSize,
                                 Integer minimumIdle, int nodeId, int jdbcBatchSize,
                                 Map<String, Object> hibernateProperties) {
        this(shards, maximumPoolSizes, minimumIdles, entities, strategy, bucketCount, schemaAction, connectionTimeoutMillis,
                maximumPoolSize, minimumIdle, nodeId, jdbcBatchSize, hibernateProperties,
                io.github.shardingorm.internal.config.CrossShardWrites.DEFAULTS, 0);
    }

    /**
     * @param crossShardWrites sagas, two-phase commit and recovery settings
     * @param queryParallelism threads for queries across shards; 0 for the default
     */
    public ShardingConfiguration(List<ShardDefinition> shards, Map<String, Integer> maximumPoolSizes,
                                 Map<String, Integer> minimumIdles, List<Class<?>> entities, ShardingStrategy strategy, int bucketCount,
                                 SchemaAction schemaAction, long connectionTimeoutMillis, int maximumPoolSize,
                                 Integer minimumIdle, int nodeId, int jdbcBatchSize,
                                 Map<String, Object> hibernateProperties,
                                 io.github.shardingorm.internal.config.CrossShardWrites crossShardWrites, int queryParallelism) {
        this.crossShardWrites = crossShardWrites;
        this.queryParallelism = queryParallelism;
        this.shards = List.copyOf(shards);
        this.maximumPoolSizes = Map.copyOf(maximumPoolSizes);
        this.minimumIdles = Map.copyOf(minimumIdles);
        this.entities = List.copyOf(entities);
        this.strategy = strategy;
        this.bucketCount = bucketCount;
        this.schemaAction = schemaAction;
        this.connectionTimeoutMillis = connectionTimeoutMillis;
        this.maximumPoolSize = maximumPoolSize;
        this.minimumIdle = minimumIdle;
        this.nodeId = nodeId;
        this.jdbcBatchSize = jdbcBatchSize;
        this.hibernateProperties = Map.copyOf(hibernateProperties);
    }

    public List<ShardDefinition> shards() {
        return shards;
    }

    public List<String> shardIds() {
        return shards.stream().map(ShardDefinition::id).toList();
    }

    public Map<String, Integer> maximumPoolSizes() {
        return maximumPoolSizes;
    }

    public int maximumPoolSize(String shardId) {
        return maximumPoolSizes.getOrDefault(shardId, maximumPoolSize);
    }

    public int minimumIdle(String shardId) {
        int max = maximumPoolSize(shardId);
        Integer idle = minimumIdles.getOrDefault(shardId, minimumIdle);
        return idle == null ? max : Math.min(idle, max);
    }

    public Map<String, Integer> minimumIdles() {
        return minimumIdles;
    }

    public List<Class<?>> entities() {
        return entities;
    }

    /** The configured strategy, or null for the default. */
    public ShardingStrategy strategy() {
        return strategy;
    }

    public int bucketCount() {
        return bucketCount;
    }

    public SchemaAction schemaAction() {
        return schemaAction;
    }

    public long connectionTimeoutMillis() {
        return connectionTimeoutMillis;
    }

    public int nodeId() {
        return nodeId;
    }

    public int jdbcBatchSize() {
        return jdbcBatchSize;
    }

    /** Sagas, two-phase commit and recovery settings. */
    public io.github.shardingorm.internal.config.CrossShardWrites crossShardWrites() {
        return crossShardWrites;
    }

    /** Threads for queries across shards; 0 means the default ({@code ShardingSettings.QUERY_PARALLELISM}). */
    public int queryParallelism() {
        return queryParallelism;
    }

    public Map<String, Object> hibernateProperties() {
        return hibernateProperties;
    }
}
