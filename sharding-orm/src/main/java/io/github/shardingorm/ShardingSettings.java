package io.github.shardingorm;

/**
 * Every configuration key of the properties form of {@link ShardedPersistence}
 * ({@link ShardedPersistence#fromProperties(java.util.Map)}), with its default and meaning.
 * Keys starting with {@code hibernate.} or {@code jakarta.persistence.} are passed through to
 * Hibernate unchanged (except the multi-tenancy and schema settings that sharding-orm owns).
 *
 * <pre>
 * sharding.shards=s0,s1
 * sharding.shard.s0.url=jdbc:postgresql://db0:5432/app
 * sharding.shard.s0.username=app
 * sharding.shard.s0.password=secret
 * sharding.shard.s1.url=jdbc:postgresql://db1:5432/app
 * ...
 * sharding.entities=com.example.User,com.example.Post
 * sharding.schema-action=update
 * </pre>
 */
public interface ShardingSettings {

    /** Comma-separated shard ids, in order. Required. Ids: letters, digits, '_' and '-', at most 63 characters. */
    String SHARDS = "sharding.shards";

    /** Prefix of per-shard keys: {@code sharding.shard.<id>.<key>}. */
    String SHARD_PREFIX = "sharding.shard.";

    /** Per shard: the JDBC URL. Required. */
    String SHARD_URL = "url";
    /** Per shard: the database user. Optional. */
    String SHARD_USERNAME = "username";
    /** Per shard: the password; never logged. Optional. */
    String SHARD_PASSWORD = "password";
    /** Per shard: overrides {@link #MAXIMUM_POOL_SIZE} for this shard. */
    String SHARD_MAXIMUM_POOL_SIZE = "maximum-pool-size";
    /** Per shard: overrides {@link #MINIMUM_IDLE} for this shard. */
    String SHARD_MINIMUM_IDLE = "minimum-idle";
    /** Per shard: the weight of the shard for {@code sharding.strategy=weighted}. Default 1. */
    String SHARD_WEIGHT = "weight";

    /** Comma-separated fully qualified entity class names. Required. */
    String ENTITIES = "sharding.entities";

    /**
     * Packages (comma-separated) whose {@code @Entity} classes (top-level, sub-packages included)
     * join {@link #ENTITIES}; sharded and {@code @ReferenceTable} entities alike.
     */
    String ENTITY_PACKAGES = "sharding.entity-packages";

    /**
     * The sharding strategy: {@code hash} (default: bucketed hash over a uniform shard map),
     * {@code consistent-hash} (with {@link #VIRTUAL_NODES}), {@code weighted} (with per-shard
     * {@link #SHARD_WEIGHT}), {@code range} (with {@link #STRATEGY_RANGES}), {@code directory} (with
     * {@link #STRATEGY_DIRECTORY}), or the class name of a {@code ShardingStrategy} (or of a
     * {@code Supplier<ShardingStrategy>}) with a public no-argument constructor; in a map, also a
     * strategy instance. An unknown name or class is a configuration problem; nothing starts.
     */
    String STRATEGY = "sharding.strategy";

    /** Ranges of {@code sharding.strategy=range}: {@code s0:..1000, s1:1000..5000, s2:5000..} (lower inclusive, upper exclusive; integral or text bounds). */
    String STRATEGY_RANGES = "sharding.strategy.ranges";

    /** Entries of {@code sharding.strategy=directory}: {@code eu:s0, us:s1} (key value : shard). */
    String STRATEGY_DIRECTORY = "sharding.strategy.directory";

    /** The shard of keys absent from {@link #STRATEGY_DIRECTORY}; without it such keys are refused. */
    String STRATEGY_DIRECTORY_DEFAULT = "sharding.strategy.directory.default";

    /**
     * Saga types: comma-separated class names of {@code Supplier<SagaDefinition>} with a public
     * no-argument constructor; in a map, also a {@code SagaDefinition} or a collection of them.
     */
    String SAGAS = "sharding.sagas";

    /**
     * A HikariCP property of every pool sharding-orm runs: {@code sharding.pool.<HikariCP property>},
     * e.g. {@code sharding.pool.maxLifetime=1800000}, {@code sharding.pool.leakDetectionThreshold=30000},
     * {@code sharding.pool.metricsTrackerFactory=<class name or instance>}, {@code sharding.pool.dataSource.ApplicationName=shop}.
     * Per shard: {@code sharding.shard.<id>.pool.<HikariCP property>}.
     */
    String POOL_PREFIX = "sharding.pool.";

    /** Suffix of a shard's own HikariCP properties: {@code sharding.shard.<id>.pool.<HikariCP property>}. */
    String SHARD_POOL_PREFIX = "pool.";

    /**
     * Suffix of a shard given as a {@code javax.sql.DataSource} instance the user manages (in a map
     * passed to {@code fromProperties} or {@code Persistence.createEntityManagerFactory}); instead of url/username/password.
     */
    String SHARD_DATA_SOURCE = "datasource";

    /** Virtual nodes per shard for {@code consistent-hash}. Default 256. */
    String VIRTUAL_NODES = "sharding.strategy.virtual-nodes";

