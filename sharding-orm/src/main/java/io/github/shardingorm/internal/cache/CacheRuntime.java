package io.github.shardingorm.internal.cache;

import io.github.shardingorm.cache.CacheConfig;
import io.github.shardingorm.cache.CacheStatistics;
import io.github.shardingorm.internal.config.Defaults;
import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.internal.config.ShardingConfiguration;
import io.github.shardingorm.internal.jdbc.ShardJdbc;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.hibernate.boot.CacheRegionDefinition;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.MetadataBuilder;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cfg.CacheSettings;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.persister.entity.EntityPersister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caches of one unit, composed (issue 16). Start-up drives it in four steps: {@link #create}
 * checks the settings; {@link #applySettings} / {@link #applyMetadata} / {@link #integrator} wire it
 * into the one SessionFactory (a private region factory instance, the cached entities, the write
 * capture); {@link #start} checks the built model and the provider, builds the cache-asides and starts
 * one invalidation listener per shard.
 *
 * <p>Pieces: {@link ShardSafeRegionFactory} + {@link ShardStorage} (the second-level cache, per shard),
 * {@link CacheAside} (keyed {@code findById}, with leases), {@link WriteCapture} (sends a
 * transaction's invalidations with {@code pg_notify} inside it), {@link InvalidationListener} (one
 * dedicated connection per shard) + {@link InvalidationApplier}, {@link CacheCounters}.
 *
 * <p>Resharding calls {@link #evictBuckets(String, Set)} before it releases a moved bucket's fence.
 *
 * <p>Nothing here is static or global: a unit's region factory, cache manager, listeners and
 * listeners of Hibernate events belong to its SessionFactory only; a unit without caching has none.
 */
public final class CacheRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheRuntime.class);

    private final CacheConfig config;
    private final List<ShardDefinition> shards;
    // not UUID.randomUUID(): seeding a SecureRandom costs start-up time, and this only tells instances apart
    private final String instanceId = String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
    private final CacheCounters counters = new CacheCounters();
    private final List<ShardStorage> storages;
    private final boolean invalidation;
    private final WriteCapture capture = new WriteCapture(this);
    private final Map<String, CacheAside> asides = new ConcurrentHashMap<>();
    private final Map<String, InvalidationListener> listeners = new ConcurrentHashMap<>();
    /** Per shard, the region factory's timestamp of its last flush: loads of older transactions put nothing. */
    private final Map<String, Long> flushedAt = new ConcurrentHashMap<>();
    private volatile SessionFactoryImplementor sessionFactory;
    private volatile InvalidationApplier applier;
    private volatile ShardJdbc jdbc;
    private RegionFactory regionFactory;

    private CacheRuntime(ShardingConfiguration configuration) {
        this.config = configuration.cache();
        this.shards = configuration.shards();
        this.storages = new java.util.concurrent.CopyOnWriteArrayList<>();
        boolean postgres = shards.stream().allMatch(s -> s.jdbcUrl() != null && s.jdbcUrl().startsWith("jdbc:postgresql:"));
        this.invalidation = config.enabled() && switch (config.invalidation()) {
            case ENABLED -> true;
            case DISABLED -> false;
            case AUTO -> postgres;
        };
    }

    /** Checks the cache settings (adding problems) and returns the runtime; {@link #enabled()} false when nothing is cached. */
    public static CacheRuntime create(ShardingConfiguration configuration, List<String> problems) {
        CacheSafety.checkSettings(configuration, problems);
        return new CacheRuntime(configuration);
    }

    public boolean enabled() {
        return config.enabled();
    }

    // ------------------------------------------------------------------ wiring (before the SessionFactory)

    public void applySettings(StandardServiceRegistryBuilder builder) {
        if (!config.secondLevel()) {
            builder.applySetting(CacheSettings.USE_SECOND_LEVEL_CACHE, false);
            builder.applySetting(CacheSettings.USE_QUERY_CACHE, false);
            return;
        }
        regionFactory = ShardSafeRegionFactory.create(config, counters, instanceId, storages, this::listening, this::flushedAt);
        builder.applySetting(CacheSettings.CACHE_REGION_FACTORY, regionFactory);
        builder.applySetting(CacheSettings.USE_SECOND_LEVEL_CACHE, true);
        builder.applySetting(CacheSettings.USE_QUERY_CACHE, config.queryCache());
    }

    public void applyMetadata(MetadataBuilder builder) {
        for (Class<?> c : config.entities().keySet()) {
            builder.applyCacheRegionDefinition(new CacheRegionDefinition(CacheRegionDefinition.CacheRegionType.ENTITY,
                    c.getName(), "read-write", c.getName(), true));
        }
    }

    /** Registers the write capture with the SessionFactory's events (nothing when nothing is cached). */
    public Integrator integrator() {
        return new Integrator() {
            @Override
            public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor sf) {
                if (!config.enabled()) {
                    return;
                }
                EventListenerRegistry registry = sf.getEventListenerRegistry();
                registry.appendListeners(EventType.POST_INSERT, capture);
                registry.appendListeners(EventType.POST_UPDATE, capture);
                registry.appendListeners(EventType.POST_DELETE, capture);
                registry.appendListeners(EventType.POST_COLLECTION_RECREATE, capture);
                registry.appendListeners(EventType.POST_COLLECTION_UPDATE, capture);
                registry.appendListeners(EventType.POST_COLLECTION_REMOVE, capture);
            }
        };
    }

    // ------------------------------------------------------------------ start (the SessionFactory is built)

    public void start(SessionFactoryImplementor sf, ShardRouter router, ShardJdbc shardJdbc, List<String> problems, List<Throwable> causes) {
        if (!config.enabled()) {
            return;
        }
        this.sessionFactory = sf;
        this.jdbc = shardJdbc;
        this.applier = new InvalidationApplier(sf, this);
        CacheSafety.checkModel(sf, config, problems);
        if (config.secondLevel()) {
            ShardSafeRegionFactory.probeProvider(regionFactory, config.provider(), problems);
        }
        if (!problems.isEmpty()) {
            return;
        }
        config.cacheAside().forEach((c, size) -> {
            EntityPersister p = sf.getMappingMetamodel().getEntityDescriptor(c);
            ShardedEntityModel model = router.modelOrNull(c);
            boolean bucketed = router.isBucketed() && model != null;
            asides.put(p.getEntityName(), new CacheAside(p, sf, size,
                    bucketed ? e -> router.bucketOfEntity(model, e) : e -> -1, this::listening, counters));
        });
        if (invalidation) {
            for (ShardDefinition shard : shards) {
                InvalidationListener l = new InvalidationListener(shard, Defaults.CACHE_CHANNEL, instanceId, new InvalidationListener.Sink() {
                    @Override
                    public void apply(String s, List<Invalidation> invalidations) {
                        applier.apply(s, invalidations);
                    }

                    @Override
                    public void flushShard(String s) {
                        CacheRuntime.this.flushShard(s);
                    }
                });
                try {
                    l.start();
                    listeners.put(shard.id(), l);
                } catch (SQLException e) {
                    problems.add("cache invalidation: shard '" + shard.id() + "' cannot LISTEN on a dedicated connection ("
                            + e.getMessage() + "); set CacheConfig.invalidation(DISABLED) for a single instance");
                    causes.add(e);
                }
            }
        }
        LOG.info("sharding-orm caches: second-level {} (entities {}, query cache {}), cache-aside {}, invalidation across instances {}",
                config.secondLevel() ? "on" : "off", config.entities().keySet().stream().map(Class::getSimpleName).toList(),
                config.queryCache() ? "on" : "off", config.cacheAside().keySet().stream().map(Class::getSimpleName).toList(),
                invalidation ? "on (LISTEN " + Defaults.CACHE_CHANNEL + ", instance " + instanceId + ")" : "off");
    }

    // ------------------------------------------------------------------ keyed reads

    /** The cache-aside of {@code findById} of this entity, or null when its reads are not cached. */
    public CacheAside findByIdCache(Class<?> entityClass) {
        if (asides.isEmpty() || sessionFactory == null) {
            return null;
        }
        return asides.get(sessionFactory.getMappingMetamodel().getEntityDescriptor(entityClass).getEntityName());
    }

    // ------------------------------------------------------------------ invalidation

    /**
     * Resharding's seam: evicts every cached entry of these buckets on this shard, here and (by a
     * notification) in every other instance. Call it after a bucket's rows moved and before its fence
     * is released, for the shard it left (and the shard it reached), so that a bucket that moves and
     * moves back never serves an old entry. The cache-aside evicts exactly the buckets; the
     * second-level cache (whose keys know the shard but not the bucket) evicts the shard's entries.
     */
    public void evictBuckets(String shard, Set<Integer> buckets) {
        if (!config.enabled() || buckets.isEmpty()) {
            return;
        }
        evictBucketsLocally(shard, buckets);
        if (invalidation) {
            String list = new TreeSet<>(buckets).stream().map(String::valueOf).collect(Collectors.joining(","));
            List<String> lines = new ArrayList<>();
            lines.add(list.length() < Invalidation.MAX_PAYLOAD_BYTES - 100
                    ? new Invalidation(Invalidation.Kind.BUCKETS, list, null).line()
                    : new Invalidation(Invalidation.Kind.ALL, null, null).line());
            notifyShard(shard, lines, "an eviction of " + buckets.size() + " buckets");
        }
    }

    /**
     * The same as {@link #evictBuckets} in this instance only (no notification): what every
     * instance does when it follows a topology version in which buckets changed shard.
     */
    public void evictBucketsHere(String shard, Set<Integer> buckets) {
        if (config.enabled() && !buckets.isEmpty()) {
            evictBucketsLocally(shard, buckets);
        }
    }

    /**
     * After a bulk write ({@code orm.executeUpdate}, {@code orm.executeOnAllShards}): rows changed
     * without entity events, so every shard's cached entries are flushed here and, by a notification
     * sent after the bulk write (it commits shard by shard), in every other instance. A failure to
     * notify a shard is logged: the other instances keep their entries of it until they expire.
     */
    public void afterBulkWrite() {
        if (!config.enabled()) {
            return;
        }
        for (ShardDefinition shard : shards) {
            flushShard(shard.id());
            if (invalidation) {
                try {
                    notifyShard(shard.id(), List.of(new Invalidation(Invalidation.Kind.ALL, null, null).line()), "a bulk write");
                } catch (RuntimeException e) {
                    LOG.warn("could not send the cache flush after a bulk write to shard '{}'", shard.id(), e);
                }
            }
        }
    }

    private void notifyShard(String shard, List<String> lines, String what) {
        jdbc.autoCommit(shard, "send cache invalidations of " + what, c -> {
            try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
                for (String payload : Invalidation.payloads(instanceId, lines)) {
                    ps.setString(1, Defaults.CACHE_CHANNEL);
                    ps.setString(2, payload);
                    ps.execute();
                }
            }
            return null;
        });
    }

    void evictBucketsLocally(String shard, Set<Integer> buckets) {
        if (regionFactory != null) {
            flushedAt.put(shard, regionFactory.nextTimestamp());
        }
        storages.forEach(s -> s.evictShard(shard));
        asides.values().forEach(a -> a.evictBuckets(shard, buckets));
    }

    /** Every cached entry of a shard: after a listener lost its connection and after it reconnected. */
    void flushShard(String shard) {
        if (regionFactory != null) {
            flushedAt.put(shard, regionFactory.nextTimestamp());
        }
        storages.forEach(s -> s.evictShard(shard));
        asides.values().forEach(a -> a.invalidateShard(shard));
    }

    /** Every entry of one entity (and its collections) on one shard. */
    void flushEntity(EntityPersister persister, String shard) {
        Set<String> regions = new java.util.HashSet<>();
        if (persister.canWriteToCache()) {
            regions.add(persister.getCacheAccessStrategy().getRegion().getName());
        }
        sessionFactory.getMappingMetamodel().forEachCollectionDescriptor(c -> {
            if (c.hasCache() && c.getOwnerEntityPersister().getRootEntityName().equals(persister.getRootEntityName())) {
                regions.add(c.getCacheAccessStrategy().getRegion().getName());
            }
        });
        storages.stream().filter(s -> regions.contains(s.region())).forEach(s -> s.evictShard(shard));
        CacheAside aside = asides.get(persister.getEntityName());
        if (aside != null) {
            aside.invalidateShard(shard);
        }
    }

    void afterLocalCommit(String shard, Collection<Invalidation> invalidations) {
        if (asides.isEmpty()) {
            return;
        }
        for (Invalidation i : invalidations) {
            if (i.kind() == Invalidation.Kind.ENTITY) {
                asideInvalidate(i.name(), shard, i.id());
            }
        }
    }

    void asideInvalidate(String entityName, String shard, Object id) {
        CacheAside aside = asides.get(entityName);
        if (aside != null) {
            aside.invalidate(shard, id);
        }
    }

    void countEviction(String region, String shard) {
        counters.of(region, shard).evictions.increment();
    }

    boolean hasAside(String entityName) {
        return asides.containsKey(entityName);
    }

    boolean queryCacheOn() {
        return config.queryCache();
    }

    boolean publishes() {
        return invalidation;
    }

    String instanceId() {
        return instanceId;
    }

    String channel() {
        return Defaults.CACHE_CHANNEL;
    }

    String ownerOfRole(String role) {
        return sessionFactory.getMappingMetamodel().getCollectionDescriptor(role).getOwnerEntityPersister().getEntityName();
    }

    long flushedAt(String shard) {
        Long at = shard == null ? null : flushedAt.get(shard);
        return at == null ? Long.MIN_VALUE : at;
    }

    /** Whether a shard's invalidations reach this instance now (always, without invalidation across instances). */
    boolean listening(String shard) {
        if (!invalidation || shard == null || CacheCounters.ALL_SHARDS.equals(shard)) {
            return true; // the timestamps of the query cache are per table, for every shard
        }
        InvalidationListener l = listeners.get(shard);
        return l != null && l.listening();
    }

    // ------------------------------------------------------------------ statistics, tests, close

    public CacheStatistics statistics() {
        return counters;
    }

    /** Told of each region and shard's counters once, when they first count (the Micrometer binding registers meters on them). */
    @FunctionalInterface
    public interface CountersListener {
        void counters(String region, String shard, java.util.concurrent.atomic.LongAdder hits, java.util.concurrent.atomic.LongAdder misses,
                      java.util.concurrent.atomic.LongAdder puts, java.util.concurrent.atomic.LongAdder evictions);
    }

    /** Tells {@code listener} of every region and shard's counters, those that exist now and every later one (meters). */
    public void onCounters(CountersListener listener) {
        counters.addListener(listener);
    }

    /** For tests: the application name of this instance's listener sessions (pg_stat_activity). */
    public String listenerApplicationName() {
        return "sharding-orm-cache-" + instanceId;
    }

    /** For tests: how often the listener of a shard reconnected. */
    public long listenerReconnects(String shard) {
        InvalidationListener l = listeners.get(shard);
        return l == null ? 0 : l.reconnects();
    }

    /**
     * For tests: the connection losses the listener of a shard has handled, each counted after the
     * shard's entries were flushed ({@link #listenerUp} turns false before that flush).
     */
    public long listenerLosses(String shard) {
        InvalidationListener l = listeners.get(shard);
        return l == null ? 0 : l.losses();
    }

    /** For tests: whether the listener of a shard is connected. */
    public boolean listenerUp(String shard) {
        return listening(shard);
    }

    /** For tests: transactions in flight holding captured invalidations (0 at rest). */
    public int capturesInFlight() {
        return capture.inFlight();
    }

    @Override
    public void close() {
        listeners.values().forEach(InvalidationListener::close);
        listeners.clear();
        asides.values().forEach(CacheAside::clear);
    }
}
