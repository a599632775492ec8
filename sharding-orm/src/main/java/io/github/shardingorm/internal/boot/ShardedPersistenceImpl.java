package io.github.shardingorm.internal.boot;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.internal.engine.ShardRouter;
import io.github.shardingorm.internal.engine.ShardSessions;
import io.github.shardingorm.internal.hibernate.ShardPools;
import io.github.shardingorm.internal.repository.ShardedRepositoryImpl;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.spi.BucketedShardResolver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/** The running sharded persistence unit. */
public final class ShardedPersistenceImpl implements ShardedPersistence {

    private final SessionFactory sessionFactory;
    private final ShardPools pools;
    private final ShardRouter router;
    private final ShardSessions sessions;
    private final Map<Class<?>, ShardedRepository<?, ?>> repositories = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    ShardedPersistenceImpl(SessionFactory sessionFactory, ShardPools pools, ShardRouter router) {
        this.sessionFactory = sessionFactory;
        this.pools = pools;
        this.router = router;
        this.sessions = new ShardSessions(sessionFactory);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T, ID> ShardedRepository<T, ID> repository(Class<T> entityClass) {
        router.model(entityClass);
        return (ShardedRepository<T, ID>) repositories.computeIfAbsent(entityClass,
                c -> new ShardedRepositoryImpl<>(entityClass, router, sessions));
    }

    @Override
    public void inTransaction(Object key, Consumer<Session> work) {
        sessions.inTransaction(router.shardOfKey(key), false, s -> {
            work.accept(s);
            return null;
        });
    }

    @Override
    public <R> R fromTransaction(Object key, Function<Session, R> work) {
        return sessions.inTransaction(router.shardOfKey(key), false, work);
    }

    @Override
    public <R> R fromReadOnlyTransaction(Object key, Function<Session, R> work) {
        return sessions.inTransaction(router.shardOfKey(key), true, work);
    }

    @Override
    public <R> R fromSession(Object key, Function<Session, R> work) {
        return sessions.inSession(router.shardOfKey(key), work);
    }

    @Override
    public <R> R fromTransactionOnShard(String shardId, Function<Session, R> work) {
        router.checkShard(shardId);
        return sessions.inTransaction(shardId, false, work);
    }

    @Override
    public String shardOf(Object key) {
        return router.shardOfKey(key);
    }

    @Override
    public String shardOfEntity(Object entity) {
        return router.shardOfEntity(entity);
    }

    @Override
    public List<String> shardIds() {
        return router.shardIds();
    }

    @Override
    public ShardMap shardMap() {
        return bucketed("shardMap()").shardMap();
    }

    @Override
    public void replaceShardMap(ShardMap next) {
        bucketed("replaceShardMap()").replaceShardMap(next);
    }

    private BucketedShardResolver bucketed(String operation) {
        BucketedShardResolver b = router.bucketed();
        if (b == null) {
            throw new UnsupportedOperationException(operation + " needs a bucketed strategy (hash, consistent hash, weighted) but the strategy is "
                    + router.resolver().name());
        }
        return b;
    }

    @Override
    public SessionFactory sessionFactory() {
        return sessionFactory;
    }

    /** Internal: the routing engine (for tests and later capabilities). */
    public ShardRouter router() {
        return router;
    }

    /** Internal: the pools (for tests and later capabilities). */
    public ShardPools pools() {
        return pools;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                sessionFactory.close();
            } finally {
                pools.close();
            }
        }
    }

    @Override
    public String toString() {
        return "ShardedPersistence{shards=" + router.shardIds() + ", strategy=" + router.resolver().name() + "}";
    }
}
