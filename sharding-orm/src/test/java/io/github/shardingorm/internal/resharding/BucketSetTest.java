package io.github.shardingorm.internal.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.internal.routing.BucketedHashResolver;
import io.github.shardingorm.routing.ShardMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BucketSetTest {

    @Test
    void text_roundTripsRuns() {
        BucketSet set = new BucketSet(64, List.of(0, 1, 2, 3, 9, 20, 21));
        assertEquals("0-3,9,20-21", set.toText());
        assertEquals(set, BucketSet.parse(64, "0-3, 9 ,20-21"));
        assertEquals(Set.of(0, 1, 2, 3, 9, 20, 21), set.buckets());
    }

    @Test
    void bucketOf_isTheRoutersBucket() {
        BucketedHashResolver router = new BucketedHashResolver("hash", List.of("a", "b"), ShardMap.uniform(64, List.of("a", "b")));
        BucketSet set = new BucketSet(64, List.of(0));
        for (long key = 0; key < 10_000; key++) {
            assertEquals(router.bucketOf(key), set.bucketOf(key));
        }
        assertEquals(router.bucketOf("alice"), set.bucketOf("alice"));
    }

    @Test
    void containsKey_onlyForItsBuckets() {
        BucketSet set = new BucketSet(64, List.of(5));
        int inside = 0;
        for (long key = 0; key < 6_400; key++) {
            if (set.containsKey(key)) {
                inside++;
                assertEquals(5, set.bucketOf(key));
            }
        }
        assertTrue(inside > 50 && inside < 150, "about 1/64 of keys: " + inside);
        assertFalse(set.contains(4));
    }

    @Test
    void bucketsOutsideTheMap_areRefusedWithTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BucketSet(64, List.of(3, 64)));
        assertEquals("bucket 64 is outside the map's buckets 0-63", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BucketSet(64, List.of()));
    }
}
