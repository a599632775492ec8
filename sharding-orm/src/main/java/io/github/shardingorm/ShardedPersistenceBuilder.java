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
        checkNotBuilt();
        Objects.requireNonNull(shardId, "shard id");
        Integer previous = maximumPoolSizes.putIfAbsent(shardId, size);
        if (previous != null) {
            throw new IllegalStateException("maximum pool size of shard '" + shardId + "' was already set to " + previous);
        }
        return this;
    }

    /** Overrides the minimum idle connections of one shard (others use {@link #minimumIdle(int)}). */
    public ShardedPersistenceBuilder minimumIdle(String shardId, int minimumIdle) {
        checkNotBuilt();
        Objects.requireNonNull(shardId, "shard id");
        Integer previous = minimumIdles.putIfAbsent(shardId, minimumIdle);
        if (previous != null) {
            throw new IllegalStateException("minimum idle of shard '" + shardId + "' was already set to " + previous);
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
     * Threads running the per-shard statements of queries across shards; default two per shard
     * (at least 4, at most 64). 1 runs shards one after another. See {@link ShardingSettings#QUERY_PARALLELISM}.
     */
    public ShardedPersistenceBuilder queryParallelism(int threads) {
        checkNotBuilt();
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("query parallelism must be between 1 and 1024 but was " + threads);
        }
        if (this.queryParallelism != null) {
            throw new IllegalStateException("query parallelism was already set to " + this.queryParallelism);
        }
        this.queryParallelism = threads;
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
        checkNotBuilt();
        Objects.requireNonNull(mode, "two-phase commit mode");
        if (twoPhaseCommit != null) {
            throw new IllegalStateException("two-phase commit mode was already set to " + twoPhaseCommit);
        }
        twoPhaseCommit = mode;
        return this;
    }

    /** Grace before recovery rolls back an undecided prepared transaction; default 5 s. See {@link ShardingSettings#TWO_PHASE_GRACE}. */
    public ShardedPersistenceBuilder twoPhaseGrace(Duration grace) {
        checkNotBuilt();
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
        checkNotBuilt();
        sagaLeaseMillis = once(sagaLeaseMillis, lease, 100, "saga lease");
        return this;
    }

    /** Period of background recovery; {@link Duration#ZERO} disables it (start-up recovery still runs); default 5 s. */
    public ShardedPersistenceBuilder recoveryInterval(Duration interval) {
        checkNotBuilt();
        recoveryIntervalMillis = once(recoveryIntervalMillis, interval, 0, "recovery interval");
        return this;
    }

    private static Long once(Long previous, Duration value, long minimumMillis, String what) {
        if (previous != null) {
            throw new IllegalStateException(what + " was already set to " + previous + " ms");
        }
        Objects.requireNonNull(value, what);
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
        ShardingConfiguration configuration = new ShardingConfiguration(
                shards, maximumPoolSizes, minimumIdles, new ArrayList<>(entities), strategy,
                bucketCount == null ? ShardingSettings.DEFAULT_BUCKET_COUNT : bucketCount,
                schemaAction == null ? SchemaAction.NONE : schemaAction,
                connectionTimeout == null ? ShardingSettings.DEFAULT_CONNECTION_TIMEOUT_MILLIS : connectionTimeout.toMillis(),
                maximumPoolSize == null ? ShardingSettings.DEFAULT_MAXIMUM_POOL_SIZE : maximumPoolSize,
                minimumIdle,
                nodeId == null ? 0 : nodeId,
                jdbcBatchSize == null ? ShardingSettings.DEFAULT_JDBC_BATCH_SIZE : jdbcBatchSize,
                hibernateProperties);
        io.github.shardingorm.internal.saga.WriteSettings d = io.github.shardingorm.internal.saga.WriteSettings.DEFAULTS;
        configuration.crossShardWrites(new io.github.shardingorm.internal.saga.CrossShardWrites(new ArrayList<>(sagas.values()),
                twoPhaseCommit == null ? TwoPhaseCommitMode.AUTO : twoPhaseCommit,
                new io.github.shardingorm.internal.saga.WriteSettings(
                        sagaMaxAttempts == null ? d.maxAttempts() : sagaMaxAttempts,
                        sagaBackoffMillis == null ? d.backoffMillis() : sagaBackoffMillis,
                        d.maxBackoffMillis(),
                        sagaLeaseMillis == null ? d.leaseMillis() : sagaLeaseMillis,
                        recoveryIntervalMillis == null ? d.recoveryIntervalMillis() : recoveryIntervalMillis,
                        twoPhaseGraceMillis == null ? d.twoPhaseGraceMillis() : twoPhaseGraceMillis)));
        configuration.queryParallelism(queryParallelism == null ? 0 : queryParallelism);
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
