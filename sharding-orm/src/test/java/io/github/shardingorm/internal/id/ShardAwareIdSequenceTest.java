package io.github.shardingorm.internal.id;

import io.github.shardingorm.ShardAwareId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardAwareIdSequenceTest {

    /** 2026-03-01T00:00Z: well after the id epoch. */
    private static final long NOW = ShardAwareId.EPOCH_MILLIS + 59L * 24 * 3600 * 1000;

    /** A clock the test moves by hand. */
    private static final class FakeClock implements LongSupplier {
        final AtomicLong millis;

        FakeClock(long start) {
            millis = new AtomicLong(start);
        }

        @Override
        public long getAsLong() {
            return millis.get();
        }

        void set(long value) {
            millis.set(value);
        }
    }

    @Test
    void next_composesTimeBucketNodeAndSequence() {
        ShardAwareIdSequence sequence = new ShardAwareIdSequence(5, () -> NOW);
        long id = sequence.next(1234);
        assertEquals(1234, ShardAwareId.bucketOf(id));
        assertEquals(5, ShardAwareId.nodeIdOf(id));
        assertEquals(0, ShardAwareId.sequenceOf(id));
        assertEquals(NOW, ShardAwareId.timestampOf(id).toEpochMilli());
    }

    @Test
    void next_isStrictlyIncreasingPerBucket_asTheClockAdvances() {
        FakeClock clock = new FakeClock(NOW);
        ShardAwareIdSequence sequence = new ShardAwareIdSequence(0, clock);
        long previous = 0;
        for (int i = 0; i < 10_000; i++) {
            if (i % 7 == 0) {
                clock.set(clock.getAsLong() + 1);
            }
            long id = sequence.next(42);
            assertTrue(id > previous, "id " + i + " did not grow");
            assertEquals(42, ShardAwareId.bucketOf(id));
            previous = id;
        }
    }

    @Test
    void next_gives16IdsPerMillisecond_thenBorrowsTheNextMillisecond() {
        ShardAwareIdSequence sequence = new ShardAwareIdSequence(0, () -> NOW);
        for (int i = 0; i <= ShardAwareId.MAX_SEQUENCE; i++) {
            long id = sequence.next(7);
            assertEquals(NOW, ShardAwareId.timestampOf(id).toEpochMilli());
            assertEquals(i, ShardAwareId.sequenceOf(id));
        }
        long borrowed = sequence.next(7);
        assertEquals(NOW + 1, ShardAwareId.timestampOf(borrowed).toEpochMilli());
        assertEquals(0, ShardAwareId.sequenceOf(borrowed));
        // still the same wall-clock millisecond: continues in the borrowed one
        long next = sequence.next(7);
        assertEquals(NOW + 1, ShardAwareId.timestampOf(next).toEpochMilli());
        assertEquals(1, ShardAwareId.sequenceOf(next));
    }

    @Test
    void next_keepsBucketsIndependent() {
        ShardAwareIdSequence sequence = new ShardAwareIdSequence(0, () -> NOW);
        for (int i = 0; i < 16; i++) {
            sequence.next(1);
        }
        long other = sequence.next(2);
        assertEquals(NOW, ShardAwareId.timestampOf(other).toEpochMilli());
        assertEquals(0, ShardAwareId.sequenceOf(other));
        // bucket 2 + 128 shares bucket 2's lock stripe but not its state
        long sameStripe = sequence.next(2 + 128);
        assertEquals(0, ShardAwareId.sequenceOf(sameStripe));
    }

    @Test
    void next_clockGoingBack_neverRepeatsNorShrinks() {
        FakeClock clock = new FakeClock(NOW);
        ShardAwareIdSequence sequence = new ShardAwareIdSequence(3, clock);
        Set<Long> seen = new HashSet<>();
        long previous = 0;
        long[] script = {NOW, NOW + 5, NOW - 1000, NOW - 1000, NOW + 2, NOW + 5, NOW + 6, NOW - 50_000, NOW + 7, NOW + 100};
        for (long reading : script) {
            clock.set(reading);
            for (int i = 0; i < 40; i++) {
                long id = sequence.next(99);
                assertTrue(seen.add(id), "duplicate id " + id + " at clock " + reading);
                assertTrue(id > previous, "id went back at clock " + reading);
                previous = id;
            }
        }
        // once the clock has caught up, the ids follow it again
        clock.set(NOW + 1000);
        long caughtUp = sequence.next(99);
        assertEquals(NOW + 1000, ShardAwareId.timestampOf(caughtUp).toEpochMilli());
        assertEquals(0, ShardAwareId.sequenceOf(caughtUp));
    }

    @Test
    void next_randomClockJitter_neverRepeatsNorShrinksPerBucket() {
        FakeClock clock = new FakeClock(NOW);
        ShardAwareIdSequence sequence = new ShardAwareIdSequence(0, clock);
        long[] last = new long[16];
        Set<Long> seen = new HashSet<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 100_000; i++) {
            clock.set(NOW + random.nextLong(-20, 20) + i / 50);
            int bucket = random.nextInt(16);
            long id = sequence.next(bucket);
            assertTrue(id > last[bucket], "id shrank in bucket " + bucket);
            assertTrue(seen.add(id), "duplicate " + id);
            last[bucket] = id;
        }
    }

    @Test
    void next_twoNodesInTheSameMilliseconds_neverCollide() {
        FakeClock clock = new FakeClock(NOW);
        ShardAwareIdSequence node0 = new ShardAwareIdSequence(0, clock);
        ShardAwareIdSequence node1 = new ShardAwareIdSequence(1, clock);
        Set<Long> ids0 = new HashSet<>();
        Set<Long> ids1 = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            clock.set(NOW + i / 1000);
            int bucket = i % 8;
            assertTrue(ids0.add(node0.next(bucket)));
            assertTrue(ids1.add(node1.next(bucket)));
        }
        assertEquals(100_000, ids0.size());
        assertEquals(100_000, ids1.size());
        ids0.retainAll(ids1);
        assertEquals(Set.of(), ids0);
    }

    @Test
    void next_fromFourThreadsOverRandomBuckets_yieldsNoDuplicates() throws Exception {
        ShardAwareIdSequence sequence = new ShardAwareIdSequence(9, System::currentTimeMillis);
        int threads = 4;
        int perThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<long[]>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    long[] ids = new long[perThread];
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < perThread; i++) {
                        ids[i] = sequence.next(random.nextInt(64));
                    }
                    return ids;
                });
            }
            Set<Long> all = new HashSet<>();
            for (Future<long[]> f : pool.invokeAll(tasks)) {
                for (long id : f.get()) {
                    assertTrue(all.add(id), "duplicate id " + id);
                }
            }
            assertEquals(threads * perThread, all.size());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void next_clockBeforeTheEpoch_throwsIllegalState() {
        ShardAwareIdSequence sequence = new ShardAwareIdSequence(0, () -> ShardAwareId.EPOCH_MILLIS - 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sequence.next(0));
        assertTrue(e.getMessage().contains("2026-01-01"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(ShardAwareId.EPOCH_MILLIS - 1)), e.getMessage());
    }

    @Test
    void next_atTheEpoch_givesTimestampZero() {
        long id = new ShardAwareIdSequence(0, () -> ShardAwareId.EPOCH_MILLIS).next(0);
        assertEquals(0L, id, "bucket 0, node 0, sequence 0 at the epoch is the id 0, which is not plausible");
    }

    @Test
    void constructor_rejectsNodeIdOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new ShardAwareIdSequence(32, () -> NOW));
        assertThrows(IllegalArgumentException.class, () -> new ShardAwareIdSequence(-1, () -> NOW));
        new ShardAwareIdSequence(31, () -> NOW);
    }

    @Test
    void next_rejectsBucketOutOfRange_withIllegalArgument() {
        ShardAwareIdSequence sequence = new ShardAwareIdSequence(0, () -> NOW);
        assertThrows(IllegalArgumentException.class, () -> sequence.next(-1));
        assertThrows(IllegalArgumentException.class, () -> sequence.next(ShardAwareId.MAX_BUCKETS));
    }
}
