package io.github.shardingorm.internal.cache;

import io.github.shardingorm.cache.CacheConfig;
import io.github.shardingorm.internal.config.ShardingConfiguration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.MappingMetamodel;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.Type;

/**
 * The settings that would make a cache unsafe per shard (or across instances), refused at start-up
 * with the setting named. From Hibernate 7.4's sources:
 * <ul>
 *   <li>{@code hibernate.cache.keys_factory=simple} ({@code SimpleCacheKeysFactory}) keys entities and
 *       collections by the bare id and natural ids without the tenant: the same id on two shards would
 *       be one entry. A custom keys factory cannot be checked, so only {@code default} is accepted.</li>
 *   <li>{@code QueryKey} has no tenant at all: sharding-orm keys the query results region per shard
 *       itself ({@link ShardStorage}), so the query cache is its to turn on ({@code hibernate.cache.use_query_cache}
 *       is refused).</li>
 *   <li>the region factory and the JCache cache manager ({@code hibernate.cache.region.factory_class},
 *       {@code hibernate.javax.cache.*}) are sharding-orm's: another region factory is not checked,
 *       and a shared cache manager or URI would share regions with another SessionFactory.</li>
 *   <li>a JCache provider that keys by {@code toString()} (which has no tenant) loses the shard: a probe
 *       at start-up stores two keys that differ only by shard and reads both back
 *       ({@link ShardSafeRegionFactory#probeProvider}).</li>
 *   <li>{@code NONSTRICT_READ_WRITE} (the default strategy setting, or an entity's {@code @Cache}) puts a
 *       loaded value without checking for a concurrent invalidation: refused, {@code READ_WRITE} is safe.</li>
 * </ul>
 */
final class CacheSafety {

    static final String KEYS_FACTORY = "hibernate.cache.keys_factory";
    static final String DEFAULT_STRATEGY = "hibernate.cache.default_cache_concurrency_strategy";
    private static final List<String> MANAGED = List.of("hibernate.cache.region.factory_class", "hibernate.javax.cache.",
            "hibernate.cache.use_query_cache", "hibernate.cache.use_second_level_cache", "hibernate.cache.region_prefix");

    private CacheSafety() {
    }

    /** Checks the settings before anything starts; adds one problem per unsafe setting. */
    static void checkSettings(ShardingConfiguration configuration, List<String> problems) {
        Map<String, Object> properties = configuration.sessions().hibernateProperties();
        Object keys = properties.get(KEYS_FACTORY);
        if (keys != null) {
            String text = keys instanceof Class<?> c ? c.getName() : keys instanceof String s ? s : keys.getClass().getName();
            if (text.equalsIgnoreCase("simple") || text.endsWith("SimpleCacheKeysFactory")) {
                problems.add("Hibernate setting '" + KEYS_FACTORY + "=" + keys + "' drops the tenant (the shard) from second-level "
                        + "cache keys: the same id on two shards would share one entry; remove the setting");
            } else if (!text.equalsIgnoreCase("default") && !text.endsWith(".DefaultCacheKeysFactory")) {
                problems.add("Hibernate setting '" + KEYS_FACTORY + "=" + keys + "' names a keys factory sharding-orm cannot check "
                        + "to keep the shard in every cache key; remove the setting (the default keeps it)");
            }
        }
        for (String key : properties.keySet()) {
            for (String managed : MANAGED) {
                if (key.equals(managed) || managed.endsWith(".") && key.startsWith(managed)) {
                    problems.add("Hibernate setting '" + key + "' is managed by sharding-orm: configure caching with "
                            + "ShardedPersistenceBuilder.cache(CacheConfig) (another region factory or cache manager is not "
                            + "checked to be safe per shard and could share regions with another SessionFactory)");
                }
            }
        }
        Object strategy = properties.get(DEFAULT_STRATEGY);
        if (strategy != null && strategy.toString().toLowerCase(Locale.ROOT).replace('_', '-').contains("nonstrict")) {
            problems.add("Hibernate setting '" + DEFAULT_STRATEGY + "=" + strategy + "' is unsafe across instances: a load "
                    + "racing another instance's invalidation would put back a stale entry; use read-write");
        }
        CacheConfig cache = configuration.cache();
        if (!cache.enabled()) {
            return;
        }
        if (cache.secondLevel()) {
            requireClass("org.hibernate.cache.jcache.internal.JCacheRegionFactory", "org.hibernate.orm:hibernate-jcache", problems);
        }
        requireClass("javax.cache.Caching", "javax.cache:cache-api (with a JCache provider)", problems);
        requireClass(cache.provider(), "the JCache provider " + cache.provider()
                + (ShardSafeRegionFactory.CAFFEINE_PROVIDER.equals(cache.provider()) ? " (com.github.ben-manes.caffeine:jcache)" : ""), problems);
        Set<Class<?>> entities = Set.copyOf(configuration.entities());
        for (Class<?> c : cache.entities().keySet()) {
            if (!entities.contains(c)) {
                problems.add("cached entity " + c.getName() + " is not one of the unit's entities");
            }
        }
        for (Class<?> c : cache.cacheAside().keySet()) {
            if (!entities.contains(c)) {
                problems.add("cache-aside entity " + c.getName() + " is not one of the unit's entities");
            }
        }
    }

    private static void requireClass(String name, String artifact, List<String> problems) {
        try {
            Class.forName(name, false, CacheSafety.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add("caching is configured but " + name + " is not on the class path: add " + artifact);
        }
    }

    /** Checks the running SessionFactory: strategies of the cached entities and collections, cache-aside entities. */
    static void checkModel(SessionFactoryImplementor sessionFactory, CacheConfig cache, List<String> problems) {
        MappingMetamodel model = sessionFactory.getMappingMetamodel();
        model.forEachEntityDescriptor(p -> {
            if (p.canWriteToCache() && p.getCacheAccessStrategy().getAccessType() == AccessType.NONSTRICT_READ_WRITE) {
                problems.add("entity " + p.getEntityName() + " is cached NONSTRICT_READ_WRITE (its @Cache): unsafe across "
                        + "instances, a load racing another instance's invalidation would put back a stale entry; use READ_WRITE");
            }
        });
        model.forEachCollectionDescriptor(p -> {
            if (p.hasCache() && p.getCacheAccessStrategy().getAccessType() == AccessType.NONSTRICT_READ_WRITE) {
                problems.add("collection " + p.getRole() + " is cached NONSTRICT_READ_WRITE (its @Cache): unsafe across "
                        + "instances; use READ_WRITE");
            }
        });
        for (Class<?> c : cache.cacheAside().keySet()) {
            EntityPersister p = model.getEntityDescriptor(c);
            String[] names = p.getPropertyNames();
            Type[] types = p.getPropertyTypes();
            for (int i = 0; i < names.length; i++) {
                if (types[i].isAssociationType() || types[i].isCollectionType() || types[i].isComponentType()) {
                    problems.add("cache-aside entity " + p.getEntityName() + " has attribute '" + names[i]
                            + "' (an association, collection or embeddable): a cached copy would share it between readers; "
                            + "cache this entity with CacheConfig.entity(..) (the second-level cache) instead");
                }
            }
        }
    }
}
