package io.github.shardingorm;

import io.github.shardingorm.internal.boot.ShardedPersistenceBootstrap;
import io.github.shardingorm.internal.config.ShardingConfiguration;
import io.github.shardingorm.internal.config.ShardingConfigurationBuilder;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.spi.ShardingStrategy;
import java.time.Duration;

/**
 * Builds a {@link ShardedPersistence}. Each call checks its own argument at once; rules across
 * settings (duplicate shard ids, unknown shards in the strategy, entities without a key,
 * unreachable shards) are checked by {@link #build()}, which reports every problem in one
 * {@link ShardingConfigurationException}. A builder builds once.
 */
public final class ShardedPersistenceBuilder {

    /** The values given so far; each one left unset takes its default when the configuration is built. */
    private final ShardingConfigurationBuilder configuration = ShardingConfiguration.builder();
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
        configuration.shard(id, jdbcUrl, username, password);
        return this;
    }

    /**
     * Adds a shard whose connections come from a {@code DataSource} you manage (your own pool,
     * a container's): sharding-orm neither configures nor closes it, takes connections with
     * auto-commit off and gives them back as they came. Pool settings of this builder do not apply to it.
     *
     * @param id         the shard id, as for {@link #shard(String, String, String, String)}
     * @param dataSource the shard's connections; not null
     */
    public ShardedPersistenceBuilder shard(String id, javax.sql.DataSource dataSource) {
        checkNotBuilt();
        configuration.shard(id, dataSource);
        return this;
    }

    /**
     * Sets a HikariCP property of every pool sharding-orm runs, by HikariCP's own property name:
     * {@code maxLifetime}, {@code idleTimeout}, {@code keepaliveTime}, {@code leakDetectionThreshold}
     * (milliseconds), {@code metricsTrackerFactory} (an instance, or a class name), {@code healthCheckRegistry},
     * {@code connectionInitSql}, {@code dataSource.<driver property>}... Checked by {@link #build()}
     * before anything connects: an unknown name or a value of the wrong type is a configuration problem;
     * the settings sharding-orm owns ({@code jdbcUrl}, {@code username}, {@code password}, {@code poolName},
     * {@code autoCommit}, {@code maximumPoolSize}, {@code minimumIdle}, {@code connectionTimeout}) are refused.
     */
    public ShardedPersistenceBuilder poolProperty(String name, Object value) {
        checkNotBuilt();
        configuration.poolProperty(name, value);
        return this;
    }

    /** Sets a HikariCP property of one shard's pool, over {@link #poolProperty(String, Object)}. */
    public ShardedPersistenceBuilder poolProperty(String shardId, String name, Object value) {
        checkNotBuilt();
        configuration.poolProperty(shardId, name, value);
        return this;
    }

    /** HikariCP {@code maxLifetime} of every pool: a connection is retired after this long. */
    public ShardedPersistenceBuilder maxLifetime(Duration maxLifetime) {
        return poolProperty("maxLifetime", java.util.Objects.requireNonNull(maxLifetime, "max lifetime").toMillis());
    }

    /** HikariCP {@code idleTimeout} of every pool. */
    public ShardedPersistenceBuilder idleTimeout(Duration idleTimeout) {
        return poolProperty("idleTimeout", java.util.Objects.requireNonNull(idleTimeout, "idle timeout").toMillis());
    }

    /** HikariCP {@code keepaliveTime} of every pool. */
    public ShardedPersistenceBuilder keepaliveTime(Duration keepaliveTime) {
        return poolProperty("keepaliveTime", java.util.Objects.requireNonNull(keepaliveTime, "keepalive time").toMillis());
    }

    /** HikariCP {@code leakDetectionThreshold} of every pool: a connection held longer is logged as a possible leak. */
    public ShardedPersistenceBuilder leakDetectionThreshold(Duration threshold) {
        return poolProperty("leakDetectionThreshold", java.util.Objects.requireNonNull(threshold, "leak detection threshold").toMillis());
    }

    /** HikariCP's metrics tracker factory of every pool (e.g. Micrometer's {@code MicrometerMetricsTrackerFactory}). */
    public ShardedPersistenceBuilder metricsTrackerFactory(com.zaxxer.hikari.metrics.MetricsTrackerFactory factory) {
        return poolProperty("metricsTrackerFactory", java.util.Objects.requireNonNull(factory, "metrics tracker factory"));
    }

    /** Overrides the maximum pool size of one shard (others use {@link #maximumPoolSize(int)}). */
    public ShardedPersistenceBuilder maximumPoolSize(String shardId, int size) {
        checkNotBuilt();
        configuration.maximumPoolSize(shardId, size);
        return this;
    }

    /** Overrides the minimum idle connections of one shard (others use {@link #minimumIdle(int)}). */
    public ShardedPersistenceBuilder minimumIdle(String shardId, int minimumIdle) {
        checkNotBuilt();
        configuration.minimumIdle(shardId, minimumIdle);
        return this;
    }

    /** The entity classes; each must be an {@code @Entity} with exactly one {@link ShardKey}. */
    public ShardedPersistenceBuilder entities(Class<?>... entityClasses) {
        checkNotBuilt();
        for (Class<?> c : entityClasses) {
            configuration.entity(c);
        }
        return this;
    }

    /** The sharding strategy; default: {@code ShardingStrategies.hash()}. */
    public ShardedPersistenceBuilder strategy(ShardingStrategy strategy) {
        checkNotBuilt();
        configuration.strategy(strategy);
        return this;
    }

    /** The fixed number of buckets; default 4096. See {@link ShardingSettings#BUCKET_COUNT}. */
    public ShardedPersistenceBuilder bucketCount(int bucketCount) {
        checkNotBuilt();
        configuration.bucketCount(bucketCount);
        return this;
    }

    /** The schema action applied to every shard at start-up; default {@link SchemaAction#NONE}. */
    public ShardedPersistenceBuilder schema(SchemaAction action) {
        checkNotBuilt();
        configuration.schemaAction(action);
        return this;
    }

    /** How long to wait for a shard connection before {@link ShardUnavailableException}; default 2 s, minimum 250 ms. */
    public ShardedPersistenceBuilder connectionTimeout(Duration timeout) {
        checkNotBuilt();
        configuration.connectionTimeout(timeout);
        return this;
    }

    /** Maximum pool size of every shard's pool; default 10. */
    public ShardedPersistenceBuilder maximumPoolSize(int size) {
        checkNotBuilt();
        configuration.maximumPoolSize(size);
        return this;
    }

    /** Minimum idle connections of every shard's pool; default: the maximum pool size. */
    public ShardedPersistenceBuilder minimumIdle(int minimumIdle) {
        checkNotBuilt();
        configuration.minimumIdle(minimumIdle);
        return this;
    }

    /**
     * This JVM's node id (0..31) for {@link ShardedId}. With the stored topology (see the README)
     * leave it unset: a free node id is leased; a configured one is still leased and refused when a
     * live instance holds it. Without the stored topology: default 0, unchecked.
     */
    public ShardedPersistenceBuilder nodeId(int nodeId) {
        checkNotBuilt();
        configuration.nodeId(nodeId);
        return this;
    }

    /** JDBC batch size; default 50. */
    public ShardedPersistenceBuilder jdbcBatchSize(int size) {
        checkNotBuilt();
        configuration.jdbcBatchSize(size);
        return this;
    }

    /**
     * Threads running the per-shard statements of queries across shards; default two per shard
     * (at least 4, at most 64). 1 runs shards one after another. See {@link ShardingSettings#QUERY_PARALLELISM}.
     */
    public ShardedPersistenceBuilder queryParallelism(int threads) {
        checkNotBuilt();
        configuration.queryParallelism(threads);
        return this;
    }

    /**
     * A Hibernate setting passed through unchanged (e.g. {@code hibernate.show_sql}). Settings
     * that sharding-orm owns (connection, multi-tenancy, {@code hbm2ddl}) are rejected by build().
     */
    public ShardedPersistenceBuilder hibernateProperty(String name, Object value) {
        checkNotBuilt();
        configuration.hibernateProperty(name, value);
        return this;
    }

    /**
     * Registers a saga type; register the same types on every instance so that recovery can
     * resume any saga after a restart.
     *
     * @throws IllegalStateException when a saga of that type is already registered
     */
    public ShardedPersistenceBuilder saga(SagaDefinition saga) {
        checkNotBuilt();
        configuration.saga(saga);
        return this;
    }

    /** Whether writes that span shards may or must use two-phase commit; default {@link TwoPhaseCommitMode#AUTO}. */
    public ShardedPersistenceBuilder twoPhaseCommit(TwoPhaseCommitMode mode) {
        checkNotBuilt();
        configuration.twoPhaseCommit(mode);
        return this;
    }

    /**
     * What to cache: Hibernate's second-level cache (entities, collections, natural ids, queries) and
     * the cache-aside of keyed {@code findById}, each entry per shard, invalidated across instances.
     * Needs {@code org.hibernate.orm:hibernate-jcache} and a JCache provider (Caffeine's
     * {@code com.github.ben-manes.caffeine:jcache} by default) on the class path. Default: nothing cached.
     */
    public ShardedPersistenceBuilder cache(io.github.shardingorm.cache.CacheConfig cache) {
        checkNotBuilt();
        configuration.cache(cache);
        return this;
    }

    /** Grace before recovery rolls back an undecided prepared transaction; default 5 s. See {@link ShardingSettings#TWO_PHASE_GRACE}. */
    public ShardedPersistenceBuilder twoPhaseGrace(Duration grace) {
        checkNotBuilt();
        configuration.twoPhaseGrace(grace);
        return this;
    }

    /**
     * Retry budget of saga steps (transient failures) and compensations; default 5 attempts, 200 ms
     * first backoff (doubling, at most 10 s).
     */
    public ShardedPersistenceBuilder sagaRetries(int maxAttempts, Duration firstBackoff) {
        checkNotBuilt();
        configuration.sagaRetries(maxAttempts, firstBackoff);
        return this;
    }

    /** How long a saga stays claimed without progress before another instance may resume it; default 15 s. */
    public ShardedPersistenceBuilder sagaLease(Duration lease) {
        checkNotBuilt();
        configuration.sagaLease(lease);
        return this;
    }

    /** Period of background recovery; {@link Duration#ZERO} disables it (start-up recovery still runs); default 5 s. */
    public ShardedPersistenceBuilder recoveryInterval(Duration interval) {
        checkNotBuilt();
        configuration.recoveryInterval(interval);
        return this;
    }

    /**
     * How often the stored topology is polled when no notification arrives; a new version reaches
     * this instance within it at the latest (a notification brings it at once); default 250 ms.
     * See {@link ShardingSettings#TOPOLOGY_POLL_INTERVAL}.
     */
    public ShardedPersistenceBuilder topologyPollInterval(Duration interval) {
        checkNotBuilt();
        configuration.topologyPollInterval(interval);
        return this;
    }

    /**
     * Whether per-shard statistics ({@link ShardedPersistence#statistics()}) and hot-shard detection
     * are kept; on by default. Off, nothing is recorded unless a Micrometer registry is bound.
     */
    public ShardedPersistenceBuilder statistics(boolean on) {
        checkNotBuilt();
        configuration.statistics(on);
        return this;
    }

    /** The sliding window over which hot shards are detected; default 60 s, at least 1 s. */
    public ShardedPersistenceBuilder hotShardWindow(Duration window) {
        checkNotBuilt();
        configuration.hotShardWindow(window);
        return this;
    }

    /**
     * After how long without a successful read of the stored topology this instance refuses writes
     * ({@link ShardTopologyUnavailableException}) rather than route by a possibly stale map; default 5 s.
     * See {@link ShardingSettings#TOPOLOGY_STALE_AFTER}.
     */
    public ShardedPersistenceBuilder topologyStaleAfter(Duration bound) {
        checkNotBuilt();
        configuration.topologyStaleAfter(bound);
        return this;
    }

    /**
     * Turns the routing log on: logger {@code io.github.shardingorm.routing-log} (INFO) prints each
     * statement, the shards it went to and why; bind values are shown only with {@code showParameters}.
     */
    public ShardedPersistenceBuilder routingLog(boolean on, boolean showParameters) {
        checkNotBuilt();
        configuration.routingLog(on, showParameters);
        return this;
    }

    /**
     * How long this instance's node-id lease lives without renewal (renewed with every topology
     * poll); a killed instance's node id is free again after it; default 10 s.
     */
    public ShardedPersistenceBuilder nodeIdLease(Duration lease) {
        checkNotBuilt();
        configuration.nodeLease(lease);
        return this;
    }

    /**
     * How long completed and compensated sagas stay in the saga log before the recovery loop deletes
     * them; default 7 days, {@link Duration#ZERO} keeps them for ever.
     */
    public ShardedPersistenceBuilder sagaRetention(Duration retention) {
        checkNotBuilt();
        configuration.sagaRetention(retention);
        return this;
    }

    /**
     * Adds a hook called at every boundary of a saga and of a two-phase commit (see
     * {@link io.github.shardingorm.spi.CrossShardWriteListener}); listeners run in the order added.
     */
    public ShardedPersistenceBuilder crossShardWriteListener(io.github.shardingorm.spi.CrossShardWriteListener listener) {
        checkNotBuilt();
        configuration.crossShardWriteListener(listener);
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
        return ShardedPersistenceBootstrap.start(configuration.build());
    }

    private void checkNotBuilt() {
        if (built) {
            throw new IllegalStateException("this builder has already built a ShardedPersistence; use a new builder");
        }
    }

    @Override
    public String toString() {
        ShardingConfiguration c = configuration.build();
        return "ShardedPersistenceBuilder{shards=" + c.shards() + ", entities=" + c.entities() + "}";
    }
}