    /**
     * The fixed number of logical buckets keys hash into (bucketed strategies). Default 4096;
     * at most 8192 when {@link ShardedId} is used. Chosen when the cluster is created and never
     * changed: changing it re-routes every key.
     */
    String BUCKET_COUNT = "sharding.buckets";

    /** {@code none} (default), {@code create}, {@code update} or {@code validate}: see {@link SchemaAction}. */
    String SCHEMA_ACTION = "sharding.schema-action";

    /** Maximum time in milliseconds to wait for a shard connection before {@link ShardUnavailableException}. Default 2000, minimum 250. */
    String CONNECTION_TIMEOUT = "sharding.connection-timeout";

    /** Maximum pool size of every shard's HikariCP pool. Default 10. */
    String MAXIMUM_POOL_SIZE = "sharding.maximum-pool-size";

    /** Minimum idle connections of every shard's pool. Default: same as the maximum pool size (a fixed-size pool, as HikariCP recommends). */
    String MINIMUM_IDLE = "sharding.minimum-idle";

    /** This JVM's node id for {@link ShardedId} generation, 0..31; unique per running JVM. Default 0. */
    String NODE_ID = "sharding.node-id";

    /** JDBC batch size for inserts/updates (also used by {@code saveAll}). Default 50. */
    String JDBC_BATCH_SIZE = "sharding.jdbc-batch-size";

    /**
     * Writes that span shards: {@code auto} (default: two-phase commit when every shard has
     * {@code max_prepared_transactions > 0}), {@code required} (start-up fails naming the shards
     * that do not) or {@code disabled}. See {@link TwoPhaseCommitMode}.
     */
    String TWO_PHASE_COMMIT = "sharding.two-phase-commit";

    /**
     * Milliseconds after which recovery rolls back a prepared transaction that has no commit
     * decision (its coordinator died before deciding). Default 5000, minimum 100.
     */
    String TWO_PHASE_GRACE = "sharding.two-phase-commit.grace";

    /** Attempts of a saga step (transient failures) or compensation before giving up. Default 5, minimum 1. */
    String SAGA_MAX_ATTEMPTS = "sharding.saga.max-attempts";

    /** Milliseconds before the first retry of a saga step or compensation; doubles per attempt up to 10 s. Default 200. */
    String SAGA_RETRY_BACKOFF = "sharding.saga.retry-backoff";

    /**
     * Milliseconds an instance keeps a saga claimed without recording progress; after that another
     * instance's recovery may take it over (a crashed instance's sagas resume after this). Default 15000, minimum 100.
     */
    String SAGA_LEASE = "sharding.saga.lease";

    /**
     * Milliseconds between background recovery passes (unfinished sagas, in-doubt two-phase commit
     * transactions). One pass always runs right after start-up. 0 disables the periodic passes. Default 5000.
     */
    String RECOVERY_INTERVAL = "sharding.recovery-interval";

    /**
     * Threads that run the per-shard statements of queries across shards (scatter-gather), shared
     * by all queries of the unit; named {@code sharding-orm-query-N}, daemon, stopped by close().
     * 1 runs the shards one after another. Default: two per shard, at least 4, at most 64.
     */
    String QUERY_PARALLELISM = "sharding.query.parallelism";

    /**
     * Milliseconds between two polls of the stored topology's version when no notification
     * arrives (LISTEN/NOTIFY brings a new version at once; the poll bounds the delay when a
     * notification is lost). Default 250, minimum 10.
     */
    String TOPOLOGY_POLL_INTERVAL = "sharding.topology.poll-interval";

    /**
     * Milliseconds without a successful read of the stored topology after which this instance
     * refuses writes ({@code ShardTopologyUnavailableException}); reads go on. Default 5000, minimum 100.
     */
    String TOPOLOGY_STALE_AFTER = "sharding.topology.stale-after";

    /**
     * Milliseconds that keyed work in its own transaction ({@code inTransaction(key, ...)},
     * {@code fromTransaction(key, ...)}, the repositories' keyed writes), refused because its bucket is
     * in a move's final stage (FENCED), waits for this instance to adopt the switch before it runs again
     * on the new owner; the retryable {@code ShardTopologyChangedException} is thrown when the wait ends
     * first. Default 2000; 0: no wait.
     */
    String FENCED_WRITE_WAIT = "sharding.topology.fenced-write-wait";

    /** {@code true} (default) or {@code false}: keep per-shard statistics ({@code ShardedPersistence.statistics()}). */
    String STATISTICS = "sharding.statistics";

    /** Milliseconds of the sliding window over which hot shards are detected. Default 60000, minimum 1000. */
    String HOT_SHARD_WINDOW = "sharding.statistics.hot-window";

    /**
     * {@code true} or {@code false} (default): log every statement's routing decision (logger
     * {@code io.github.shardingorm.routing-log}, level INFO).
     */
    String ROUTING_LOG = "sharding.routing-log";

    /** {@code true} or {@code false} (default): show bind values in the routing log (masked as {@code ?} otherwise). */
    String ROUTING_LOG_PARAMETERS = "sharding.routing-log.parameters";

