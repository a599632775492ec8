package io.github.shardingorm;

import io.github.shardingorm.internal.config.PropertiesConfiguration;
import io.github.shardingorm.routing.ShardMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * A sharded persistence unit: one Hibernate {@link SessionFactory} whose tenants are shards,
 * one HikariCP pool per shard, and the routing that sends every keyed operation to the shard
 * of its key.
 *
 * <pre>{@code
 * ShardedPersistence orm = ShardedPersistence.builder()
 *     .shard("s0", url0, user, password)
 *     .shard("s1", url1, user, password)
 *     .entities(User.class, Post.class)
 *     .schema(SchemaAction.UPDATE)
 *     .build();
 * ShardedRepository<User, Long> users = orm.repository(User.class);
 * orm.inTransaction(42L, session -> session.persist(new Post(42L, "hello")));
 * }</pre>
 *
 * <p>Thread-safe; build one per application and close it on shutdown (closing stops every pool).
 *
 * <p>Keys given to the {@code key} methods below are shard-key values (not ids), routed with the
 * cluster's strategy; {@code null} or an unsupported type throws {@link ShardRoutingException}.
 */
public interface ShardedPersistence extends AutoCloseable {

    /** A builder for a sharded persistence unit. */
    static ShardedPersistenceBuilder builder() {
        return new ShardedPersistenceBuilder();
    }

    /**
     * Builds a sharded persistence unit from the properties form (keys in {@link ShardingSettings}).
     *
     * @throws ShardingConfigurationException listing every problem found
     */
    static ShardedPersistence fromProperties(Map<?, ?> properties) {
        return PropertiesConfiguration.apply(properties, builder()).build();
    }

    /**
     * The PostgreSQL DDL of the write-log tables ({@code shorm_saga}, {@code shorm_saga_step},
     * {@code shorm_2pc_decision}), idempotent, one statement per element; also the classpath
     * resource {@code META-INF/sharding-orm/write-log-postgresql.sql}. Every shard needs them when
     * saga types are registered, {@link ReferenceTable} entities are configured or two-phase commit
     * is used; schema actions CREATE and UPDATE create them, VALIDATE demands them only then.
     */
    static List<String> writeLogDdl() {
        return io.github.shardingorm.internal.boot.ShardedPersistenceBootstrap.writeLogDdl();
    }

    /**
     * The repository of a sharded entity.
     *
     * @throws ShardRoutingException if {@code entityClass} is not one of the configured entities
     */
    <T, ID> ShardedRepository<T, ID> repository(Class<T> entityClass);

    /**
     * Saves entities of any sharded types in one call, e.g. a user with its posts: every entity is
     * routed by its own {@link ShardKey} before anything is written (a null or bad key, or an
     * unmanaged type, anywhere in the batch writes nothing), then each shard's group (in the order
     * given, so parents before their children) is saved in one transaction with JDBC batches, the
     * shards in parallel, like {@link ShardedRepository#saveAll}. Atomic per shard, NOT across
     * shards: if a shard fails, the exception names the shards that committed.
     *
     * @return the saved entities in the order given (for an existing row, its merged copy)
     * @throws ShardRoutingException when an entity cannot be routed (nothing written)
     * @throws IllegalArgumentException when {@code entities} or one of them is null (nothing written)
     */
    List<Object> saveAll(Iterable<?> entities);

    /**
     * Runs {@code work} in a transaction on the shard of {@code key}; commits, or rolls back on any exception.
     *
     * <p>Transactions compose: repository calls and {@link #query} inside {@code work} (or inside
     * another transaction on this thread: a bound {@link ShardScope}'s) that run on the same shard
     * join this session and transaction (same commit, same rollback); on another shard they throw
     * {@link ShardRoutingException} naming both shards, before anything is written. Called inside a
     * transaction on the same shard, this method itself joins it. JTA is not supported.
     */
    void inTransaction(Object key, Consumer<Session> work);

    /** Like {@link #inTransaction(Object, Consumer)}, returning {@code work}'s result. */
    <R> R fromTransaction(Object key, Function<Session, R> work);

    /** Runs {@code work} in a read-only transaction on the shard of {@code key}: entities are loaded read-only and the connection is read-only. */
    <R> R fromReadOnlyTransaction(Object key, Function<Session, R> work);

    /**
     * Like {@link #fromReadOnlyTransaction(Object, Function)}, reading where {@code readFrom} says
     * (instead of the configured default) and, from a replica, only one lagging at most {@code maxLag}
     * (null: the configured limit).
     */
    <R> R fromReadOnlyTransaction(Object key, io.github.shardingorm.health.ReadFrom readFrom, java.time.Duration maxLag,
                                  Function<Session, R> work);

    /** Runs {@code work} with a session on the shard of {@code key}, without starting a transaction, and returns its result. */
    <R> R fromSession(Object key, Function<Session, R> work);

    /** Runs {@code work} in a transaction on the shard with id {@code shardId}. */
    <R> R fromTransactionOnShard(String shardId, Function<Session, R> work);

