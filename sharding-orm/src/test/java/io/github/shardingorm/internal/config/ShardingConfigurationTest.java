package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.routing.ShardingStrategies;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShardingConfigurationTest {

    private static ShardingConfiguration configuration(Map<String, Integer> poolSizes, int maximumPoolSize, Integer minimumIdle) {
        List<ShardDefinition> shards = List.of(new ShardDefinition("s0", "jdbc:x://a", null, null),
                new ShardDefinition("s1", "jdbc:x://b", null, null));
        return new ShardingConfiguration(shards, List.of(Object.class), SchemaAction.NONE,
                new RoutingSettings(ShardingStrategies.hash(), 4096, 0),
                new PoolSettings(2000, maximumPoolSize, minimumIdle, poolSizes, Map.of()),
                new SessionSettings(50, Map.of()), new QuerySettings(4), CrossShardWrites.DEFAULTS, TopologySettings.DEFAULTS,
                    io.github.shardingorm.cache.CacheConfig.disabled(), ObservabilitySettings.DEFAULTS);
    }

    @Test
    void shardIds_keepDeclarationOrder() {
        assertEquals(List.of("s0", "s1"), configuration(Map.of(), 10, null).shardIds());
    }

    @Test
    void maximumPoolSize_perShardOverridesTheDefault() {
        ShardingConfiguration c = configuration(Map.of("s1", 3), 10, null);
        assertEquals(10, c.pools().maximumPoolSize("s0"));
        assertEquals(3, c.pools().maximumPoolSize("s1"));
    }

    @Test
    void minimumIdle_defaultsToTheMaximum_andNeverExceedsIt() {
        ShardingConfiguration fixed = configuration(Map.of("s1", 3), 10, null);
        assertEquals(10, fixed.pools().minimumIdle("s0"));
        assertEquals(3, fixed.pools().minimumIdle("s1"));
        ShardingConfiguration explicit = configuration(Map.of("s1", 3), 10, 5);
        assertEquals(5, explicit.pools().minimumIdle("s0"));
        assertEquals(3, explicit.pools().minimumIdle("s1"));
    }

    @Test
    void collections_areCopiedAndImmutable() {
        Map<String, Integer> sizes = new HashMap<>(Map.of("s0", 4));
        ShardingConfiguration c = configuration(sizes, 10, null);
        sizes.put("s0", 99);
        assertEquals(4, c.pools().maximumPoolSize("s0"));
        assertThrows(UnsupportedOperationException.class, () -> c.shards().add(null));
        assertThrows(UnsupportedOperationException.class, () -> c.entities().add(String.class));
        assertThrows(UnsupportedOperationException.class, () -> c.sessions().hibernateProperties().put("x", "y"));
        new ArrayList<>(c.shards());
    }

    @Test
    void builder_takesEveryValueLeftUnsetFromTheDefaults() {
        ShardingConfiguration c = ShardingConfiguration.builder().shard("s0", "jdbc:x://a", null, null)
                .shard("s1", "jdbc:x://b", null, null).entity(Object.class).build();
        assertEquals(SchemaAction.NONE, c.schemaAction());
        assertEquals(4096, c.routing().bucketCount());
        assertEquals(0, c.routing().nodeId());
        assertEquals(ShardingStrategies.hash().toString(), c.routing().strategy().toString());
        assertEquals(2000, c.pools().connectionTimeoutMillis());
        assertEquals(10, c.pools().maximumPoolSize("s0"));
        assertEquals(10, c.pools().minimumIdle("s0"), "a fixed-size pool");
        assertEquals(50, c.sessions().jdbcBatchSize());
        assertEquals(4, c.queries().parallelism(), "two threads per shard, at least 4");
        assertEquals(TwoPhaseCommitMode.AUTO, c.writes().mode());
        assertEquals(WriteSettings.DEFAULTS, c.writes().settings());
        assertEquals(new WriteSettings(5, 200, 10_000, 15_000, 5_000, 5_000), WriteSettings.DEFAULTS);
    }

    @Test
    void builder_queryParallelismDefaultFollowsTheShardCount() {
        ShardingConfigurationBuilder b = ShardingConfiguration.builder().entity(Object.class);
        for (int i = 0; i < 40; i++) {
            b.shard("s" + i, "jdbc:x://" + i, null, null);
        }
        assertEquals(64, b.build().queries().parallelism(), "two per shard, at most 64");
        assertEquals(12, ShardingConfiguration.builder().queryParallelism(12).build().queries().parallelism());
    }
}
