package io.github.shardingorm.internal.boot;

import io.github.shardingorm.CrossShardSessions;
import io.github.shardingorm.ReferenceTables;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.health.ConsistencyToken;
import io.github.shardingorm.health.ReadFrom;
import io.github.shardingorm.health.ShardHealth;
import io.github.shardingorm.internal.cache.CacheRuntime;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.jdbc.ReadContext;
import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.internal.repository.SavesAcrossShards;
import io.github.shardingorm.internal.repository.ShardedRepositoryImpl;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.topology.TopologyRuntime;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.routing.Topology;
import io.github.shardingorm.internal.stats.Instrumentation;
import io.github.shardingorm.internal.stats.StatisticsRecorder;
import io.github.shardingorm.metrics.ShardingStatistics;
import io.github.shardingorm.internal.writes.CrossShardRuntime;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.saga.Sagas;
import io.github.shardingorm.spi.BucketedShardResolver;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.time.Duration;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/** The running sharded persistence unit. */
public final class ShardedPersistenceImpl implements ShardedPersistence {

    private final SessionFactory sessionFactory;
    private final SessionFactory handle;
    private final ShardPools pools;
    private final ShardRouter router;
    private final ShardSessions sessions;
    private final Map<Class<?>, ShardedRepository<?, ?>> repositories = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CrossShardRuntime writes;
    private final io.github.shardingorm.internal.query.ShardedQueries queries;
    private final CacheRuntime cache;
    private final SavesAcrossShards saves;
    private final TopologyRuntime topology;
    private final Instrumentation instrumentation;
    private final RowCounts rowCounts;

    ShardedPersistenceImpl(SessionFactory sessionFactory, ShardPools pools, ShardRouter router, ShardSessions sessions,
                           io.github.shardingorm.internal.query.ShardedQueries queries, CrossShardRuntime writes,
                           TopologyRuntime topology, CacheRuntime cache,
                           Instrumentation instrumentation, RowCounts rowCounts) {
        this.instrumentation = instrumentation;
        this.rowCounts = rowCounts;
        this.cache = cache;
        this.topology = topology;
        this.sessionFactory = sessionFactory;
        this.handle = ShardedSessionFactoryHandle.of((org.hibernate.engine.spi.SessionFactoryImplementor) sessionFactory, this);
        this.pools = pools;
        this.router = router;
        this.sessions = sessions;
        this.queries = queries;
        this.writes = writes;
        this.saves = new SavesAcrossShards(router, sessions, sessionFactory, queries);
    }

