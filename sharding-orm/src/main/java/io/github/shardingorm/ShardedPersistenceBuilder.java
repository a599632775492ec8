package io.github.shardingorm;

import io.github.shardingorm.internal.boot.ShardedPersistenceBootstrap;
import io.github.shardingorm.internal.config.ShardingConfiguration;
import io.github.shardingorm.internal.config.ShardingConfigurationBuilder;
import io.github.shardingorm.health.ReadFallback;
import io.github.shardingorm.health.ReadFrom;
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
    /** The shard {@link #replica} calls attach to; with its credentials. */
    private String lastShardId;
    private String lastUsername;
    private String lastPassword;

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
        lastShardId = id;
        lastUsername = username;
        lastPassword = password;
        return this;
    }

    /**
     * Adds a streaming replica to the shard added last ({@code shard("s1", url, user, pw).replica(r1).replica(r2)}),
     * with that shard's credentials. Read-only work may read there (see {@link #readFrom(ReadFrom)});
     * writes never do. {@link #build()} refuses a replica that is a primary ({@code pg_is_in_recovery()}
     * false) or replicates another database; an unreachable replica is only logged and starts {@code DOWN}.
     *
     * @throws IllegalStateException when no shard was added before
     */
    public ShardedPersistenceBuilder replica(String jdbcUrl) {
        return replica(jdbcUrl, lastUsername, lastPassword);
    }

    /** Like {@link #replica(String)}, with its own credentials (the password is never logged or printed). */
    public ShardedPersistenceBuilder replica(String jdbcUrl, String username, String password) {
        checkNotBuilt();
        if (lastShardId == null) {
            throw new IllegalStateException("replica(" + io.github.shardingorm.internal.config.JdbcUrls.mask(String.valueOf(jdbcUrl))
                    + ") needs a shard first: shard(id, url, user, password).replica(url)");
        }
        configuration.health().replica(lastShardId, jdbcUrl, username, password);
        return this;
    }

    /** Adds a streaming replica to the shard {@code shardId} (which may be added later). */
    public ShardedPersistenceBuilder replica(String shardId, String jdbcUrl, String username, String password) {
        checkNotBuilt();
        configuration.health().replica(shardId, jdbcUrl, username, password);
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

    // ------------------------------------------------------------------ deadlines, health, replicas

    /**
     * pgjdbc's {@code socketTimeout} on every shard connection: the longest wait for any answer, so
     * that a hung server fails the call, naming the shard. Default 35 s (above the statement timeout);
     * {@link Duration#ZERO} disables it. pgjdbc counts whole seconds (rounded up).
     */
    public ShardedPersistenceBuilder socketTimeout(Duration timeout) {
        checkNotBuilt();
        configuration.health().socketTimeout(timeout);
        return this;
    }

    /** Overrides {@link #socketTimeout(Duration)} for one shard. */
    public ShardedPersistenceBuilder socketTimeout(String shardId, Duration timeout) {
        checkNotBuilt();
        configuration.health().socketTimeout(shardId, timeout);
        return this;
    }

    /**
     * PostgreSQL's {@code statement_timeout} on every shard connection; default 30 s, {@link Duration#ZERO}
     * disables it. Per call: Hibernate's query timeout ({@code query.setTimeout}), or a fan-out's
     * {@code timeout(...)}.
     */
    public ShardedPersistenceBuilder statementTimeout(Duration timeout) {
        checkNotBuilt();
        configuration.health().statementTimeout(timeout);
        return this;
    }

    /** Overrides {@link #statementTimeout(Duration)} for one shard. */
    public ShardedPersistenceBuilder statementTimeout(String shardId, Duration timeout) {
        checkNotBuilt();
        configuration.health().statementTimeout(shardId, timeout);
        return this;
    }

    /** Consecutive failures (calls or probes) that open a shard's circuit breaker; default 3. */
    public ShardedPersistenceBuilder failureThreshold(int failures) {
        checkNotBuilt();
        configuration.health().failureThreshold(failures);
        return this;
    }

    /**
     * The health probe of every primary and replica, on its own connection (not from the pools):
     * default every 250 ms (also the period of replica lag samples), 2 s deadline (at least 1 s).
     */
    public ShardedPersistenceBuilder healthProbe(Duration interval, Duration timeout) {
        checkNotBuilt();
        configuration.health().probe(interval, timeout);
        return this;
    }

    /** Where read-only work reads by default; default {@link ReadFrom#REPLICA_PREFERRED} (the primary when a shard has no replica). */
    public ShardedPersistenceBuilder readFrom(ReadFrom readFrom) {
        checkNotBuilt();
        configuration.health().readFrom(readFrom);
        return this;
    }

    /** A replica lagging more than this gets no reads until it catches up; default 1 s. */
    public ShardedPersistenceBuilder maxReplicaLag(Duration lag) {
        checkNotBuilt();
        configuration.health().maxReplicaLag(lag);
        return this;
    }

    /** How long a read waits for a replica to replay the caller's writes before it reads the primary; default 100 ms. */
    public ShardedPersistenceBuilder readYourWritesWait(Duration wait) {
        checkNotBuilt();
        configuration.health().readYourWritesWait(wait);
        return this;
    }

    /**
     * The cap on reads of one shard falling back to its primary at the same time because no replica
     * qualifies (default 5), and what reads do beyond it (default {@link ReadFallback#FAIL}).
     */
    public ShardedPersistenceBuilder primaryFallback(int permits, ReadFallback beyond) {
        checkNotBuilt();
        configuration.health().primaryFallback(permits, beyond);
        return this;
    }

    /** The lag bound of {@link ReadFallback#STALE} reads and of replica reads while the primary is down; default 30 s. */
    public ShardedPersistenceBuilder maxStaleness(Duration staleness) {
        checkNotBuilt();
        configuration.health().maxStaleness(staleness);
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
     * How long keyed work in its own transaction, refused because its bucket is in a move's final
     * stage, waits (no CPU) for this instance to adopt the switch and then runs again on the new owner;
     * when the wait ends first, the retryable {@link ShardTopologyChangedException} is thrown. Default
     * 2 s; {@link Duration#ZERO}: no wait (the refusal is thrown unless this instance has already adopted the switch). See {@link ShardingSettings#FENCED_WRITE_WAIT}.
     */
    public ShardedPersistenceBuilder fencedWriteWait(Duration wait) {
        checkNotBuilt();
        configuration.fencedWriteWait(wait);
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
        return "ShardedPersistenceBuilder{shards=" + c.shards() + ", replicas=" + c.replicas().replicas()
                + ", entities=" + c.entities() + "}";
    }
}
