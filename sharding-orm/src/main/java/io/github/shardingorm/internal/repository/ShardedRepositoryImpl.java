package io.github.shardingorm.internal.repository;

import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.cache.CacheAside;
import io.github.shardingorm.internal.cache.CacheRuntime;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;

/**
 * Keyed CRUD over one entity. Every method routes first (throwing before any connection is
 * taken when the input cannot be routed), then runs on exactly the shard(s) involved.
 */
public final class ShardedRepositoryImpl<T, ID> implements ShardedRepository<T, ID> {

    private final Class<T> entityClass;
    private final ShardedEntityModel model;
    private final ShardRouter router;
    private final ShardSessions sessions;
    private final io.github.shardingorm.internal.query.ShardedQueries queries;
    /** The cache-aside of findById, or null when this entity's reads are not cached. */
    private final CacheAside cache;

    private final BatchSave batches;

    public ShardedRepositoryImpl(Class<T> entityClass, ShardRouter router, ShardSessions sessions,
                                 io.github.shardingorm.internal.query.ShardedQueries queries, SavesAcrossShards saves,
                                 CacheRuntime cache) {
        this.queries = queries;
        this.batches = saves.batches;
        this.cache = cache == null ? null : cache.findByIdCache(entityClass);
        this.entityClass = entityClass;
        this.model = router.model(entityClass);
        this.router = router;
        this.sessions = sessions;
    }

    @Override
    public Class<T> entityClass() {
        return entityClass;
    }

    @Override
    public <S extends T> S save(S entity) {
        requireNonNull(entity, "entity");
        // routed like inTransaction(key, ...): a bucket that moves between routing and the write reroutes
        // (retryable), where a fixed shard made the write guard's refusal a routing error (FencePerBucketIT in CI)
        return sessions.fromRoutedTransaction(() -> router.shardOfEntity(entity), router::mapVersion, false,
                session -> saveIn(session, entity));
    }

    @SuppressWarnings("unchecked")
    private <S extends T> S saveIn(Session session, S entity) {
        if (sessions.identifierOf(entity) == null) {
            session.persist(entity);
            return entity;
        }
        return (S) session.merge(entity);
    }

    @Override
    public <S extends T> List<S> saveAll(Iterable<S> entities) {
        requireNonNull(entities, "entities");
        List<S> input = new ArrayList<>();
        for (S entity : entities) {
            requireNonNull(entity, "an entity in saveAll");
            input.add(entity);
        }
        return batches.saveAll(input, model.entityName() + " entities");
    }

    @Override
    public Optional<T> findById(ID id) {
        String shard = router.shardOfId(model, id);
        return findOnShard(shard, id);
    }

    @Override
    public Optional<T> findById(Object key, ID id) {
        requireNonNull(id, "id");
        String shard = router.shardOfKey(model, key);
        return findOnShard(shard, id);
    }

    /** A keyed read: through the cache-aside when configured (a hit opens no session), else on the shard. */
    private Optional<T> findOnShard(String shard, ID id) {
        if (cache != null) {
            return Optional.ofNullable(entityClass.cast(cache.find(shard, id,
                    // the fill reads the primary: a replica behind the write that invalidated would cache a stale row
                    () -> sessions.fromPrimaryReadOnlySession(shard, s -> s.find(entityClass, id)))));
        }
        return sessions.fromReadOnlySession(shard, s -> Optional.ofNullable(s.find(entityClass, id)));
    }

    @Override
    public List<T> findAllById(Iterable<ID> ids) {
        requireNonNull(ids, "ids");
        Map<String, List<ID>> idsByShard = new LinkedHashMap<>();
        List<ID> order = new ArrayList<>();
        for (ID id : ids) {
            requireNonNull(id, "an id in findAllById");
            idsByShard.computeIfAbsent(router.shardOfId(model, id), s -> new ArrayList<>()).add(id);
            order.add(id);
        }
        sessions.context().checkTargets(idsByShard.keySet(), () -> "findAllById of " + model.entityName());
        Map<Object, T> found = new HashMap<>();
        idsByShard.forEach((shard, shardIds) -> sessions.fromReadOnlySession(shard, s -> {
            List<T> loaded = s.findMultiple(entityClass, shardIds);
            for (int i = 0; i < shardIds.size(); i++) {
                if (loaded.get(i) != null) {
                    found.put(shardIds.get(i), loaded.get(i));
                }
            }
            return null;
        }));
        List<T> result = new ArrayList<>(order.size());
        for (ID id : order) {
            T entity = found.get(id);
            if (entity != null) {
                result.add(entity);
            }
        }
        return result;
    }

