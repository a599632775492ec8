package io.github.shardingorm.internal.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.cache.CacheConfig;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.time.Duration;
import java.util.List;
import org.hibernate.cache.internal.SimpleCacheKeysFactory;
import org.junit.jupiter.api.Test;

/**
 * Unsafe cache settings are refused at start-up, before any shard is contacted, with the setting
 * named (the shards here do not exist: a refusal proves the check runs first).
 */
class CacheSafetyTest {

    @Entity
    static class Thing {
        @Id
        @ShardKey
        Long id;
    }

    private static ShardedPersistenceBuilder unit() {
        return ShardedPersistence.builder().shard("s0", "jdbc:postgresql://127.0.0.1:1/none", "u", "secret")
                .entities(Thing.class).cache(CacheConfig.builder().entity(Thing.class).build());
    }

    private static String refusal(ShardedPersistenceBuilder builder) {
        return assertThrows(ShardingConfigurationException.class, builder::build).getMessage();
    }

    @Test
    void simpleKeysFactory_isRefusedNamingTheSetting() {
        String m = refusal(unit().hibernateProperty("hibernate.cache.keys_factory", "simple"));
        assertTrue(m.contains("'hibernate.cache.keys_factory=simple' drops the tenant (the shard)"), m);
        m = refusal(unit().hibernateProperty("hibernate.cache.keys_factory", SimpleCacheKeysFactory.class.getName()));
        assertTrue(m.contains("hibernate.cache.keys_factory=" + SimpleCacheKeysFactory.class.getName()), m);
        m = refusal(unit().hibernateProperty("hibernate.cache.keys_factory", SimpleCacheKeysFactory.INSTANCE));
        assertTrue(m.contains("drops the tenant"), m);
    }

    @Test
    void customKeysFactory_isRefusedAsUncheckable() {
        String m = refusal(unit().hibernateProperty("hibernate.cache.keys_factory", "com.example.MyKeys"));
        assertTrue(m.contains("'hibernate.cache.keys_factory=com.example.MyKeys' names a keys factory sharding-orm cannot check"), m);
    }

    @Test
    void regionFactoryCacheManagerAndQueryCacheSettings_areRefusedAsManaged() {
        for (String setting : List.of("hibernate.cache.region.factory_class", "hibernate.javax.cache.cache_manager",
                "hibernate.javax.cache.uri", "hibernate.javax.cache.provider", "hibernate.cache.use_query_cache")) {
            String m = refusal(unit().hibernateProperty(setting, "x"));
            assertTrue(m.contains("Hibernate setting '" + setting + "' is managed by sharding-orm"), m);
        }
    }

    @Test
    void nonstrictDefaultStrategy_isRefusedNamingTheSetting() {
        String m = refusal(unit().hibernateProperty("hibernate.cache.default_cache_concurrency_strategy", "nonstrict-read-write"));
        assertTrue(m.contains("'hibernate.cache.default_cache_concurrency_strategy=nonstrict-read-write' is unsafe across instances"), m);
    }

    @Test
    void unsafeSettings_areRefusedEvenWithoutACacheConfigured() {
        String m = refusal(ShardedPersistence.builder().shard("s0", "jdbc:postgresql://127.0.0.1:1/none", "u", "secret")
                .entities(Thing.class).hibernateProperty("hibernate.cache.region.factory_class", "jcache"));
        assertTrue(m.contains("'hibernate.cache.region.factory_class' is managed by sharding-orm"), m);
    }

    @Test
    void everyProblemIsReportedAtOnceAndThePasswordNever() {
        String m = refusal(unit().hibernateProperty("hibernate.cache.keys_factory", "simple")
                .hibernateProperty("hibernate.javax.cache.uri", "ehcache.xml"));
        assertTrue(m.contains("keys_factory") && m.contains("hibernate.javax.cache.uri"), m);
        assertTrue(!m.contains("secret"), m);
    }

    @Test
    void cachedEntitiesMustBeEntitiesOfTheUnit() {
        String m = refusal(ShardedPersistence.builder().shard("s0", "jdbc:postgresql://127.0.0.1:1/none", "u", "secret")
                .entities(Thing.class).cache(CacheConfig.builder().entity(String.class).cacheAside(Integer.class).build()));
        assertTrue(m.contains("cached entity java.lang.String is not one of the unit's entities"), m);
        assertTrue(m.contains("cache-aside entity java.lang.Integer is not one of the unit's entities"), m);
    }

    @Test
    void cacheConfig_checksEachValueAtOnceAndNamesTheOneAlreadySet() {
        CacheConfig.Builder b = CacheConfig.builder().entity(Thing.class, 10, Duration.ofSeconds(1));
        assertEquals("entity " + Thing.class.getName() + " was already cached with Region[maximumEntries=10, timeToLive=PT1S]",
                assertThrows(IllegalStateException.class, () -> b.entity(Thing.class)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CacheConfig.builder().region("r", 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> CacheConfig.builder().region("r", 1, Duration.ZERO));
        CacheConfig c = CacheConfig.builder().region("r", 5, Duration.ofSeconds(2)).build();
        assertEquals(new CacheConfig.Region(5, Duration.ofSeconds(2)), c.region("r"));
        assertEquals(new CacheConfig.Region(10_000, Duration.ofMinutes(10)), c.region("other"));
        assertTrue(!c.enabled() && !CacheConfig.disabled().enabled());
    }
}
