package io.github.shardingorm;

import io.github.shardingorm.internal.boot.ShardDefinition;
import io.github.shardingorm.internal.boot.ShardedPersistenceBootstrap;
import io.github.shardingorm.internal.boot.ShardingConfiguration;
import io.github.shardingorm.spi.ShardingStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a {@link ShardedPersistence}. Each call checks its own argument at once; rules across
 * settings (duplicate shard ids, unknown shards in the strategy, entities without a key,
 * unreachable shards) are checked by {@link #build()}, which reports every problem in one
 * {@link ShardingConfigurationException}. A builder builds once.
 */
public final class ShardedPersistenceBuilder {

    private final List<ShardDefinition> shards = new ArrayList<>();
    private final Map<String, Integer> maximumPoolSizes = new LinkedHashMap<>();
    private final Set<Class<?>> entities = new LinkedHashSet<>();
    private final Map<String, Object> hibernateProperties = new LinkedHashMap<>();
    private ShardingStrategy strategy;
    private Integer bucketCount;
    private SchemaAction schemaAction;
    private Duration connectionTimeout;
    private Integer maximumPoolSize;
    private Integer minimumIdle;
    private Integer nodeId;
    private Integer jdbcBatchSize;
    private boolean built;

    ShardedPersistenceBuilder() {
    }

    /**
     * Adds a shard.
     *
     * @param id       the shard id, also the Hibernate tenant identifier: letters, digits, '_' or '-'
     * @param jdbcUrl  the JDBC URL of the shard's database
     * @param username the user, may be null
     * @param password the password, may be null; never logged or printed
     */
    public ShardedPersistenceBuilder shard(String id, String jdbcUrl, String username, String password) {
        checkNotBuilt();
        Objects.requireNonNull(id, "shard id");
        Objects.requireNonNull(jdbcUrl, () -> "JDBC URL of shard '" + id + "'");
        shards.add(new ShardDefinition(id, jdbcUrl, username, password));
        return this;
    }

    /** Overrides the maximum pool size of one shard (others use {@link #maximumPoolSize(int)}). */
    public ShardedPersistenceBuilder maximumPoolSize(String shardId, int size) {
        checkNotBuilt();
        Objects.requireNonNull(shardId, "shard id");
        Integer previous = maximumPoolSizes.putIfAbsent(shardId, size);
        if (previous != null) {
            throw new IllegalStateException("maximum pool size of shard '" + shardId + "' was already set to " + previous);
        }
        return this;
    }

    /** The entity classes; each must be an {@code @Entity} with exactly one {@link ShardKey}. */
    public ShardedPersistenceBuilder entities(Class<?>... entityClasses) {
        checkNotBuilt();
        for (Class<?> c : entityClasses) {
            entities.add(Objects.requireNonNull(c, "entity class"));
        }
        return this;
    }

    /** The sharding strategy; default: {@code ShardingStrategies.hash()}. */
    public ShardedPersistenceBuilder strategy(ShardingStrategy strategy) {
        checkNotBuilt();
        Objects.requireNonNull(strategy, "strategy");
        if (this.strategy != null) {
            throw new IllegalStateException("strategy was already set to " + this.strategy);
        }
        this.strategy = strategy;
        return this;
    }

    /** The fixed number of buckets; default 4096. See {@link ShardingSettings#BUCKET_COUNT}. */
    public ShardedPersistenceBuilder bucketCount(int bucketCount) {
        checkNotBuilt();
        if (this.bucketCount != null) {
            throw new IllegalStateException("bucket count was already set to " + this.bucketCount);
        }
        this.bucketCount = bucketCount;
        return this;
    }

    /** The schema action applied to every shard at start-up; default {@link SchemaAction#NONE}. */
    public ShardedPersistenceBuilder schema(SchemaAction action) {
        checkNotBuilt();
        Objects.requireNonNull(action, "schema action");
        if (this.schemaAction != null) {
            throw new IllegalStateException("schema action was already set to " + this.schemaAction);
        }
        this.schemaAction = action;
        return this;
    }

    /** How long to wait for a shard connection before {@link ShardUnavailableException}; default 2 s, minimum 250 ms. */
    public ShardedPersistenceBuilder connectionTimeout(Duration timeout) {
        checkNotBuilt();
        Objects.requireNonNull(timeout, "connection timeout");
        if (this.connectionTimeout != null) {
            throw new IllegalStateException("connection timeout was already set to " + this.connectionTimeout);
        }
        this.connectionTimeout = timeout;
        return this;
    }

    /** Maximum pool size of every shard's pool; default 10. */
    public ShardedPersistenceBuilder maximumPoolSize(int size) {
        checkNotBuilt();
        if (this.maximumPoolSize != null) {
            throw new IllegalStateException("maximum pool size was already set to " + this.maximumPoolSize);
        }
        this.maximumPoolSize = size;
        return this;
    }

    /** Minimum idle connections of every shard's pool; default: the maximum pool size. */
    public ShardedPersistenceBuilder minimumIdle(int minimumIdle) {
        checkNotBuilt();
        if (this.minimumIdle != null) {
            throw new IllegalStateException("minimum idle was already set to " + this.minimumIdle);
        }
        this.minimumIdle = minimumIdle;
        return this;
    }

    /** This JVM's node id (0..31) for {@link ShardedId}; default 0. */
    public ShardedPersistenceBuilder nodeId(int nodeId) {
        checkNotBuilt();
        if (this.nodeId != null) {
            throw new IllegalStateException("node id was already set to " + this.nodeId);
        }
        this.nodeId = nodeId;
        return this;
    }

    /** JDBC batch size; default 50. */
    public ShardedPersistenceBuilder jdbcBatchSize(int size) {
        checkNotBuilt();
        if (this.jdbcBatchSize != null) {
            throw new IllegalStateException("JDBC batch size was already set to " + this.jdbcBatchSize);
        }
        this.jdbcBatchSize = size;
        return this;
    }

    /**
     * A Hibernate setting passed through unchanged (e.g. {@code hibernate.show_sql}). Settings
     * that sharding-orm owns (connection, multi-tenancy, {@code hbm2ddl}) are rejected by build().
     */
    public ShardedPersistenceBuilder hibernateProperty(String name, Object value) {
        checkNotBuilt();
        Objects.requireNonNull(name, "property name");
        Objects.requireNonNull(value, () -> "value of " + name);
        hibernateProperties.put(name, value);
        return this;
    }

    /**
     * Validates the whole configuration, starts one pool per shard, checks every shard can be
     * reached, starts Hibernate and applies the schema action to every shard.
     *
     * @throws ShardingConfigurationException listing every problem found
     */
    public ShardedPersistence build() {
        checkNotBuilt();
        built = true;
        ShardingConfiguration configuration = new ShardingConfiguration(
                shards, maximumPoolSizes, new ArrayList<>(entities), strategy,
                bucketCount == null ? ShardingSettings.DEFAULT_BUCKET_COUNT : bucketCount,
                schemaAction == null ? SchemaAction.NONE : schemaAction,
                connectionTimeout == null ? ShardingSettings.DEFAULT_CONNECTION_TIMEOUT_MILLIS : connectionTimeout.toMillis(),
                maximumPoolSize == null ? ShardingSettings.DEFAULT_MAXIMUM_POOL_SIZE : maximumPoolSize,
                minimumIdle,
                nodeId == null ? 0 : nodeId,
                jdbcBatchSize == null ? ShardingSettings.DEFAULT_JDBC_BATCH_SIZE : jdbcBatchSize,
                hibernateProperties);
        return ShardedPersistenceBootstrap.start(configuration);
    }

    private void checkNotBuilt() {
        if (built) {
            throw new IllegalStateException("this builder has already built a ShardedPersistence; use a new builder");
        }
    }

    @Override
    public String toString() {
        return "ShardedPersistenceBuilder{shards=" + shards + ", entities=" + Arrays.toString(entities.toArray()) + "}";
    }
}
