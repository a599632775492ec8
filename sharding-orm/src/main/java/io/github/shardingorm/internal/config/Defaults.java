package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.health.ReadFallback;
import io.github.shardingorm.health.ReadFrom;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.spi.ShardingStrategy;

/**
 * Every default of a sharded persistence unit, and only here. {@code ShardingSettings} documents
 * each key with the same value ({@code DefaultsTest} keeps the two in step); the builder
 * ({@link ShardingConfigurationBuilder}) fills every value left unset from these.
 *
 * <p>Grouped by concern, in the order of {@link ShardingConfiguration}'s components. A new concern
 * adds its group here.
 */
public final class Defaults {

    private Defaults() {
    }

    // ------------------------------------------------------------------ routing

    /** {@code sharding.strategy=hash}: bucketed xxHash64 over a uniform shard map. */
    public static final String STRATEGY_NAME = "hash";
    /** {@code sharding.buckets}. */
    public static final int BUCKET_COUNT = 4096;
    /** {@code sharding.strategy.virtual-nodes}, for consistent hashing. */
    public static final int VIRTUAL_NODES = 256;
    /** {@code sharding.shard.<id>.weight}, for the weighted strategy. */
    public static final int SHARD_WEIGHT = 1;
    /** {@code sharding.node-id}. */
    public static final int NODE_ID = 0;

    /** The strategy named by {@link #STRATEGY_NAME}. */
    public static ShardingStrategy strategy() {
        return ShardingStrategies.hash();
    }

    // ------------------------------------------------------------------ schema

    /** {@code sharding.schema-action}. */
    public static final SchemaAction SCHEMA_ACTION = SchemaAction.NONE;

    // ------------------------------------------------------------------ pools

    /** {@code sharding.connection-timeout}. */
    public static final long CONNECTION_TIMEOUT_MILLIS = 2000;
    /** {@code sharding.maximum-pool-size}. */
    public static final int MAXIMUM_POOL_SIZE = 10;
    /**
     * {@code sharding.minimum-idle}: none, meaning the maximum pool size (a fixed-size pool, as
     * HikariCP recommends).
     */
    public static final Integer MINIMUM_IDLE = null;

    // ------------------------------------------------------------------ sessions

    /** {@code sharding.jdbc-batch-size}. */
    public static final int JDBC_BATCH_SIZE = 50;

    // ------------------------------------------------------------------ queries across shards

    /** {@code sharding.query.parallelism}: two threads per shard, at least 4, at most 64. */
    public static int queryParallelism(int shards) {
        return Math.max(4, Math.min(64, 2 * shards));
    }

    // ------------------------------------------------------------------ writes across shards

    /** {@code sharding.two-phase-commit}. */
    public static final TwoPhaseCommitMode TWO_PHASE_COMMIT = TwoPhaseCommitMode.AUTO;
    /** {@code sharding.two-phase-commit.grace}. */
    public static final long TWO_PHASE_GRACE_MILLIS = 5_000;
    /** {@code sharding.saga.max-attempts}. */
    public static final int SAGA_MAX_ATTEMPTS = 5;
    /** {@code sharding.saga.retry-backoff}: the first wait; it doubles per attempt. */
    public static final long SAGA_RETRY_BACKOFF_MILLIS = 200;
    /** The longest wait between two retries (not a setting). */
    public static final long SAGA_MAX_BACKOFF_MILLIS = 10_000;
    /** {@code sharding.saga.lease}. */
    public static final long SAGA_LEASE_MILLIS = 15_000;
    /** {@code sharding.recovery-interval}. */
    public static final long RECOVERY_INTERVAL_MILLIS = 5_000;

    // ------------------------------------------------------------------ stored topology

    /** {@code sharding.topology.poll-interval}: a new version reaches every instance within this (NOTIFY: at once). */
    public static final long TOPOLOGY_POLL_INTERVAL_MILLIS = 250;
    /** {@code sharding.topology.stale-after}: writes refused after this long without reading the topology. */
    public static final long TOPOLOGY_STALE_AFTER_MILLIS = 5_000;
    /** {@code sharding.topology.fence-wait}: how long a fence waits for older transactions. */
    public static final long FENCE_WAIT_MILLIS = 30_000;
    /** {@code sharding.node-id.lease}: a node-id lease not renewed for this long may be taken by another instance. */
    public static final long NODE_LEASE_MILLIS = 10_000;
    /** How long keyed work refused by a FENCED bucket waits for the switch before the refusal is thrown. */
    public static final long FENCED_WRITE_WAIT_MILLIS = 2_000;

