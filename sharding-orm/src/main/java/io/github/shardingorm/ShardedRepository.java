package io.github.shardingorm;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;

/**
 * Keyed CRUD for one sharded entity, in Spring Data's vocabulary. Every call runs on exactly the
 * shard(s) its entities, keys or ids route to; nothing here fans out to all shards silently.
 *
 * <p>An id routes on its own when it IS the entity's {@link ShardKey}, or when it is a
 * {@link ShardedId}; otherwise use the {@code (key, id)} forms: the id-only forms then throw
 * {@link ShardRoutingException} rather than searching every shard.
 *
 * <p>Unless stated, arguments must not be null ({@link IllegalArgumentException} otherwise).
 * A shard that cannot be reached gives {@link ShardUnavailableException}.
 *
 * @param <T>  the entity type
 * @param <ID> the id type
 */
public interface ShardedRepository<T, ID> {

    /** The entity class. */
    Class<T> entityClass();

    /**
     * Saves an entity on the shard of its key: persists it when its id is null (a generated id
     * is assigned to the given instance, which is returned), merges it otherwise (the merged
     * copy is returned).
     *
     * @throws ShardRoutingException when the key is null or routes to no shard (nothing written)
     */
    <S extends T> S save(S entity);

    /**
     * Saves several entities, grouped per shard: one transaction and JDBC batches per shard, the
     * shards committing in parallel. Every entity is routed before anything is written, so a bad
     * key writes nothing. Entities with assigned ids are inserted outright (no select); if one of
     * them already exists, that shard's group is saved again, merging the existing rows. Atomic per
     * shard, NOT across shards: if one shard fails after another committed, the exception says
     * which shards committed. For a batch of several entity types (a user and its posts), see
     * {@link ShardedPersistence#saveAll}.
     *
     * @return the saved entities, in the order given
     */
    <S extends T> List<S> saveAll(Iterable<S> entities);

    /**
     * Finds by id, routing by the id alone (the id is the key or a shard-aware id).
     *
     * @return the entity, or empty when no row has that id
     * @throws ShardRoutingException when the id cannot be routed alone; use {@link #findById(Object, Object)}
     */
    Optional<T> findById(ID id);

    /** Finds by id on the shard of {@code key}. @return the entity, or empty */
    Optional<T> findById(Object key, ID id);

    /** Finds several by id (each routable alone), one query per shard involved; missing ids are skipped; the result follows the order of {@code ids}. */
    List<T> findAllById(Iterable<ID> ids);

    /** Whether a row with that id exists (the id must route alone). */
    boolean existsById(ID id);

    /** Whether a row with that id exists on the shard of {@code key}. */
    boolean existsById(Object key, ID id);

    /** Deletes by id (the id must route alone); no-op when no such row exists. */
    void deleteById(ID id);

    /** Deletes by id on the shard of {@code key}; no-op when no such row exists. */
    void deleteById(Object key, ID id);

    /** Deletes an entity (managed or detached) on the shard of its key; no-op when it no longer exists. */
    void delete(T entity);

    /** The shard an entity routes to (by its {@link ShardKey}). */
    String shardOfEntity(T entity);

    /**
     * The number of rows on ALL shards: a fan-out {@code select count(e)}, one statement per shard
     * in parallel, summed. The one method here that reads every shard, by its nature.
     *
     * @throws io.github.shardingorm.query.ShardQueryException when a shard fails (naming it)
     */
    long count();

    /**
     * A JPQL/HQL query whose rows are this entity ({@code select p from Post p where ...}): routed
     * when it pins the shard key, else run on every shard and merged. See
     * {@link io.github.shardingorm.query.ShardedQuery}.
     *
     * @throws io.github.shardingorm.query.UnsupportedShardQueryException when it cannot be answered exactly across shards
     */
    io.github.shardingorm.query.ShardedQuery<T> query(String jpql);

    /** Runs {@code work} in a transaction on the shard of {@code key}. */
    void inTransaction(Object key, Consumer<Session> work);

    /** Runs {@code work} in a transaction on the shard of {@code key} and returns its result. */
    <R> R fromTransaction(Object key, Function<Session, R> work);

    /** Runs {@code work} in a read-only transaction on the shard of {@code key}. */
    <R> R fromReadOnlyTransaction(Object key, Function<Session, R> work);

    /** Runs {@code work} in a session without transaction on the shard of {@code key} and returns its result. */
    <R> R fromSession(Object key, Function<Session, R> work);
}
