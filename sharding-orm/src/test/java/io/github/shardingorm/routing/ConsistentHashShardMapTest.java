package io.github.shardingorm.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consistent-hash layout: balance and minimal movement when shards come and go. */
class ConsistentHashShardMapTest {

    private static final int BUCKETS = 4096;
    private static final int VNODES = 256;
    private static final List<Object> KEYS = KeySets.RANDOM_LONGS.keys(100_000);

    @Test
    void consistentHash_addingAShardMovesAboutOneNthAndOnlyToTheNewShard() {
        ShardMap four = ShardMap.consistentHash(BUCKETS, List.of("s0", "s1", "s2", "s3"), VNODES);
        ShardMap five = ShardMap.consistentHash(BUCKETS, List.of("s0", "s1", "s2", "s3", "s4"), VNODES);
        int moved = 0;
        for (Object key : KEYS) {
            String before = shardOf(four, key);
            String after = shardOf(five, key);
            if (!before.equals(after)) {
                moved++;
                assertEquals("s4", after, () -> "key " + key + " moved from " + before + " to " + after);
            }
        }
        double fraction = (double) moved / KEYS.size();
        assertTrue(fraction >= 0.6 / 5 && fraction <= 1.4 / 5, "moved fraction " + fraction);
    }

    @Test
    void consistentHash_removingAShardMovesOnlyThatShardsKeys() {
        ShardMap four = ShardMap.consistentHash(BUCKETS, List.of("s0", "s1", "s2", "s3"), VNODES);
        ShardMap three = ShardMap.consistentHash(BUCKETS, List.of("s0", "s1", "s3"), VNODES);
        for (Object key : KEYS) {
            String before = shardOf(four, key);
            String after = shardOf(three, key);
            if (before.equals("s2")) {
                assertTrue(!after.equals("s2"));
            } else {
                assertEquals(before, after, () -> "key " + key + " of " + before + " moved to " + after);
            }
        }
    }

    @Test
    void consistentHash_balancesShardsWithinAQuarterOfTheirFairShare() {
        List<String> shards = ShardMapTest.shardIds(7);
        ShardMap map = ShardMap.consistentHash(BUCKETS, shards, VNODES);
        for (String shard : shards) {
            double share = (double) map.bucketsOf(shard) / BUCKETS;
            assertTrue(share > 0.75 / 7 && share < 1.25 / 7, shard + " owns " + share);
        }
        ShardMapTest.assertCoversEveryBucketOnce(map);
    }

    @Test
    void consistentHash_ignoresTheOrderOfShards() {
        assertEquals(ShardMap.consistentHash(BUCKETS, List.of("a", "b", "c"), 16),
                ShardMap.consistentHash(BUCKETS, List.of("c", "a", "b"), 16));
    }

    @Test
    void consistentHash_isFrozenForAGivenClusterLayout() {
        // NEVER CHANGE: which bucket sits where on the ring decides where stored rows live.
        ShardMap map = ShardMap.consistentHash(BUCKETS, List.of("s0", "s1", "s2", "s3"), VNODES);
        List<Integer> counts = new ArrayList<>();
        for (String shard : List.of("s0", "s1", "s2", "s3")) {
            counts.add(map.bucketsOf(shard));
        }
        assertEquals(FROZEN_COUNTS, counts);
        assertEquals(FROZEN_FIRST_OWNERS, List.of(map.shardOf(0), map.shardOf(1), map.shardOf(42), map.shardOf(4095)));
    }

    @Test
    void consistentHash_rejectsVirtualNodeCountsOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardMap.consistentHash(BUCKETS, List.of("s0"), 0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardMap.consistentHash(BUCKETS, List.of("s0"), 65_537));
    }

    // Computed independently: xxhsum over the node names ("s0#0"...) and the 8 little-endian bytes of
    // each bucket number, then a sorted ring and a bisect in Python.
    private static final List<Integer> FROZEN_COUNTS = List.of(1050, 1060, 1092, 894);
    private static final List<String> FROZEN_FIRST_OWNERS = List.of("s3", "s3", "s1", "s2");

    private static String shardOf(ShardMap map, Object key) {
        return map.shardOf(StableKeyHash.bucketOf(StableKeyHash.hash64(key), map.bucketCount()));
    }
}