    /**
     * Binds the shard of {@code key} to this thread until the scope is closed: inside it, plain
     * Jakarta Persistence code ({@code sessionFactory().createEntityManager()}, {@code find},
     * {@code persist}, JPQL, {@code getCurrentSession()}) runs on that shard. See {@link ShardScope}
     * for nesting and threads.
     *
     * <pre>{@code
     * try (ShardScope scope = orm.bind(42L)) {
     *     Session session = orm.sessionFactory().getCurrentSession();   // == scope.session()
     *     session.beginTransaction();
     *     session.persist(new Post(42L, "hello"));
     *     users.save(user42);            // joins the transaction: same commit or rollback
     *     session.getTransaction().commit();
     * }
     * }</pre>
     *
     * @throws ShardRoutingException when the key is null or cannot be routed, or when this thread is
     *         already bound to another shard (nothing is bound then)
     */
    ShardScope bind(Object key);

    /**
     * The shard that a shard-key value routes to, the key normalized by its own type (any
     * integral type, String or UUID). Prefer {@link #shardOf(Class, Object)}, which also checks
     * the key against the entity's key type.
     *
     * @throws ShardRoutingException when the key is null, of an unsupported type or routes to no shard
     */
    String shardOf(Object key);

    /**
     * The shard that {@code key}, as the {@link ShardKey} of {@code entityClass}, routes to:
     * {@code shardOf(User.class, "abc")} for a {@code Long}-keyed {@code User} throws instead of
     * routing the string.
     *
     * @throws ShardRoutingException when the class is not a sharded entity, or the key is null, of
     *         a type that does not fit the entity's key, or routes to no shard
     */
    String shardOf(Class<?> entityClass, Object key);

    /** The shard that an entity instance routes to (by its {@link ShardKey}). */
    String shardOfEntity(Object entity);

    /** The configured shard ids, in declaration order. */
    List<String> shardIds();

    /**
     * The shard map in force (bucketed strategies only).
     *
     * @throws UnsupportedOperationException when the strategy is not bucketed (range, directory)
     */
    ShardMap shardMap();

    /**
     * Replaces the shard map at run time: same bucket count, higher version, only configured shards.
     * With the stored topology the new map is written to every shard and every instance follows it
     * within a second. Moving the rows of the reassigned buckets is the caller's job (online resharding comes later).
     *
     * @throws UnsupportedOperationException when the strategy is not bucketed
     * @throws IllegalArgumentException when the new map is not acceptable
     */
    void replaceShardMap(ShardMap next);

    /**
     * The shared topology this instance routes by: cluster id, version, shard map, the state of
     * every bucket that is moving, and the instances that follow it (their heartbeats). When the
     * topology is not stored (see the README, "Topology"), an in-memory one of this JVM only.
     *
     * @throws UnsupportedOperationException when the strategy is not bucketed
     */
    io.github.shardingorm.routing.Topology topology();

    /**
     * Online resharding: move buckets between shards while the application reads and writes
     * (see {@link io.github.shardingorm.resharding.Resharding} and the README, "Online resharding").
     *
     * @throws UnsupportedOperationException when the strategy is not bucketed or the topology is not stored
     */
    io.github.shardingorm.resharding.Resharding resharding();

    /**
     * Sagas: start registered saga types, read their status, list those needing attention.
     * See {@link io.github.shardingorm.saga.Sagas}.
     */
    io.github.shardingorm.saga.Sagas sagas();

    /**
     * Runs {@code work} as ONE atomic transaction over the shards of {@code keys}, with PostgreSQL
     * two-phase commit: every shard commits or none does, also if this process dies midway
     * (recovery, on any instance, resolves the prepared transactions within seconds of start-up).
     * {@code work} gets one session per shard ({@code sessions.session(key)}); sessions are flushed
     * and prepared on every shard, the commit decision is logged on a coordinator shard, then every
     * shard commits. Keys routing to a single shard run as one local transaction.
     *
     * <p>Not isolated across shards: a reader may see one shard committed and another not yet
     * during the commit phase. If a shard fails after the decision, the transaction is still
     * committed: this method returns normally and recovery commits that shard.
     *
     * @param keys shard keys naming the shards; not null or empty
     * @throws ShardingException when two-phase commit is unavailable (see {@link TwoPhaseCommitMode}),
     *                           or when the work or a prepare failed; then nothing was applied on any shard
     * @throws ShardRoutingException when a key is null or cannot be routed
     */
    void atomically(java.util.Collection<?> keys, Consumer<CrossShardSessions> work);

    /** Operator actions on two-phase-commit transactions left in doubt: list, commit, roll back (see {@link InDoubtTransactions}). */
    InDoubtTransactions inDoubtTransactions();

    /** Reads and writes of {@link ReferenceTable} entities (copied to every shard). */
    ReferenceTables references();

