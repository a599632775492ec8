package io.github.shardingorm;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.internal.boot.ShardedPersistenceBootstrap;
import io.github.shardingorm.internal.config.ShardingConfiguration;
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
    private final Map<String, Integer> minimumIdles = new LinkedHashMap<>();
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
    private final Map<String, io.github.shardingorm.saga.SagaDefinition> sagas = new LinkedHashMap<>();
    private TwoPhaseCommitMode twoPhaseCommit;
    private Long twoPhaseGraceMillis;
    private Integer sagaMaxAttempts;
    private Long sagaBackoffMillis;
    private Long sagaLeaseMillis;
    private Long recoveryIntervalMillis;
    private Integer queryParallelism;
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
        Objects.requireNonNull(shardId, "shard id");
        maximumPoolSizes.put(shardId, setOnce(maximumPoolSizes.get(shardId), size, "maximum pool size of shard '" + shardId + "'"));
        return this;
    }

    /** Overrides the minimum idle connections of one shard (others use {@link #minimumIdle(int)}). */
    public ShardedPersistenceBuilder minimumIdle(String shardId, int minimumIdle) {
        Objects.requireNonNull(shardId, "shard id");
        minimumIdles.put(shardId, setOnce(minimumIdles.get(shardId), minimumIdle, "minimum idle of shard '" + shardId + "'"));
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
        this.strategy = setOnce(this.strategy, strategy, "strategy");
        return this;
    }

    /** The fixed number of buckets; default 4096. See {@link ShardingSettings#BUCKET_COUNT}. */
    public ShardedPersistenceBuilder bucketCount(int bucketCount) {
        this.bucketCount = setOnce(this.bucketCount, bucketCount, "bucket count");
        return this;
    }

    /** The schema action applied to every shard at start-up; default {@link SchemaAction#NONE}. */
    public ShardedPersistenceBuilder schema(SchemaAction action) {
        this.schemaAction = setOnce(this.schemaAction, action, "schema action");
        return this;
    }

    /** How long to wait for a shard connection before {@link ShardUnavailableException}; default 2 s, minimum 250 ms. */
    public ShardedPersistenceBuilder connectionTimeout(Duration timeout) {
        this.connectionTimeout = setOnce(this.connectionTimeout, timeout, "connection timeout");
        return this;
    }

    /** Maximum pool size of every shard's pool; default 10. */
    public ShardedPersistenceBuilder maximumPoolSize(int size) {
        this.maximumPoolSize = setOnce(this.maximumPoolSize, size, "maximum pool size");
        return this;
    }

    /** Minimum idle connections of every shard's pool; default: the maximum pool size. */
    public ShardedPersistenceBuilder minimumIdle(int minimumIdle) {
        this.minimumIdle = setOnce(this.minimumIdle, minimumIdle, "minimum idle");
        return this;
    }

    /** This JVM's node id (0..31) for {@link ShardedId}; default 0. */
    public ShardedPersistenceBuilder nodeId(int nodeId) {
        this.nodeId = setOnce(this.nodeId, nodeId, "node id");
        return this;
    }

    /** JDBC batch size; default 50. */
    public ShardedPersistenceBuilder jdbcBatchSize(int size) {
        this.jdbcBatchSize = setOnce(this.jdbcBatchSize, size, "JDBC batch size");
        return this;
    }

    /**
     * Threads running the per-shard statements of queries across shards; default two per shard
     * (at least 4, at most 64). 1 runs shards one after another. See {@link ShardingSettings#QUERY_PARALLELISM}.
     */
    public ShardedPersistenceBuilder queryParallelism(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("query parallelism must be between 1 and 1024 but was " + threads);
        }
        this.queryParallelism = setOnce(this.queryParallelism, threads, "query parallelism");
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
     * Registers a saga type; register the same types on every instance so that recovery can
     * resume any saga after a restart.
     *
     * @throws IllegalStateException when a saga of that type is already registered
     */
    public ShardedPersistenceBuilder saga(io.github.shardingorm.saga.SagaDefinition saga) {
        checkNotBuilt();
        Objects.requireNonNull(saga, "saga");
        if (sagas.putIfAbsent(saga.type(), saga) != null) {
            throw new IllegalStateException("saga type '" + saga.type() + "' was already registered");
        }
        return this;
    }

    /** Whether writes that span shards may or must use two-phase commit; default {@link TwoPhaseCommitMode#AUTO}. */
    public ShardedPersistenceBuilder twoPhaseCommit(TwoPhaseCommitMode mode) {
        twoPhaseCommit = setOnce(twoPhaseCommit, mode, "two-phase commit mode");
        return this;
    }

    /** Grace before recovery rolls back an undecided prepared transaction; default 5 s. See {@link ShardingSettings#TWO_PHASE_GRACE}. */
    public ShardedPersistenceBuilder twoPhaseGrace(Duration grace) {
        twoPhaseGraceMillis = once(twoPhaseGraceMillis, grace, 100, "two-phase grace");
        return this;
    }

    /**
     * Retry budget of saga steps (transient failures) and compensations; default 5 attempts, 200 ms
     * first backoff (doubling, at most 10 s).
     */
    public ShardedPersistenceBuilder sagaRetries(int maxAttempts, Duration firstBackoff) {
        checkNotBuilt();
        if (sagaMaxAttempts != null) {
            throw new IllegalStateException("saga retries were already set to " + sagaMaxAttempts + " attempts");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("saga max attempts must be at least 1 but was " + maxAttempts);
        }
        Objects.requireNonNull(firstBackoff, "first backoff");
        if (firstBackoff.isNegative()) {
            throw new IllegalArgumentException("saga retry backoff must not be negative but was " + firstBackoff);
        }
        sagaMaxAttempts = maxAttempts;
        sagaBackoffMillis = firstBackoff.toMillis();
        return this;
    }

    /** How long a saga stays claimed without progress before another instance may resume it; default 15 s. */
    public ShardedPersistenceBuilder sagaLease(Duration lease) {
        sagaLeaseMillis = once(sagaLeaseMillis, lease, 100, "saga lease");
        return this;
    }

    /** Period of background recovery; {@link Duration#ZERO} disables it (start-up recovery still runs); default 5 s. */
    public ShardedPersistenceBuilder recoveryInterval(Duration interval) {
        recoveryIntervalMillis = once(recoveryIntervalMillis, interval, 0, "recovery interval");
        return this;
    }

    /**
     * The one rule of every single-valued setting: not after build(), not null, not twice (the
     * message names the value already set).
     */
    private <V> V setOnce(V previous, V value, String what) {
        checkNotBuilt();
        Objects.requireNonNull(value, what);
        if (previous != null) {
            throw new IllegalStateException(what + " was already set to " + previous);
        }
        return value;
    }

    /** {@link #setOnce} for a duration kept in milliseconds, with a lower bound. */
    private Long once(Long previous, Duration value, long minimumMillis, String what) {
        checkNotBuilt();
        Objects.requireNonNull(value, what);
        if (previous != null) {
            throw new IllegalStateException(what + " was already set to " + previous + " ms");
        }
        if (value.toMillis() < minimumMillis) {
            throw new IllegalArgumentException(what + " must be at least " + minimumMillis + " ms but was " + value.toMillis() + " ms");
        }
        return value.toMillis();
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
        io.github.shardingorm.internal.config.WriteSettings d = io.github.shardingorm.internal.config.WriteSettings.DEFAULTS;
        ShardingConfiguration configuration = new ShardingConfiguration(
                shards, maximumPoolSizes, minimumIdles, new ArrayList<>(entities), strategy,
                bucketCount == null ? ShardingSettings.DEFAULT_BUCKET_COUNT : bucketCount,
                schemaAction == null ? SchemaAction.NONE : schemaAction,
                connectionTimeout == null ? ShardingSettings.DEFAULT_CONNECTION_TIMEOUT_MILLIS : connectionTimeout.toMillis(),
                maximumPoolSize == null ? ShardingSettings.DEFAULT_MAXIMUM_POOL_SIZE : maximumPoolSize,
                minimumIdle,
                nodeId == null ? 0 : nodeId,
                jdbcBatchSize == null ? ShardingSettings.DEFAULT_JDBC_BATCH_SIZE : jdbcBatchSize,
                hibernateProperties,
                new io.github.shardingorm.internal.config.CrossShardWrites(new ArrayList<>(sagas.values()),
                twoPhaseCommit == null ? TwoPhaseCommitMode.AUTO : twoPhaseCommit,
                new io.github.shardingorm.internal.config.WriteSettings(
                        sagaMaxAttempts == null ? d.maxAttempts() : sagaMaxAttempts,
                        sagaBackoffMillis == null ? d.backoffMillis() : sagaBackoffMillis,
                        d.maxBackoffMillis(),
                        sagaLeaseMillis == null ? d.leaseMillis() : sagaLeaseMillis,
                        recoveryIntervalMillis == null ? d.recoveryIntervalMillis() : recoveryIntervalMillis,
                        twoPhaseGraceMillis == null ? d.twoPhaseGraceMillis() : twoPhaseGraceMillis)),
                queryParallelism == null ? 0 : queryParallelism);
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