    @Override
    public List<Object> saveAll(Iterable<?> entities) {
        return saves.saveAll(entities);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T, ID> ShardedRepository<T, ID> repository(Class<T> entityClass) {
        router.model(entityClass);
        return (ShardedRepository<T, ID>) repositories.computeIfAbsent(entityClass,
                c -> new ShardedRepositoryImpl<>(entityClass, router, sessions, queries, saves, cache));
    }

    @Override
    public void inTransaction(Object key, Consumer<Session> work) {
        sessions.fromRoutedTransaction(() -> router.shardOfKey(key), router::mapVersion, false, s -> {
            work.accept(s);
            return null;
        });
    }

    @Override
    public <R> R fromTransaction(Object key, Function<Session, R> work) {
        return sessions.fromRoutedTransaction(() -> router.shardOfKey(key), router::mapVersion, false, work);
    }

    @Override
    public <R> R fromReadOnlyTransaction(Object key, Function<Session, R> work) {
        return sessions.fromRoutedTransaction(() -> router.shardOfKey(key), router::mapVersion, true, work);
    }

    @Override
    public <R> R fromReadOnlyTransaction(Object key, ReadFrom readFrom, Duration maxLag, Function<Session, R> work) {
        java.util.Objects.requireNonNull(readFrom, "readFrom");
        if (maxLag != null && maxLag.isNegative()) {
            throw new IllegalArgumentException("maximum lag must not be negative but was " + maxLag);
        }
        return sessions.fromReadOnlyTransaction(router.shardOfKey(key), readFrom, maxLag == null ? -1 : maxLag.toMillis(), work);
    }

    @Override
    public List<ShardHealth> health() {
        return pools.health();
    }

    @Override
    public ConsistencyToken consistencyToken() {
        return ReadContext.token();
    }

    @Override
    public void adoptConsistency(ConsistencyToken token) {
        ReadContext.adopt(java.util.Objects.requireNonNull(token, "token"));
    }

    @Override
    public void resetConsistency() {
        ReadContext.resetToken();
    }

    @Override
    public <R> R withConsistency(ConsistencyToken token, Supplier<R> work) {
        java.util.Objects.requireNonNull(token, "token");
        java.util.Objects.requireNonNull(work, "work");
        try (ReadContext.Scope scope = ReadContext.withToken(token)) {
            return work.get();
        }
    }

    @Override
    public <R> R fromSession(Object key, Function<Session, R> work) {
        return sessions.fromSession(router.shardOfKey(key), work);
    }

    @Override
    public <R> R fromTransactionOnShard(String shardId, Function<Session, R> work) {
        router.checkShard(shardId);
        return sessions.fromTransaction(shardId, false, work);
    }

    @Override
    public io.github.shardingorm.ShardScope bind(Object key) {
        return sessions.context().bind(router.shardOfKey(key), key);
    }

    @Override
    public String shardOf(Object key) {
        return router.shardOfKeyAsked(key); // a question, not an operation: not counted in the hot-bucket sketch
    }

    @Override
    public String shardOf(Class<?> entityClass, Object key) {
        if (entityClass == null) {
            throw new IllegalArgumentException("entityClass must not be null");
        }
        return router.shardOfKeyAsked(router.model(entityClass), key);
    }

    @Override
    public String shardOfEntity(Object entity) {
        return router.shardOfEntityAsked(entity);
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
        BucketedShardResolver resolver = bucketed("replaceShardMap()");
        java.util.Objects.requireNonNull(next, "next");
        TopologyService service = topology.service();
        ShardMap before = resolver.shardMap();
        if (service != null) {
            // every instance evicts the changed buckets as it follows the versions (ReshardingWiring.followedMoves)
            service.replaceMap(next, this::rowsPerBucket);
            evictChangedBuckets(before, next);
            return;
        }
        // in memory (one JVM, no fence): count, then swap; a row written in between is not seen
        ShardMap current = resolver.shardMap();
        java.util.Map<String, java.util.Set<Integer>> losing = new java.util.TreeMap<>();
        if (next.bucketCount() == current.bucketCount()) {
            for (int b = 0; b < next.bucketCount(); b++) {
                if (!next.shardOf(b).equals(current.shardOf(b))) {
                    losing.computeIfAbsent(current.shardOf(b), k -> new java.util.TreeSet<>()).add(b);
                }
            }
        }
        java.util.Map<Integer, Long> rows = new java.util.TreeMap<>();
        losing.forEach((shard, buckets) -> rowsPerBucket(shard, buckets).forEach((b, n) -> {
            if (n > 0) {
                rows.put(b, n);
            }
        }));
        if (!rows.isEmpty()) {
            throw new IllegalStateException("replaceShardMap to version " + next.version() + " refused: it would strand rows in "
                    + rows.size() + " bucket(s) that change shard, bucket=rows " + rows
                    + " (move them with online resharding, or change only empty buckets)");
        }
        evictChangedBuckets(current, next);
        resolver.replaceShardMap(next);
        evictChangedBuckets(current, next);
    }

    /** The caches' entries of the buckets that change shard, on their old and new shard, here and in the other instances. */
    private void evictChangedBuckets(ShardMap before, ShardMap after) {
        if (cache == null || !cache.enabled() || before.bucketCount() != after.bucketCount()) {
            return;
        }
        java.util.Map<String, java.util.Set<Integer>> changed = new java.util.TreeMap<>();
        for (int b = 0; b < after.bucketCount(); b++) {
            if (!before.shardOf(b).equals(after.shardOf(b))) {
                changed.computeIfAbsent(before.shardOf(b), k -> new java.util.TreeSet<>()).add(b);
                changed.computeIfAbsent(after.shardOf(b), k -> new java.util.TreeSet<>()).add(b);
            }
        }
        changed.forEach((shard, buckets) -> ReshardingWiring.evict(cache, shard, buckets));
    }

    /**
     * The rows of every sharded entity on {@code shard} per bucket of {@code buckets}: the keys are
     * read (JPQL, one column) and hashed in Java with the strategy's own function.
     */
    private java.util.Map<Integer, Long> rowsPerBucket(String shard, java.util.Set<Integer> buckets) {
        BucketedShardResolver resolver = router.bucketed();
        java.util.Map<Integer, Long> counts = new java.util.TreeMap<>();
        java.util.Set<Class<?>> roots = new java.util.LinkedHashSet<>();
        for (Class<?> type : sessionFactory.getMetamodel().getEntities().stream().map(e -> e.getJavaType()).toList()) {
            io.github.shardingorm.internal.routing.ShardedEntityModel model = router.modelOrNull(type);
            if (model != null && model.entityClass() == type) {
                roots.add(type);
            }
        }
        for (Class<?> type : roots) {
            io.github.shardingorm.internal.routing.ShardedEntityModel model = router.model(type);
            sessions.fromTransaction(shard, true, s -> {
                try (java.util.stream.Stream<Object> keys = s.createQuery("select e." + model.keyAttribute() + " from "
                        + model.entityName() + " e", Object.class).setFetchSize(1000).getResultStream()) {
                    keys.forEach(raw -> {
                        int bucket = resolver.bucketOf(model.keyType().normalize(raw));
                        if (buckets.contains(bucket)) {
                            counts.merge(bucket, 1L, Long::sum);
                        }
                    });
                }
                return null;
            });
        }
        return counts;
    }

    @Override
    public Topology topology() {
        bucketed("topology()");
        return topology.topology(router);
    }

    private volatile io.github.shardingorm.resharding.Resharding resharding;
    private volatile String reshardingUnavailable = "online resharding needs a bucketed strategy and the stored topology";

    /** Set by start-up: the resharding service, or why there is none. */
    void resharding(io.github.shardingorm.resharding.Resharding service, String unavailable) {
        this.resharding = service;
        this.reshardingUnavailable = unavailable;
    }

    @Override
    public io.github.shardingorm.resharding.Resharding resharding() {
        io.github.shardingorm.resharding.Resharding r = resharding;
        if (r == null) {
            throw new UnsupportedOperationException(reshardingUnavailable);
        }
        return r;
    }

    /** Internal: the resharding jobs and imports running in this JVM (the metrics read them), or null without resharding. */
    public io.github.shardingorm.internal.resharding.ActiveJobs activeJobs() {
        return resharding instanceof io.github.shardingorm.internal.resharding.ReshardingService s ? s.active() : null;
    }

    /** Internal: the stored topology's service (the resharding mover's API), or null when the topology is in memory. */
    public TopologyService topologyService() {
        return topology.service();
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
        return handle;
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        if (type.isInstance(handle)) {
            return type.cast(handle);
        }
        try {
            return sessionFactory.unwrap(type);
        } catch (jakarta.persistence.PersistenceException e) {
            throw new jakarta.persistence.PersistenceException("A ShardedPersistence unwraps to itself, its EntityManagerFactory /"
                    + " SessionFactory, and what Hibernate's SessionFactory unwraps to; not to " + type.getName(), e);
        }
    }

    /** Internal: the router (for tests and later capabilities). */
    public ShardRouter router() {
        return router;
    }

    /** Internal: the pools (for tests and later capabilities). */
    public ShardPools pools() {
        return pools;
    }

    /** Internal: sagas, two-phase commit, reference writes (for tests). */
    public CrossShardRuntime crossShardWrites() {
        return writes;
    }

    /**
     * Internal: the caches; resharding calls {@code cache().evictBuckets(shard, buckets)} before it
     * releases a moved bucket's fence.
     */
    public CacheRuntime cache() {
        return cache;
    }

    @Override
    public io.github.shardingorm.cache.CacheStatistics cacheStatistics() {
        return cache.statistics();
    }

    /** Internal: where the engine reports (statistics, and listeners such as the Micrometer binding). */
    public Instrumentation instrumentation() {
        return instrumentation;
    }

    @Override
    public ShardingStatistics statistics() {
        return statistics(false);
    }

    @Override
    public ShardingStatistics statistics(boolean exactRowCounts) {
        StatisticsRecorder recorder = instrumentation.statistics();
        if (recorder == null) {
            throw new IllegalStateException("statistics are off (ShardedPersistenceBuilder.statistics(false) or "
                    + io.github.shardingorm.ShardingSettings.STATISTICS + "=false)");
        }
        return recorder.snapshot(rowCounts.count(router.shardIds(), exactRowCounts), exactRowCounts);
    }

    @Override
    public Sagas sagas() {
        return writes.sagas();
    }

    @Override
    public void atomically(Collection<?> keys, Consumer<CrossShardSessions> work) {
        java.util.Objects.requireNonNull(work, "work");
        writes.twoPhase().atomically(keys, work);
    }

    @Override
    public io.github.shardingorm.InDoubtTransactions inDoubtTransactions() {
        return writes.inDoubt();
    }

    @Override
    public ReferenceTables references() {
        return writes.references();
    }

    @Override
    public <R> io.github.shardingorm.query.ShardedQuery<R> query(String jpql, Class<R> resultType) {
        return queries.query(jpql, resultType);
    }

    @Override
    public <R> io.github.shardingorm.query.ShardedQuery<R> query(jakarta.persistence.criteria.CriteriaQuery<R> criteria) {
        return queries.query(criteria);
    }

    @Override
    public long executeUpdate(String jpql, Map<String, ?> parameters) {
        try {
            return queries.executeUpdate(jpql, parameters);
        } finally {
            cache.afterBulkWrite(); // rows changed without entity events: flush every cache, here and elsewhere
        }
    }

    @Override
    public void executeOnAllShards(String nativeSql) {
        try {
            queries.executeOnAllShards(nativeSql);
        } finally {
            cache.afterBulkWrite();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            topology.close();
            cache.close();
            writes.close();
            queries.close();
            instrumentation.close();
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
