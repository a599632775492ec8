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
     * The repository of a sharded entity.
     *
     * @throws ShardRoutingException if {@code entityClass} is not one of the configured entities
     */
    <T, ID> ShardedRepository<T, ID> repository(Class<T> entityClass);

    /** Runs {@code work} in a transaction on the shard of {@code key}; commits, or rolls back on any exception. */
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

    /** The shard that a shard-key value routes to. */
    String shardOf(Object key);

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
     * Moving the rows of the reassigned buckets is the caller's job (online resharding comes later).
     *
     * @throws UnsupportedOperationException when the strategy is not bucketed
     * @throws IllegalArgumentException when the new map is not acceptable
     */
    void replaceShardMap(ShardMap next);

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
     * {@code work} returns. The thread's previous token is restored afterwards.
     */
    <R> R withConsistency(io.github.shardingorm.health.ConsistencyToken token, java.util.function.Supplier<R> work);

    /** The single Hibernate SessionFactory; open sessions with {@code withOptions().tenantIdentifier(shardId)}. */
    SessionFactory sessionFactory();

    /** Closes the SessionFactory and every shard pool. Idempotent. */
    @Override
    void close();
}
