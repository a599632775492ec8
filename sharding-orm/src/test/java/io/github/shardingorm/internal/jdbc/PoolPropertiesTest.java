package io.github.shardingorm.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import io.github.shardingorm.internal.config.ConfigurationValidator;
import io.github.shardingorm.internal.config.ShardingConfiguration;
import io.github.shardingorm.internal.config.ShardingConfigurationBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every HikariCP setting, globally and per shard, checked before anything connects (issue 13 part 5). */
class PoolPropertiesTest {

    private static final MetricsTrackerFactory METRICS = (poolName, stats) -> new IMetricsTracker() {
    };

    private static ShardingConfigurationBuilder twoShards() {
        return ShardingConfiguration.builder()
                .shard("s0", "jdbc:postgresql://127.0.0.1:1/a", "app", "secret")
                .shard("s1", "jdbc:postgresql://127.0.0.1:1/b", "app", "secret")
                .entity(Object.class);
    }

    @Test
    void globalAndPerShardHikariSettingsReachThePools_theShardsOwnWinning() {
        ShardingConfiguration c = twoShards()
                .poolProperty("maxLifetime", 600_000L)
                .poolProperty("keepaliveTime", "120000")
                .poolProperty("leakDetectionThreshold", 30_000)
                .poolProperty("metricsTrackerFactory", METRICS)
                .poolProperty("dataSource.ApplicationName", "shop")
                .poolProperty("s1", "maxLifetime", 900_000L)
                .build();
        assertEquals(List.of(), ConfigurationValidator.validate(c).stream().filter(p -> !p.contains("Object")).toList());
        HikariConfig s0 = ShardPools.config(c.shards().get(0), c.pools());
        HikariConfig s1 = ShardPools.config(c.shards().get(1), c.pools());
        assertEquals(600_000L, s0.getMaxLifetime());
        assertEquals(900_000L, s1.getMaxLifetime());
        assertEquals(120_000L, s0.getKeepaliveTime());
        assertEquals(30_000L, s1.getLeakDetectionThreshold());
        assertSame(METRICS, s0.getMetricsTrackerFactory());
        assertEquals("shop", s0.getDataSourceProperties().get("ApplicationName"));
        assertFalse(s0.isAutoCommit(), "sharding-orm's own settings stay");
        assertEquals("sharding-orm-s0", s0.getPoolName());
    }

    @Test
    void unknownReservedMistypedAndMisplacedSettingsAreProblems() {
        ShardingConfiguration c = twoShards()
                .poolProperty("maxLifeTimeTypo", 1L)
                .poolProperty("jdbcUrl", "jdbc:postgresql://elsewhere/x")
                .poolProperty("maxLifetime", "soon")
                .poolProperty("s7", "idleTimeout", 10_000L)
                .build();
        String all = String.join("\n", ConfigurationValidator.validate(c));
        assertTrue(all.contains("pool property 'maxLifeTimeTypo' is not accepted by HikariCP"), all);
        assertTrue(all.contains("pool property 'jdbcUrl' is set by sharding-orm itself"), all);
        assertTrue(all.contains("pool property 'maxLifetime' is not accepted by HikariCP") && all.contains("soon"), all);
        assertTrue(all.contains("unknown shard 's7'"), all);
        assertFalse(all.contains("secret"), all);
    }
}
