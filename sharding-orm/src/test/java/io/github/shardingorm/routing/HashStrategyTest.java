package io.github.shardingorm.routing;

import io.github.shardingorm.spi.BucketedShardResolver;
import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bucketed hash strategies: binding, routing and the reported problems. */
class HashStrategyTest {

    private static final ShardTopology TWO_SHARDS = new ShardTopology(List.of("s0", "s1"), 4096);

    @Test
    void hash_bindsToAUniformMapOfTheCluster() {
        BucketedShardResolver resolver = bind(ShardingStrategies.hash(), TWO_SHARDS);
        assertEquals(ShardMap.uniform(4096, List.of("s0", "s1")), resolver.shardMap());
        assertEquals("hash", resolver.name());
        assertEquals(Set.of("s0", "s1"), resolver.shards());
        assertEquals("hash{version=1, buckets=4096, shards=[s0, s1]}", resolver.toString());
    }

    @Test
    void hash_routesKeysThroughTheirFrozenBuckets() {
        BucketedShardResolver resolver = bind(ShardingStrategies.hash(), TWO_SHARDS);
        // buckets from StableKeyHashTest: 42 -> 851, -1 -> 1737, "user-123" -> 2761, the UUID -> 1604
        assertEquals(851, resolver.bucketOf(42L));
        assertEquals("s0", resolver.shardOf(42L));
        assertEquals("s0", resolver.shardOf(-1L));
        assertEquals(2761, resolver.bucketOf("user-123"));
        assertEquals("s1", resolver.shardOf("user-123"));
        assertEquals("s0", resolver.shardOf(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")));
    }

    @Test
    void hash_prunesOnlyPointRanges() {
        BucketedShardResolver resolver = bind(ShardingStrategies.hash(), TWO_SHARDS);
        assertEquals(Set.of("s1"), resolver.shardsForRange("user-123", true, "user-123", true));
        assertEquals(Set.of("s0", "s1"), resolver.shardsForRange(1L, true, 5L, true));
        assertEquals(Set.of("s0", "s1"), resolver.shardsForRange(null, true, null, true));
    }

    @Test
    void hash_withAStoredMapRoutesByThatMap() {
        ShardMap stored = ShardMap.builder(4096).version(3).assign(0, 99, "s1").assign(100, 4095, "s0").build();
        BucketedShardResolver resolver = bind(ShardingStrategies.hash(ShardMap.parse(stored.toText())), TWO_SHARDS);
        assertEquals(3, resolver.shardMap().version());
        assertEquals("s0", resolver.shardOf(42L)); // bucket 851
    }

    @Test
    void hash_withAStoredMapReportsBucketCountAndUnknownShards() {
        ShardMap stored = ShardMap.uniform(1024, List.of("s0", "s7"));
        List<String> problems = new ArrayList<>();
        assertNull(ShardingStrategies.hash(stored).bind(TWO_SHARDS, problems));
        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("1024 buckets but the cluster is configured with 4096"), problems.get(0));
        assertTrue(problems.get(1).contains("shard s7, which is not configured [s0, s1]"), problems.get(1));
    }

    @Test
    void hash_reportsMoreShardsThanBuckets() {
        List<String> problems = new ArrayList<>();
        assertNull(ShardingStrategies.hash().bind(new ShardTopology(List.of("a", "b", "c"), 2), problems));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("hash strategy: Cannot spread 3 shards"), problems.get(0));
    }

    @Test
    void hash_reportsAClusterWithoutShards() {
        List<String> problems = new ArrayList<>();
        assertNull(ShardingStrategies.hash().bind(new ShardTopology(List.of(), 16), problems));
        assertEquals(List.of("hash strategy: no shards are configured"), problems);
    }

    @Test
    void consistentHash_bindsToARingOfTheCluster() {
        BucketedShardResolver resolver = bind(ShardingStrategies.consistentHash(128), TWO_SHARDS);
        assertEquals(ShardMap.consistentHash(4096, List.of("s0", "s1"), 128), resolver.shardMap());
        assertEquals("consistent-hash", resolver.name());
        assertEquals("consistent-hash(virtualNodesPerShard=128)", ShardingStrategies.consistentHash(128).toString());
    }

    @Test
    void consistentHash_rejectsBadVirtualNodeCountsAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardingStrategies.consistentHash(0));
        assertTrue(e.getMessage().contains("but was 0"), e.getMessage());
    }

    @Test
    void hash_routesTheSameKeyToTheSameShardInEveryBinding() {
        ShardResolver first = bind(ShardingStrategies.hash(), TWO_SHARDS);
        ShardResolver second = bind(ShardingStrategies.hash(), TWO_SHARDS);
        for (Object key : KeySets.USER_STRINGS.keys(1000)) {
            assertEquals(first.shardOf(key), second.shardOf(key));
        }
    }

    static BucketedShardResolver bind(io.github.shardingorm.spi.ShardingStrategy strategy, ShardTopology topology) {
        List<String> problems = new ArrayList<>();
        ShardResolver resolver = strategy.bind(topology, problems);
        assertEquals(List.of(), problems);
        assertNotNull(resolver);
        return (BucketedShardResolver) resolver;
    }
}