    // ------------------------------------------------------------------ caches

    /** Entries of a cache region not sized by name. */
    public static final long CACHE_MAXIMUM_ENTRIES = 10_000;
    /** Time to live after write of a cache region not sized by name. */
    public static final long CACHE_TIME_TO_LIVE_MILLIS = 600_000;
    /** The JCache provider: Caffeine's. */
    public static final String CACHE_PROVIDER = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";
    /** Invalidation across instances: on when every shard is PostgreSQL. */
    public static final io.github.shardingorm.cache.CacheConfig.Invalidation CACHE_INVALIDATION =
            io.github.shardingorm.cache.CacheConfig.Invalidation.AUTO;
    /** The PostgreSQL notification channel of cache invalidations (not a setting). */
    public static final String CACHE_CHANNEL = "shorm_cache";
    /** Wait before a cache listener reconnects after losing its connection; doubles up to 5 s (not a setting). */
    public static final long CACHE_LISTENER_RECONNECT_MILLIS = 100;

    // ------------------------------------------------------------------ observability

    /** {@code sharding.statistics}. */
    public static final boolean STATISTICS = true;
    /** {@code sharding.statistics.hot-window}. */
    public static final long HOT_WINDOW_MILLIS = 60_000;
    /** {@code sharding.routing-log}. */
    public static final boolean ROUTING_LOG = false;
    /** {@code sharding.routing-log.parameters}. */
    public static final boolean ROUTING_LOG_PARAMETERS = false;
    /** {@code sharding.saga.retention}: 7 days. */
    public static final long SAGA_RETENTION_MILLIS = 7L * 24 * 3600 * 1000;

    // ------------------------------------------------------------------ deadlines and health (issue 14)

    /**
     * {@code sharding.socket-timeout}: pgjdbc's {@code socketTimeout}, the longest wait for any
     * answer; a little above the statement timeout, so that a slow statement is cancelled by the
     * server (SQLState 57014) before the socket gives up, and only a hung server hits this.
     */
    public static final long SOCKET_TIMEOUT_MILLIS = 35_000;
    /** {@code sharding.statement-timeout}: PostgreSQL's {@code statement_timeout} on the pools' connections. */
    public static final long STATEMENT_TIMEOUT_MILLIS = 30_000;
    /** {@code sharding.health.failure-threshold}: consecutive failures that open a shard's breaker. */
    public static final int FAILURE_THRESHOLD = 3;
    /** {@code sharding.health.probe-interval}: also the period of replica lag samples. */
    public static final long PROBE_INTERVAL_MILLIS = 250;
    /** {@code sharding.health.probe-timeout}. */
    public static final long PROBE_TIMEOUT_MILLIS = 2_000;
    /** The longest wait between two probes of an open breaker (not a setting): UP within about this of healing. */
    public static final long PROBE_MAX_BACKOFF_MILLIS = 1_000;

    // ------------------------------------------------------------------ read replicas (issue 14)

    /** {@code sharding.read-from}. */
    public static final ReadFrom READ_FROM = ReadFrom.REPLICA_PREFERRED;
    /** {@code sharding.replica.max-lag}. */
    public static final long MAX_REPLICA_LAG_MILLIS = 1_000;
    /** {@code sharding.replica.read-your-writes-wait}. */
    public static final long READ_YOUR_WRITES_WAIT_MILLIS = 100;
    /** {@code sharding.replica.primary-fallback-permits}. */
    public static final int PRIMARY_FALLBACK_PERMITS = 5;
    /** {@code sharding.replica.fallback}. */
    public static final ReadFallback READ_FALLBACK = ReadFallback.FAIL;
    /** {@code sharding.replica.max-staleness}. */
    public static final long MAX_STALENESS_MILLIS = 30_000;
}
