package io.github.shardingorm.routing;

import io.github.shardingorm.spi.BucketedShardResolver;
import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightedStrategyTest {

    private static final ShardTopology CLUSTER = new ShardTopology(List.of("s0", "s1", "s2"), 4096);

    @Test
    void weighted_routesKeySharesProportionalToWeights() {
        List<String> problems = new ArrayList<>();
        ShardResolver resolver = ShardingStrategies.weighted(Map.of("s0", 1, "s1", 2, "s2", 1)).bind(CLUSTER, problems);
        assertEquals(List.of(), problems);
        assertInstanceOf(BucketedShardResolver.class, resolver);
        Map<String, Integer> counts = new HashMap<>();
        List<Object> keys = KeySets.RANDOM_LONGS.keys(100_000);
        for (Object key : keys) {
            counts.merge(resolver.shardOf(key), 1, Integer::sum);
        }
        assertEquals(0.25, counts.get("s0") / 100_000.0, 0.01);
        assertEquals(0.50, counts.get("s1") / 100_000.0, 0.01);
        assertEquals(0.25, counts.get("s2") / 100_000.0, 0.01);
        assertEquals("weighted", resolver.name());
    }

    @Test
    void weighted_reportsUnknownShardsNegativeWeightsAndMissingWeights() {
        Map<String, Integer> weights = new HashMap<>();
        weights.put("s0", 1);
        weights.put("s1", -3);
        weights.put("s9", 2);
        List<String> problems = new ArrayList<>();
        assertNull(ShardingStrategies.weighted(weights).bind(CLUSTER, problems));
        assertEquals(3, problems.size(), problems::toString);
        String all = String.join("\n", problems);
        assertTrue(all.contains("shard s9, which is not configured [s0, s1, s2]"), all);
        assertTrue(all.contains("weight of shard s1 must be >= 0 but was -3"), all);
        assertTrue(all.contains("configured shard s2 has no weight"), all);
    }

    @Test
    void weighted_reportsAllZeroWeights() {
        List<String> problems = new ArrayList<>();
        assertNull(ShardingStrategies.weighted(Map.of("s0", 0, "s1", 0, "s2", 0)).bind(CLUSTER, problems));
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("weighted strategy: "), problems.get(0));
    }

    @Test
    void weighted_withAZeroWeightLeavesThatShardEmpty() {
        List<String> problems = new ArrayList<>();
        ShardResolver resolver = ShardingStrategies.weighted(Map.of("s0", 1, "s1", 1, "s2", 0)).bind(CLUSTER, problems);
        assertEquals(List.of("s0", "s1"), List.copyOf(resolver.shards()));
    }
}
