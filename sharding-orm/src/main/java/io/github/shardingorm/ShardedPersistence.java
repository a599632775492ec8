package io.github.shardingorm;

import io.github.shardingorm.internal.boot.PropertiesConfiguration;
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

    /** Runs {@code work} with a session on the shard of {@code key}, without starting a transaction. */
    <R> R fromSession(Object key, Function<Session, R> work);

    /** Runs {@code work} in a transaction on the shard with id {@code shardId}. */
    <R> R fromTransactionOnShard(String shardId, Function<Session, R> work);

    /** The shard that {@code key} routes to. */
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

    /** The single Hibernate SessionFactory; open sessions with {@code withOptions().tenantIdentifier(shardId)}. */
    SessionFactory sessionFactory();

    /** Closes the SessionFactory and every shard pool. Idempotent. */
    @Override
    void close();
}
