package io.github.shardingorm.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardMapTest {

    // ------------------------------------------------------------------ uniform

    @Test
    void uniform_splitsBucketsIntoContiguousNearEqualRangesInListOrder() {
        ShardMap map = ShardMap.uniform(4096, List.of("s0", "s1", "s2", "s3"));
        assertEquals(1, map.version());
        assertEquals(4096, map.bucketCount());
        assertEquals(List.of(new BucketRange(0, 1023, "s0"), new BucketRange(1024, 2047, "s1"),
                new BucketRange(2048, 3071, "s2"), new BucketRange(3072, 4095, "s3")), map.ranges());
        assertEquals(List.of("s0", "s1", "s2", "s3"), List.copyOf(map.shards()));
        assertEquals("s0", map.shardOf(0));
        assertEquals("s1", map.shardOf(1024));
        assertEquals("s3", map.shardOf(4095));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 10, 64})
    void uniform_givesEveryShardTheFloorOrCeilingOfItsShare(int shardCount) {
        List<String> shards = shardIds(shardCount);
        ShardMap map = ShardMap.uniform(1000, shards);
        assertCoversEveryBucketOnce(map);
        for (String shard : shards) {
            int buckets = map.bucketsOf(shard);
            assertTrue(buckets == 1000 / shardCount || buckets == 1000 / shardCount + 1, shard + ": " + buckets);
        }
    }

    @Test
    void uniform_rejectsMoreShardsThanBucketsAndDuplicates() {
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> ShardMap.uniform(2, List.of("a", "b", "c")));
        assertTrue(tooMany.getMessage().contains("3 shards"), tooMany.getMessage());
        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                () -> ShardMap.uniform(8, List.of("a", "b", "a")));
        assertTrue(duplicate.getMessage().contains("a is listed twice"), duplicate.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardMap.uniform(8, List.of()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65_537})
    void factories_rejectBucketCountsOutsideOneTo65536(int bucketCount) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardMap.uniform(bucketCount, List.of("s0")));
        assertTrue(e.getMessage().contains(String.valueOf(bucketCount)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardMap.builder(bucketCount));
    }

    @Test
    void uniform_acceptsTheLargestBucketCount() {
        ShardMap map = ShardMap.uniform(65_536, List.of("s0", "s1"));
        assertEquals(32_768, map.bucketsOf("s1"));
    }

    @Test
    void shardIds_mustBeSafeForTheTextForm() {
        for (String bad : new String[] {"", " s0", "s0 ", "s\n0"}) {
            assertThrows(IllegalArgumentException.class, () -> ShardMap.uniform(4, List.of(bad)), bad);
        }
    }

    // ------------------------------------------------------------------ weighted

    @Test
    void weighted_givesSharesProportionalToWeights() {
        ShardMap map = ShardMap.weighted(4096, Map.of("a", 1, "b", 2, "c", 1));
        assertEquals(1024, map.bucketsOf("a"));
        assertEquals(2048, map.bucketsOf("b"));
        assertEquals(1024, map.bucketsOf("c"));
        assertCoversEveryBucketOnce(map);
    }

    @Test
    void weighted_usesLargestRemaindersAndLaysShardsOutInIdOrder() {
        // 10 buckets, weights 1:1:1 -> quotas 3.33 each: the remaining bucket goes to the first shard.
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("c", 1);
        weights.put("a", 1);
        weights.put("b", 1);
        ShardMap map = ShardMap.weighted(10, weights);
        assertEquals(List.of(new BucketRange(0, 3, "a"), new BucketRange(4, 6, "b"), new BucketRange(7, 9, "c")),
                map.ranges());
        // 10 buckets, 5:3:2 exact
        assertEquals(List.of(5, 3, 2), List.of(ShardMap.weighted(10, Map.of("x", 5, "y", 3, "z", 2)).bucketsOf("x"),
                ShardMap.weighted(10, Map.of("x", 5, "y", 3, "z", 2)).bucketsOf("y"),
                ShardMap.weighted(10, Map.of("x", 5, "y", 3, "z", 2)).bucketsOf("z")));
    }

    @Test
    void weighted_isTheSameWhateverTheMapIterationOrder() {
        Map<String, Integer> forward = new LinkedHashMap<>();
        Map<String, Integer> backward = new LinkedHashMap<>();
        for (int i = 0; i < 9; i++) {
            forward.put("s" + i, i + 1);
            backward.put("s" + (8 - i), 9 - i);
        }
        assertEquals(ShardMap.weighted(4096, forward), ShardMap.weighted(4096, backward));
    }

    @Test
    void weighted_givesEveryPositiveShardAtLeastOneBucket() {
        ShardMap map = ShardMap.weighted(4, Map.of("big", 1_000_000, "tiny", 1, "small", 2));
        assertEquals(1, map.bucketsOf("tiny"));
        assertEquals(1, map.bucketsOf("small"));
        assertEquals(2, map.bucketsOf("big"));
        assertCoversEveryBucketOnce(map);
    }

    @Test
    void weighted_leavesZeroWeightShardsOut() {
        ShardMap map = ShardMap.weighted(16, Map.of("a", 1, "b", 0));
        assertEquals(Set.of("a"), map.shards());
        assertEquals(0, map.bucketsOf("b"));
    }

    @Test
    void weighted_rejectsNegativeAllZeroAndTooManyShards() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> ShardMap.weighted(16, Map.of("a", 1, "b", -2)));
        assertTrue(negative.getMessage().contains("b") && negative.getMessage().contains("-2"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardMap.weighted(16, Map.of("a", 0)));
        assertThrows(IllegalArgumentException.class, () -> ShardMap.weighted(2, Map.of("a", 1, "b", 1, "c", 1)));
        assertThrows(IllegalArgumentException.class, () -> ShardMap.weighted(2, Map.of()));
    }

    // ------------------------------------------------------------------ builder

    @Test
    void builder_buildsAnExplicitMapAndMergesAdjacentRangesOfOneShard() {
        ShardMap map = ShardMap.builder(100).version(7)
                .assign(50, 99, "b")
                .assign(0, 24, "a")
                .assign(25, 49, "a")
                .build();
        assertEquals(7, map.version());
        assertEquals(List.of(new BucketRange(0, 49, "a"), new BucketRange(50, 99, "b")), map.ranges());
    }

    @Test
    void builder_reportsEveryGapAndOverlap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardMap.builder(100)
                .assign(0, 10, "a")
                .assign(5, 20, "b")
                .assign(30, 89, "c")
                .build());
        String message = e.getMessage();
        assertTrue(message.contains("5-20=b overlaps 0-10=a"), message);
        assertTrue(message.contains("buckets 21-29 are not assigned"), message);
        assertTrue(message.contains("buckets 90-99 are not assigned"), message);
    }

    @Test
    void builder_rejectsRangesOutsideTheBucketsAtOnce() {
        ShardMap.Builder builder = ShardMap.builder(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.assign(5, 10, "a"));
        assertTrue(e.getMessage().contains("5-10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.assign(-1, 3, "a"));
        assertThrows(IllegalArgumentException.class, () -> builder.assign(4, 3, "a"));
        assertThrows(IllegalArgumentException.class, () -> builder.assign(0, 3, null));
        assertThrows(IllegalArgumentException.class, () -> builder.version(0));
    }

    @Test
    void builder_reportsAnEmptyMap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardMap.builder(10).build());
        assertTrue(e.getMessage().contains("buckets 0-9 are not assigned"), e.getMessage());
    }

    // ------------------------------------------------------------------ queries, reassign, equality

    @Test
    void shardOf_rejectsBucketsOutsideTheMap() {
        ShardMap map = ShardMap.uniform(16, List.of("s0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> map.shardOf(16));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> map.shardOf(-1));
    }

    @Test
    void reassign_movesBucketsAndBumpsTheVersion() {
        ShardMap before = ShardMap.uniform(8, List.of("s0", "s1"));
        ShardMap after = before.reassign(2, 3, "s2");
        assertEquals(2, after.version());
        assertEquals(List.of(new BucketRange(0, 1, "s0"), new BucketRange(2, 3, "s2"), new BucketRange(4, 7, "s1")),
                after.ranges());
        assertEquals(List.of("s0", "s2", "s1"), List.copyOf(after.shards()));
        assertEquals(1, before.version(), "the original is unchanged");
        assertEquals("s0", before.shardOf(2));
        assertEquals(3, after.reassign(0, 7, "s1").version());
        assertEquals(Set.of("s1"), after.reassign(0, 7, "s1").shards());
    }

    @Test
    void reassign_rejectsRangesOutsideTheMap() {
        ShardMap map = ShardMap.uniform(8, List.of("s0"));
        assertThrows(IllegalArgumentException.class, () -> map.reassign(6, 8, "s1"));
    }

    @Test
    void equality_isByVersionAndAssignment() {
        ShardMap a = ShardMap.uniform(8, List.of("s0", "s1"));
        ShardMap b = ShardMap.builder(8).assign(0, 3, "s0").assign(4, 7, "s1").build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, ShardMap.builder(8).version(2).assign(0, 3, "s0").assign(4, 7, "s1").build());
        assertNotEquals(a, ShardMap.uniform(8, List.of("s1", "s0")));
    }

    @Test
    void toString_summarizesTheMap() {
        assertEquals("ShardMap{version=1, buckets=8, shards={s0=4, s1=4}, ranges=2}",
                ShardMap.uniform(8, List.of("s0", "s1")).toString());
    }

    static List<String> shardIds(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("s" + i);
        }
        return ids;
    }

    static void assertCoversEveryBucketOnce(ShardMap map) {
        int next = 0;
        int total = 0;
        for (BucketRange range : map.ranges()) {
            assertEquals(next, range.from(), "ranges are contiguous");
            next = range.toInclusive() + 1;
        }
        assertEquals(map.bucketCount(), next, "ranges end at the last bucket");
        for (String shard : map.shards()) {
            total += map.bucketsOf(shard);
        }
        assertEquals(map.bucketCount(), total);
    }
}
