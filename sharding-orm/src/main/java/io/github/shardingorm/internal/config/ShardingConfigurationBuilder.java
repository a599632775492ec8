package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.spi.ShardingStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Collects the values of a {@link ShardingConfiguration}, each checked as it is given: not null, not
 * twice (the message names the value already set), within its immediate bounds. {@link #build()}
 * takes every value left unset from {@link Defaults}; rules across values are the validator's.
 * The public {@code ShardedPersistenceBuilder} is a face over this one.
 */
public final class ShardingConfigurationBuilder {

    private final List<ShardDefinition> shards = new ArrayList<>();
    private final Set<Class<?>> entities = new LinkedHashSet<>();
    private SchemaAction schemaAction;
    // routing
    private ShardingStrategy strategy;
    private Integer bucketCount;
    private Integer nodeId;
    // pools
    private Duration connectionTimeout;
    private Integer maximumPoolSize;
    private Integer minimumIdle;
    private final Map<String, Integer> maximumPoolSizes = new LinkedHashMap<>();
    private final Map<String, Integer> minimumIdles = new LinkedHashMap<>();
    private final Map<String, Object> poolProperties = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> shardPoolProperties = new LinkedHashMap<>();
    // sessions
    private Integer jdbcBatchSize;
    private final Map<String, Object> hibernateProperties = new LinkedHashMap<>();
    // queries
    private Integer queryParallelism;
    // writes
    private final Map<String, SagaDefinition> sagas = new LinkedHashMap<>();
    private TwoPhaseCommitMode twoPhaseCommit;
    private Long twoPhaseGraceMillis;
    private Integer sagaMaxAttempts;
    private Long sagaBackoffMillis;
    private Long sagaLeaseMillis;
    private Long recoveryIntervalMillis;
    private Long topologyPollMillis;
    private Long topologyStaleAfterMillis;
    private Long fenceWaitMillis;
    private Long fencedWriteWaitMillis;
    private Long nodeLeaseMillis;
    // caches
    private io.github.shardingorm.cache.CacheConfig cache;
    // observability
    private Boolean statistics;
    private Long hotWindowMillis;
    private Boolean routingLog;
    private Boolean routingLogParameters;
    private Long sagaRetentionMillis;
    private final List<io.github.shardingorm.spi.CrossShardWriteListener> writeListeners = new ArrayList<>();
    // deadlines, health, replicas
    private final HealthConfigurationBuilder health = new HealthConfigurationBuilder();

    ShardingConfigurationBuilder() {
    }

    // ------------------------------------------------------------------ shards and entities

    public ShardingConfigurationBuilder shard(String id, String jdbcUrl, String username, String password) {
        Objects.requireNonNull(id, "shard id");
        Objects.requireNonNull(jdbcUrl, () -> "JDBC URL of shard '" + id + "'");
        shards.add(new ShardDefinition(id, jdbcUrl, username, password));
        return this;
    }

    /** A shard whose connections come from the user's own DataSource (its pool is the user's: not configured or closed here). */
    public ShardingConfigurationBuilder shard(String id, javax.sql.DataSource dataSource) {
        Objects.requireNonNull(id, "shard id");
        Objects.requireNonNull(dataSource, () -> "DataSource of shard '" + id + "'");
        shards.add(new ShardDefinition(id, null, null, null, dataSource));
        return this;
    }

    public ShardingConfigurationBuilder entity(Class<?> entityClass) {
        entities.add(Objects.requireNonNull(entityClass, "entity class"));
        return this;
    }

    public ShardingConfigurationBuilder schemaAction(SchemaAction action) {
        schemaAction = once(schemaAction, action, "schema action");
        return this;
    }

    // ------------------------------------------------------------------ routing

    public ShardingConfigurationBuilder strategy(ShardingStrategy strategy) {
        this.strategy = once(this.strategy, strategy, "strategy");
        return this;
    }

    public ShardingConfigurationBuilder bucketCount(int bucketCount) {
        this.bucketCount = once(this.bucketCount, bucketCount, "bucket count");
        return this;
    }

    public ShardingConfigurationBuilder nodeId(int nodeId) {
        this.nodeId = once(this.nodeId, nodeId, "node id");
        return this;
    }

    // ------------------------------------------------------------------ pools

    public ShardingConfigurationBuilder connectionTimeout(Duration timeout) {
        connectionTimeout = once(connectionTimeout, timeout, "connection timeout");
        return this;
    }

    public ShardingConfigurationBuilder maximumPoolSize(int size) {
        maximumPoolSize = once(maximumPoolSize, size, "maximum pool size");
        return this;
    }

    public ShardingConfigurationBuilder minimumIdle(int idle) {
        minimumIdle = once(minimumIdle, idle, "minimum idle");
        return this;
    }

    public ShardingConfigurationBuilder maximumPoolSize(String shardId, int size) {
        Objects.requireNonNull(shardId, "shard id");
        maximumPoolSizes.put(shardId, once(maximumPoolSizes.get(shardId), size, "maximum pool size of shard '" + shardId + "'"));
        return this;
    }

    public ShardingConfigurationBuilder minimumIdle(String shardId, int idle) {
        Objects.requireNonNull(shardId, "shard id");
        minimumIdles.put(shardId, once(minimumIdles.get(shardId), idle, "minimum idle of shard '" + shardId + "'"));
        return this;
    }

    /** A HikariCP property of every pool sharding-orm runs (by HikariCP's property name). */
    public ShardingConfigurationBuilder poolProperty(String name, Object value) {
        Objects.requireNonNull(name, "pool property name");
        Objects.requireNonNull(value, () -> "value of pool property " + name);
        poolProperties.put(name, value);
        return this;
    }

    /** A HikariCP property of one shard's pool, over the global ones. */
    public ShardingConfigurationBuilder poolProperty(String shardId, String name, Object value) {
        Objects.requireNonNull(shardId, "shard id");
        Objects.requireNonNull(name, "pool property name");
        Objects.requireNonNull(value, () -> "value of pool property " + name + " of shard '" + shardId + "'");
        shardPoolProperties.computeIfAbsent(shardId, k -> new LinkedHashMap<>()).put(name, value);
        return this;
    }

    // ------------------------------------------------------------------ sessions

    public ShardingConfigurationBuilder jdbcBatchSize(int size) {
        jdbcBatchSize = once(jdbcBatchSize, size, "JDBC batch size");
        return this;
    }

    public ShardingConfigurationBuilder hibernateProperty(String name, Object value) {
        Objects.requireNonNull(name, "property name");
        Objects.requireNonNull(value, () -> "value of " + name);
        hibernateProperties.put(name, value);
        return this;
    }

    // ------------------------------------------------------------------ queries

    public ShardingConfigurationBuilder queryParallelism(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("query parallelism must be between 1 and 1024 but was " + threads);
        }
        queryParallelism = once(queryParallelism, threads, "query parallelism");
        return this;
    }

    // ------------------------------------------------------------------ writes

    public ShardingConfigurationBuilder saga(SagaDefinition saga) {
        Objects.requireNonNull(saga, "saga");
        if (sagas.putIfAbsent(saga.type(), saga) != null) {
            throw new IllegalStateException("saga type '" + saga.type() + "' was already registered");
        }
        return this;
    }

    public ShardingConfigurationBuilder twoPhaseCommit(TwoPhaseCommitMode mode) {
        twoPhaseCommit = once(twoPhaseCommit, mode, "two-phase commit mode");
        return this;
    }

    public ShardingConfigurationBuilder twoPhaseGrace(Duration grace) {
        twoPhaseGraceMillis = onceMillis(twoPhaseGraceMillis, grace, 100, "two-phase grace");
        return this;
    }

    public ShardingConfigurationBuilder sagaRetries(int maxAttempts, Duration firstBackoff) {
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

    public ShardingConfigurationBuilder sagaLease(Duration lease) {
        sagaLeaseMillis = onceMillis(sagaLeaseMillis, lease, 100, "saga lease");
        return this;
    }

    public ShardingConfigurationBuilder recoveryInterval(Duration interval) {
        recoveryIntervalMillis = onceMillis(recoveryIntervalMillis, interval, 0, "recovery interval");
        return this;
    }

    // ------------------------------------------------------------------ caches

    public ShardingConfigurationBuilder cache(io.github.shardingorm.cache.CacheConfig config) {
        cache = once(cache, config, "cache configuration");
        return this;
    }

    // ------------------------------------------------------------------ observability

    public ShardingConfigurationBuilder statistics(boolean on) {
        statistics = once(statistics, on, "statistics");
        return this;
    }

    public ShardingConfigurationBuilder hotShardWindow(Duration window) {
        hotWindowMillis = onceMillis(hotWindowMillis, window, 1000, "hot-shard window");
        return this;
    }

    public ShardingConfigurationBuilder routingLog(boolean on, boolean showParameters) {
        routingLog = once(routingLog, on, "routing log");
        routingLogParameters = showParameters;
        return this;
    }

    public ShardingConfigurationBuilder sagaRetention(Duration retention) {
        sagaRetentionMillis = onceMillis(sagaRetentionMillis, retention, 0, "saga retention");
        return this;
    }

    public ShardingConfigurationBuilder crossShardWriteListener(io.github.shardingorm.spi.CrossShardWriteListener listener) {
        writeListeners.add(Objects.requireNonNull(listener, "cross-shard write listener"));
        return this;
    }

    // ------------------------------------------------------------------ deadlines, health, replicas

    /** The setters of deadlines, breakers and replicas (their own builder, their own records). */
    public HealthConfigurationBuilder health() {
        return health;
    }

    // ------------------------------------------------------------------ build

    /** How often the stored topology is polled when no notification arrives. */
    public ShardingConfigurationBuilder topologyPollInterval(Duration interval) {
        topologyPollMillis = onceMillis(topologyPollMillis, interval, 10, "topology poll interval");
        return this;
    }

    /** After how long without reading the stored topology writes are refused. */
    public ShardingConfigurationBuilder topologyStaleAfter(Duration bound) {
        topologyStaleAfterMillis = onceMillis(topologyStaleAfterMillis, bound, 100, "topology stale-after");
        return this;
    }

    /** How long a node-id lease lives without renewal. */
    public ShardingConfigurationBuilder nodeLease(Duration lease) {
        nodeLeaseMillis = onceMillis(nodeLeaseMillis, lease, 1000, "node-id lease");
        return this;
    }

    /** How long keyed work refused by a FENCED bucket waits for the switch (0: no wait). */
    public ShardingConfigurationBuilder fencedWriteWait(Duration wait) {
        fencedWriteWaitMillis = onceMillis(fencedWriteWaitMillis, wait, 0, "fenced write wait");
        return this;
    }

    /** How long a fence waits for older transactions. */
    public ShardingConfigurationBuilder fenceWait(Duration wait) {
        fenceWaitMillis = onceMillis(fenceWaitMillis, wait, 0, "fence wait");
        return this;
    }

    /** The configuration, with {@link Defaults} for every value not given. Not validated yet. */
    public ShardingConfiguration build() {
        WriteSettings writeDefaults = WriteSettings.DEFAULTS;
        return new ShardingConfiguration(
                shards,
                new ArrayList<>(entities),
                or(schemaAction, Defaults.SCHEMA_ACTION),
                new RoutingSettings(strategy != null ? strategy : Defaults.strategy(),
                        or(bucketCount, Defaults.BUCKET_COUNT),
                        or(nodeId, Defaults.NODE_ID), nodeId != null),
                new PoolSettings(connectionTimeout != null ? connectionTimeout.toMillis() : Defaults.CONNECTION_TIMEOUT_MILLIS,
                        or(maximumPoolSize, Defaults.MAXIMUM_POOL_SIZE),
                        minimumIdle != null ? minimumIdle : Defaults.MINIMUM_IDLE,
                        maximumPoolSizes, minimumIdles, poolProperties, shardPoolProperties),
                new SessionSettings(or(jdbcBatchSize, Defaults.JDBC_BATCH_SIZE), hibernateProperties),
                new QuerySettings(queryParallelism != null ? queryParallelism : Defaults.queryParallelism(shards.size())),
                new CrossShardWrites(new ArrayList<>(sagas.values()), or(twoPhaseCommit, Defaults.TWO_PHASE_COMMIT),
                        new WriteSettings(
                                or(sagaMaxAttempts, writeDefaults.maxAttempts()),
                                or(sagaBackoffMillis, writeDefaults.backoffMillis()),
                                writeDefaults.maxBackoffMillis(),
                                or(sagaLeaseMillis, writeDefaults.leaseMillis()),
                                or(recoveryIntervalMillis, writeDefaults.recoveryIntervalMillis()),
                                or(twoPhaseGraceMillis, writeDefaults.twoPhaseGraceMillis()))),
                new TopologySettings(or(topologyPollMillis, TopologySettings.DEFAULTS.pollIntervalMillis()),
                        or(topologyStaleAfterMillis, TopologySettings.DEFAULTS.staleAfterMillis()),
                        or(fenceWaitMillis, TopologySettings.DEFAULTS.fenceWaitMillis()),
                        or(nodeLeaseMillis, TopologySettings.DEFAULTS.nodeLeaseMillis()),
                        or(fencedWriteWaitMillis, TopologySettings.DEFAULTS.fencedWriteWaitMillis())),
                or(cache, io.github.shardingorm.cache.CacheConfig.disabled()),
                new ObservabilitySettings(or(statistics, Defaults.STATISTICS), or(hotWindowMillis, Defaults.HOT_WINDOW_MILLIS),
                        or(routingLog, Defaults.ROUTING_LOG), or(routingLogParameters, Defaults.ROUTING_LOG_PARAMETERS),
                        or(sagaRetentionMillis, Defaults.SAGA_RETENTION_MILLIS), writeListeners),
                health.healthSettings(),
                health.replicaSettings());
    }

    /** The value, or the default when it was never set (shared with {@link HealthConfigurationBuilder}). */
    static <V> V or(V value, V otherwise) {
        return value != null ? value : otherwise;
    }

    /** The one rule of every single-valued setting: not null, not twice (the message names the value already set). */
    static <V> V once(V previous, V value, String what) {
        Objects.requireNonNull(value, what);
        if (previous != null) {
            throw new IllegalStateException(what + " was already set to " + previous);
        }
        return value;
    }

    /** {@link #once} for a duration kept in milliseconds, with a lower bound. */
    static Long onceMillis(Long previous, Duration value, long minimumMillis, String what) {
        Objects.requireNonNull(value, what);
        if (previous != null) {
            throw new IllegalStateException(what + " was already set to " + previous + " ms");
        }
        if (value.toMillis() < minimumMillis) {
            throw new IllegalArgumentException(what + " must be at least " + minimumMillis + " ms but was " + value.toMillis() + " ms");
        }
        return value.toMillis();
    }
}