    @Override
    public boolean existsById(ID id) {
        return findById(id).isPresent();
    }

    @Override
    public boolean existsById(Object key, ID id) {
        return findById(key, id).isPresent();
    }

    @Override
    public void deleteById(ID id) {
        String shard = router.shardOfId(model, id);
        sessions.fromTransaction(shard, false, s -> removeIfPresent(s, id));
    }

    @Override
    public void deleteById(Object key, ID id) {
        requireNonNull(id, "id");
        sessions.fromRoutedTransaction(() -> router.shardOfKey(model, key), router::mapVersion, false, s -> removeIfPresent(s, id));
    }

    private Object removeIfPresent(Session session, Object id) {
        T entity = session.find(entityClass, id);
        if (entity != null) {
            session.remove(entity);
        }
        return null;
    }

    @Override
    public void delete(T entity) {
        requireNonNull(entity, "entity");
        router.shardOfEntityAsked(entity); // a missing or bad key is refused even without an id (not counted twice)
        Object id = sessions.identifierOf(entity);
        if (id == null) {
            return;
        }
        sessions.fromRoutedTransaction(() -> router.shardOfEntity(entity), router::mapVersion, false, s -> removeIfPresent(s, id));
    }

    @Override
    public io.github.shardingorm.query.ShardedQuery<T> query(String jpql) {
        return queries.query(jpql, entityClass);
    }

    @Override
    public String shardOfEntity(T entity) {
        return router.shardOfEntityAsked(entity);
    }

    private static final java.util.regex.Pattern ORDER_BY = java.util.regex.Pattern.compile(
            "\\s*[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*(\\s+(?i:asc|desc))?\\s*");

    @Override
    public List<T> findAll(String orderBy, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
        }
        return queries.query(selectAllOrderedBy(orderBy), entityClass).limit(limit).list();
    }

    @Override
    public java.util.stream.Stream<T> streamAll(String orderBy) {
        return queries.query(selectAllOrderedBy(orderBy), entityClass).stream();
    }

    private String selectAllOrderedBy(String orderBy) {
        requireNonNull(orderBy, "orderBy");
        StringBuilder order = new StringBuilder();
        for (String part : orderBy.split(",")) {
            if (!ORDER_BY.matcher(part).matches()) {
                throw new IllegalArgumentException("orderBy of " + model.entityName() + " must list attributes with asc/desc, e.g."
                        + " \"createdAt desc, id\", but has '" + part.trim() + "'");
            }
            order.append(order.length() == 0 ? "" : ", ").append("e.").append(part.trim());
        }
        return "select e from " + model.entityName() + " e order by " + order;
    }

    @Override
    public long count() {
        return queries.query("select count(e) from " + model.entityName() + " e", Long.class).single().orElse(0L);
    }

    @Override
    public void inTransaction(Object key, Consumer<Session> work) {
        sessions.fromRoutedTransaction(() -> router.shardOfKey(model, key), router::mapVersion, false, s -> {
            work.accept(s);
            return null;
        });
    }

    @Override
    public <R> R fromTransaction(Object key, Function<Session, R> work) {
        return sessions.fromRoutedTransaction(() -> router.shardOfKey(model, key), router::mapVersion, false, work);
    }

    @Override
    public <R> R fromReadOnlyTransaction(Object key, Function<Session, R> work) {
        return sessions.fromRoutedTransaction(() -> router.shardOfKey(model, key), router::mapVersion, true, work);
    }

    @Override
    public <R> R fromSession(Object key, Function<Session, R> work) {
        return sessions.fromSession(router.shardOfKey(model, key), work);
    }

    private static void requireNonNull(Object value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
    }

    @Override
    public String toString() {
        return "ShardedRepository{" + model.entityName() + ", key=" + model.keyAttribute() + "}";
    }
}
