package io.github.shardingorm.internal.routing;

import io.github.shardingorm.routing.ShardMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketedHashResolverTest {

    private static final List<String> CLUSTER = List.of("s0", "s1", "s2");

    private final ShardMap initial = ShardMap.uniform(16, List.of("s0", "s1"));
    private final BucketedHashResolver resolver = new BucketedHashResolver("hash", CLUSTER, initial);

    @Test
    void replaceShardMap_swapsInAHigherVersion() {
        ShardMap next = initial.reassign(0, 15, "s2");
        resolver.replaceShardMap(next);
        assertSame(next, resolver.shardMap());
        assertEquals("s2", resolver.shardOf(42L));
        assertEquals(java.util.Set.of("s2"), resolver.shards());
    }

    @Test
    void replaceShardMap_rejectsTheSameOrALowerVersion() {
        ShardMap sameVersion = ShardMap.uniform(16, List.of("s1", "s0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolver.replaceShardMap(sameVersion));
        assertEquals("hash: new shard map version 1 must be higher than the current version 1", e.getMessage());
        resolver.replaceShardMap(initial.reassign(0, 0, "s1").reassign(1, 1, "s1"));
        ShardMap older = initial.reassign(0, 0, "s2");
        e = assertThrows(IllegalArgumentException.class, () -> resolver.replaceShardMap(older));
        assertEquals("hash: new shard map version 2 must be higher than the current version 3", e.getMessage());
        assertEquals(3, resolver.shardMap().version());
    }

    @Test
    void replaceShardMap_rejectsADifferentBucketCount() {
        ShardMap other = ShardMap.builder(32).version(2).assign(0, 31, "s0").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolver.replaceShardMap(other));
        assertEquals("hash: new shard map version 2 has 32 buckets but the cluster has 16", e.getMessage());
        assertSame(initial, resolver.shardMap());
    }

    @Test
    void replaceShardMap_rejectsUnknownShards() {
        ShardMap next = initial.reassign(0, 3, "s9");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolver.replaceShardMap(next));
        assertEquals("hash: new shard map version 2 uses shards [s9] that are not configured [s0, s1, s2]", e.getMessage());
        assertSame(initial, resolver.shardMap());
    }

    @Test
    void replaceShardMap_letsExactlyOneOfManyConcurrentCallersWinEachVersion() throws Exception {
        ShardMap next = initial.reassign(0, 15, "s2");
        int threads = 8;
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < threads; i++) {
                pool.submit(() -> {
                    start.await();
                    try {
                        resolver.replaceShardMap(next);
                        accepted.incrementAndGet();
                    } catch (IllegalArgumentException expected) {
                        // lost the race
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertEquals(1, accepted.get());
    }

    @Test
    void constructor_rejectsAnInitialMapWithUnknownShards() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BucketedHashResolver("hash", List.of("s0"), initial));
        assertTrue(e.getMessage().contains("[s1]"), e.getMessage());
    }
}