    /**
     * A JPQL/HQL select query over every shard it may touch: routed to the owning shard(s) when its
     * WHERE clause pins the shard key, otherwise run on all shards in parallel and merged exactly
     * (see {@link io.github.shardingorm.query.ShardedQuery}).
     *
     * @param resultType the row type: an entity, a scalar, {@code Object[]}, or a class with a matching constructor
     * @throws io.github.shardingorm.query.UnsupportedShardQueryException when the query cannot be answered exactly
     *         across shards (it is then never sent to any shard)
     * @throws IllegalArgumentException when the query cannot be parsed, or is an UPDATE/DELETE
     */
    <R> io.github.shardingorm.query.ShardedQuery<R> query(String jpql, Class<R> resultType);

    /**
     * A Criteria query (built with {@code sessionFactory().getCriteriaBuilder()}) over the shards;
     * as {@link #query(String, Class)}. Value-bound criteria parameters are inlined; use named
     * parameters ({@code cb.parameter(Long.class, "a")}) with {@code param("a", ...)}.
     */
    <R> io.github.shardingorm.query.ShardedQuery<R> query(jakarta.persistence.criteria.CriteriaQuery<R> criteria);

    /**
     * Runs a JPQL UPDATE or DELETE on every shard its WHERE clause may touch (one shard when it pins
     * the key), in parallel, each shard in its own transaction. Atomic per shard, NOT across shards:
     * when a shard fails, {@link io.github.shardingorm.query.ShardQueryException} names the shards
     * that failed and those that committed.
     *
     * @param parameters named parameter values; may be empty, not null
     * @return the total number of rows updated or deleted
     * @throws io.github.shardingorm.query.UnsupportedShardQueryException for an UPDATE of the shard key,
     *         or a subquery over a sharded entity not co-located with the target
     */
    long executeUpdate(String jpql, Map<String, ?> parameters);

    /**
     * Runs native SQL (DML or DDL) on every shard, in parallel, each in its own transaction.
     *
     * @throws io.github.shardingorm.query.ShardQueryException naming the shards that failed (the others committed)
     */
    void executeOnAllShards(String nativeSql);

    // ------------------------------------------------------------------ health and read-your-writes

    /**
     * The health of every shard: its primary and each replica, with state ({@code UP}, {@code DEGRADED},
     * {@code DOWN}), since when, the last error, the last probe's latency, and a replica's lag. Taken
     * from what the probes and calls observed: no I/O.
     */
    java.util.List<io.github.shardingorm.health.ShardHealth> health();

    /**
     * The current thread's consistency token: the commit positions of the writes this thread
     * committed on shards with replicas, plus tokens it adopted. Send it along (its
     * {@code toString()}) to whoever must read those writes elsewhere.
     */
    io.github.shardingorm.health.ConsistencyToken consistencyToken();

    /** Adds {@code token}'s positions to the current thread's token (e.g. one received with an HTTP request). */
    void adoptConsistency(io.github.shardingorm.health.ConsistencyToken token);

    /** Forgets the current thread's token (e.g. at the end of a request, on a pooled thread). */
    void resetConsistency();

    /**
     * Runs {@code work} with {@code token} as the thread's token: its reads see at least those
     * writes; the writes it commits extend the token, which {@link #consistencyToken()} inside
     * {@code work} returns. The thread's previous token is restored afterwards, extended by the
     * writes committed inside (the thread has seen them).
     */
    <R> R withConsistency(io.github.shardingorm.health.ConsistencyToken token, java.util.function.Supplier<R> work);

    /**
     * Per-shard statistics: operations, errors, latency percentiles, the sliding-window shares and
     * hot-shard flags, the hottest buckets, and rows per sharded table estimated from the catalog
     * ({@code pg_class.reltuples}). Needs no metrics library. A shard that cannot be reached has no
     * row counts.
     *
     * @throws IllegalStateException when statistics were turned off
     */
    io.github.shardingorm.metrics.ShardingStatistics statistics();

    /** Like {@link #statistics()}, with exact row counts ({@code count(*)} per table and shard) when {@code exactRowCounts}. */
    io.github.shardingorm.metrics.ShardingStatistics statistics(boolean exactRowCounts);

    /**
     * The single Hibernate SessionFactory (also this unit's {@code EntityManagerFactory}): inside a
     * {@link #bind(Object) scope}, {@code createEntityManager()} / {@code openSession()} /
     * {@code getCurrentSession()} work on the bound shard; anywhere, {@code withOptions().tenantIdentifier(shardId)}.
     * {@code unwrap(ShardedPersistence.class)} returns this unit; {@code close()} closes it.
     */
    SessionFactory sessionFactory();

    /**
     * This unit as {@code type}: itself, its {@code EntityManagerFactory} / {@code SessionFactory}
     * (the one {@link #sessionFactory()} returns, which unwraps back to this unit), or anything
     * Hibernate's SessionFactory unwraps to.
     *
     * @throws jakarta.persistence.PersistenceException when it cannot be unwrapped to {@code type}
     */
    <T> T unwrap(Class<T> type);

    /**
     * Hits, misses, puts and evictions of the caches configured with
     * {@link ShardedPersistenceBuilder#cache}, per region and per shard; empty when nothing is cached.
     */
    io.github.shardingorm.cache.CacheStatistics cacheStatistics();

    /** Closes the SessionFactory and every shard pool. Idempotent. */
    @Override
    void close();
}
