package io.github.shardingorm.internal.cache;

import io.github.shardingorm.cache.CacheConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.spi.CachingProvider;
import org.hibernate.boot.spi.SessionFactoryOptions;
import org.hibernate.cache.cfg.spi.DomainDataRegionBuildingContext;
import org.hibernate.cache.cfg.spi.DomainDataRegionConfig;
import org.hibernate.cache.internal.CacheKeyImplementation;
import org.hibernate.cache.internal.DefaultCacheKeysFactory;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cache.spi.support.DomainDataStorageAccess;
import org.hibernate.cache.spi.support.StorageAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/**
 * Hibernate's JCache region factory, made safe per shard and private to one unit:
 * <ul>
 *   <li>its own {@link CacheManager} (a URI no other SessionFactory uses), so no region is shared with
 *       another SessionFactory in the JVM, and closed with the unit;</li>
 *   <li>the default keys factory (keys carry the tenant), whatever {@code hibernate.cache.keys_factory}
 *       says (start-up refuses {@code simple} anyway, see {@link CacheSafety});</li>
 *   <li>every region created with its size and expiry from {@link CacheConfig} (Caffeine: maximum size
 *       and expire-after-write; another provider: a created-expiry policy, sizes from its own
 *       configuration);</li>
 *   <li>every storage counted per shard, the query results keyed per shard ({@link ShardStorage}).</li>
 * </ul>
 */
final class ShardSafeRegionFactory extends JCacheRegionFactory {

    static final String CAFFEINE_PROVIDER = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";

    private final CacheConfig config;
    private final CacheCounters counters;
    private final String instanceId;
    private final List<ShardStorage> storages;
    private final java.util.function.Predicate<String> listening;
    private final java.util.function.ToLongFunction<String> flushedAt;

    private ShardSafeRegionFactory(CacheConfig config, CacheCounters counters, String instanceId, List<ShardStorage> storages,
                                   java.util.function.Predicate<String> listening, java.util.function.ToLongFunction<String> flushedAt) {
        super(DefaultCacheKeysFactory.INSTANCE);
        this.listening = listening;
        this.flushedAt = flushedAt;
        this.config = config;
        this.counters = counters;
        this.instanceId = instanceId;
        this.storages = storages;
    }

    /**
     * A region factory adding every storage it builds to {@code storages}. Typed as Hibernate's
     * {@link org.hibernate.cache.spi.RegionFactory} so that callers do not load JCache classes
     * unless caching is on.
     */
    static org.hibernate.cache.spi.RegionFactory create(CacheConfig config, CacheCounters counters, String instanceId,
                                                        List<ShardStorage> storages, java.util.function.Predicate<String> listening,
                                                        java.util.function.ToLongFunction<String> flushedAt) {
        return new ShardSafeRegionFactory(config, counters, instanceId, storages, listening, flushedAt);
    }

    /** The cache manager of a started factory made by {@link #create}. */
    static CacheManager cacheManager(org.hibernate.cache.spi.RegionFactory factory) {
        return ((ShardSafeRegionFactory) factory).getCacheManager();
    }

    @Override
    protected CacheManager resolveCacheManager(SessionFactoryOptions settings, Map<String, Object> properties) {
        ClassLoader loader = ShardSafeRegionFactory.class.getClassLoader();
        CachingProvider provider = Caching.getCachingProvider(config.provider(), loader);
        return provider.getCacheManager(URI.create("sharding-orm-" + instanceId), loader);
    }

    @Override
    protected Cache<Object, Object> createCache(String regionName) {
        CacheConfig.Region region = config.region(regionName);
        if (CAFFEINE_PROVIDER.equals(config.provider())) {
            return CaffeineRegions.create(getCacheManager(), regionName, region);
        }
        MutableConfiguration<Object, Object> c = new MutableConfiguration<>();
        c.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
                new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, region.timeToLive().toMillis())));
        return getCacheManager().createCache(regionName, c);
    }

    @Override
    protected DomainDataStorageAccess createDomainDataStorageAccess(DomainDataRegionConfig regionConfig,
                                                                    DomainDataRegionBuildingContext buildingContext) {
        String name = regionConfig.getRegionName();
        return track(new ShardStorage(name, getOrCreateCache(name, buildingContext.getSessionFactory()), counters, false, listening, flushedAt));
    }

    @Override
    protected StorageAccess createQueryResultsRegionStorageAccess(String regionName, SessionFactoryImplementor sessionFactory) {
        String name = defaultRegionName(regionName, sessionFactory, DEFAULT_QUERY_RESULTS_REGION_UNQUALIFIED_NAME,
                LEGACY_QUERY_RESULTS_REGION_UNQUALIFIED_NAMES);
        return track(new ShardStorage(name, getOrCreateCache(name, sessionFactory), counters, true, listening, flushedAt));
    }

    @Override
    protected StorageAccess createTimestampsRegionStorageAccess(String regionName, SessionFactoryImplementor sessionFactory) {
        String name = defaultRegionName(regionName, sessionFactory, DEFAULT_UPDATE_TIMESTAMPS_REGION_UNQUALIFIED_NAME,
                LEGACY_UPDATE_TIMESTAMPS_REGION_UNQUALIFIED_NAMES);
        return track(new ShardStorage(name, getOrCreateCache(name, sessionFactory), counters, false, listening, flushedAt));
    }

    private ShardStorage track(ShardStorage storage) {
        storages.add(storage);
        return storage;
    }

    /**
     * Stores two keys that differ only by shard in a probe cache of the provider and reads both back:
     * a provider that keys by {@code toString()} (no tenant) returns one value for both.
     */
    static void probeProvider(org.hibernate.cache.spi.RegionFactory factory, String provider, List<String> problems) {
        CacheManager manager = cacheManager(factory);
        String name = "sharding-orm-probe";
        Cache<Object, Object> probe = manager.createCache(name, new MutableConfiguration<>());
        try {
            Object a = new CacheKeyImplementation(1L, "sharding-orm.Probe", "s0", 42);
            Object b = new CacheKeyImplementation(1L, "sharding-orm.Probe", "s1", 42);
            probe.put(a, "s0");
            probe.put(b, "s1");
            if (!"s0".equals(probe.get(a)) || !"s1".equals(probe.get(b))) {
                problems.add("JCache provider " + provider + " (CacheConfig.provider) keeps one entry for two keys that differ "
                        + "only by shard (does it key by toString()?): entries of one shard would be served for another");
            }
        } finally {
            manager.destroyCache(name);
        }
    }
}
