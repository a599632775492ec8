package io.github.shardingorm.internal.cache;

import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import io.github.shardingorm.cache.CacheConfig;
import java.util.OptionalLong;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * Regions of Caffeine's JCache provider, sized and expiring as configured. Its own class so that
 * Caffeine's JCache classes are loaded only when Caffeine is the provider.
 */
final class CaffeineRegions {

    private CaffeineRegions() {
    }

    static Cache<Object, Object> create(CacheManager manager, String name, CacheConfig.Region region) {
        CaffeineConfiguration<Object, Object> c = new CaffeineConfiguration<>();
        c.setMaximumSize(OptionalLong.of(region.maximumEntries()));
        c.setExpireAfterWrite(OptionalLong.of(region.timeToLive().toNanos()));
        c.setStoreByValue(false); // Hibernate stores disassembled, immutable entries: no copy needed
        return manager.createCache(name, c);
    }
}