    /**
     * Milliseconds after which completed and compensated sagas are deleted from the saga log (in
     * batches, by the recovery loop); 0 keeps them for ever. Default 604800000 (7 days).
     */
    String SAGA_RETENTION = "sharding.saga.retention";

    // ------------------------------------------------------------------ caches (issue 16), the same as CacheConfig's builder

    /** {@code true} or {@code false} (default): Hibernate's second-level cache for entities annotated {@code @Cacheable} / {@code @Cache}. */
    String CACHE_SECOND_LEVEL = "sharding.cache.second-level";

    /**
     * Entities in the second-level cache (read-write), comma-separated: a class name, optionally with
     * its region's size as {@code :maximumEntries:timeToLiveMillis}, e.g.
     * {@code com.example.User:50000:600000, com.example.Post}.
     */
    String CACHE_ENTITIES = "sharding.cache.entities";

    /**
     * Regions sized by name, comma-separated {@code name:maximumEntries:timeToLiveMillis}, e.g.
     * {@code com.example.User.posts:20000:300000, default-query-results-region:1000:60000}.
     */
    String CACHE_REGIONS = "sharding.cache.regions";

    /** Size of every region not sized by name, {@code maximumEntries:timeToLiveMillis}. Default {@code 10000:600000}. */
    String CACHE_DEFAULTS = "sharding.cache.defaults";

    /** {@code true} or {@code false} (default): cache the results of queries marked cacheable, per shard. */
    String CACHE_QUERY_CACHE = "sharding.cache.query-cache";

    /** Entities whose keyed {@code findById} goes through the cache-aside, in the form of {@link #CACHE_ENTITIES}. */
    String CACHE_ASIDE = "sharding.cache.cache-aside";

    /** The JCache {@code javax.cache.spi.CachingProvider} class name. Default Caffeine's. */
    String CACHE_PROVIDER = "sharding.cache.provider";

    /** {@code auto} (default), {@code enabled} or {@code disabled}: invalidation across instances (LISTEN/NOTIFY). */
    String CACHE_INVALIDATION = "sharding.cache.invalidation";

    // ------------------------------------------------------------------ deadlines, health, replicas (issue 14)

    /**
     * Milliseconds pgjdbc waits for any answer from a shard ({@code socketTimeout}, rounded up to whole
     * seconds) before the call fails naming the shard: what stops a hung server from blocking a call.
     * 0 disables it. Default 35000. pgjdbc's connect and login timeouts follow {@link #CONNECTION_TIMEOUT}.
     */
    String SOCKET_TIMEOUT = "sharding.socket-timeout";

    /** Milliseconds of PostgreSQL's {@code statement_timeout} on every shard connection; 0 disables it. Default 30000. */
    String STATEMENT_TIMEOUT = "sharding.statement-timeout";

    /** Per shard: overrides {@link #SOCKET_TIMEOUT} for this shard. */
    String SHARD_SOCKET_TIMEOUT = "socket-timeout";
    /** Per shard: overrides {@link #STATEMENT_TIMEOUT} for this shard. */
    String SHARD_STATEMENT_TIMEOUT = "statement-timeout";
    /** Per shard: comma-separated JDBC URLs of its streaming replicas, reached with the shard's credentials. */
    String SHARD_REPLICAS = "replicas";

    /** Consecutive failures (of calls or health probes) that open a shard's circuit breaker. Default 3. */
    String HEALTH_FAILURE_THRESHOLD = "sharding.health.failure-threshold";

    /** Milliseconds between health probes of each primary and replica (also replica lag samples). Default 250, minimum 50. */
    String HEALTH_PROBE_INTERVAL = "sharding.health.probe-interval";

    /** Milliseconds a health probe may take (connect and query). Default 2000, minimum 1000. */
    String HEALTH_PROBE_TIMEOUT = "sharding.health.probe-timeout";

    /**
     * Where read-only work reads: {@code primary}, {@code replica_preferred} (default; the primary when
     * a shard has no replica) or {@code replica_only}. See {@link io.github.shardingorm.health.ReadFrom}.
     */
    String READ_FROM = "sharding.read-from";

    /** Milliseconds of replay lag beyond which a replica gets no reads. Default 1000. */
    String REPLICA_MAX_LAG = "sharding.replica.max-lag";

    /** Milliseconds a read waits for a replica to replay the caller's writes before it reads the primary. Default 100. */
    String REPLICA_READ_YOUR_WRITES_WAIT = "sharding.replica.read-your-writes-wait";

    /** Reads of one shard that may fall back to its primary at the same time when no replica qualifies. Default 5. */
    String REPLICA_PRIMARY_FALLBACK_PERMITS = "sharding.replica.primary-fallback-permits";

    /**
     * Beyond those permits: {@code fail} (default) or {@code stale} (a replica within
     * {@link #REPLICA_MAX_STALENESS}). See {@link io.github.shardingorm.health.ReadFallback}.
     */
    String REPLICA_FALLBACK = "sharding.replica.fallback";

    /** Milliseconds of lag that stale fallback reads, and replica reads while the primary is down, accept. Default 30000. */
    String REPLICA_MAX_STALENESS = "sharding.replica.max-staleness";
}
