package io.github.shardingorm.internal.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StripedSpaceSavingTest {

    @Test
    void exactWhenEveryStripeHasRoomForEveryBucket() {
        StripedSpaceSaving sketch = new StripedSpaceSaving(4, 128);
        Map<Integer, Long> truth = new HashMap<>();
        Random random = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            int bucket = random.nextInt(100); // 100 distinct buckets < 128 counters per stripe
            truth.merge(bucket, 1L, Long::sum);
            sketch.offer(bucket, random.nextInt(4));
        }
        List<SpaceSaving.Entry> entries = sketch.entries();
        assertEquals(truth.size(), entries.size());
        for (SpaceSaving.Entry e : entries) {
            assertEquals(truth.get(e.item()), e.count(), e::toString);
            assertEquals(0, e.error(), e::toString);
        }
        assertEquals(50_000, sketch.offered());
    }

    @Test
    void zipfTopTenFoundWithinTheBoundOfOneSketchOfTheStripeCapacity() {
        int buckets = 4096;
        double[] cdf = new double[buckets];
        double sum = 0;
        for (int i = 0; i < buckets; i++) {
            sum += 1.0 / (i + 1);
            cdf[i] = sum;
        }
        int[] bucketOfRank = new int[buckets];
        for (int i = 0; i < buckets; i++) {
            bucketOfRank[i] = (int) (i * 2654435761L % buckets); // the hot buckets are not simply 0..9
        }
        Random random = new Random(7);
        Map<Integer, Long> truth = new HashMap<>();
        // two periods of four stripes, as the statistics keep them; offers spread unevenly over the stripes
        StripedSpaceSaving current = new StripedSpaceSaving(4, 128);
        StripedSpaceSaving previous = new StripedSpaceSaving(4, 128);
        int n = 400_000;
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = buckets - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            int bucket = bucketOfRank[lo];
            truth.merge(bucket, 1L, Long::sum);
            int r = random.nextInt(10);
            (i < n / 3 ? previous : current).offer(bucket, r < 5 ? 0 : r < 8 ? 1 : r < 9 ? 2 : 3);
        }
        assertEquals(n, current.offered() + previous.offered());
        Set<Integer> trueTop10 = truth.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(10)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        List<SpaceSaving.Entry> entries = StripedSpaceSaving.merge(List.of(current, previous));
        assertEquals(trueTop10, entries.stream().limit(10).map(SpaceSaving.Entry::item).collect(Collectors.toSet()));
        long bound = n / 128; // N / m, m the counters of one stripe
        for (SpaceSaving.Entry e : entries) {
            long real = truth.getOrDefault(e.item(), 0L);
            assertTrue(e.count() >= real && e.count() - e.error() <= real && e.error() <= bound,
                    () -> e + " true " + real + " bound " + bound);
        }
        // every bucket above N / m is reported
        Set<Integer> reported = entries.stream().map(SpaceSaving.Entry::item).collect(Collectors.toSet());
        truth.forEach((bucket, count) -> assertTrue(count <= bound || reported.contains(bucket), () -> bucket + " " + count));
    }

    @Test
    void concurrentOffersAreAllCounted() throws InterruptedException {
        StripedSpaceSaving sketch = new StripedSpaceSaving(4, 128);
        int threads = 8;
        int perThread = 100_000;
        Map<Integer, AtomicLong> truth = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int seed = t;
            workers[t] = new Thread(() -> {
                Random random = new Random(seed);
                Map<Integer, Long> mine = new HashMap<>();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    int bucket = random.nextInt(120); // fewer than a stripe's counters: the counts are exact
                    mine.merge(bucket, 1L, Long::sum);
                    sketch.offer(bucket);
                }
                mine.forEach((b, c) -> truth.computeIfAbsent(b, x -> new AtomicLong()).addAndGet(c));
            });
            workers[t].start();
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals((long) threads * perThread, sketch.offered());
        List<SpaceSaving.Entry> entries = sketch.entries();
        assertEquals((long) threads * perThread, entries.stream().mapToLong(SpaceSaving.Entry::count).sum());
        for (SpaceSaving.Entry e : entries) {
            assertEquals(truth.get(e.item()).get(), e.count(), e::toString);
        }
    }

    @Test
    void concurrentOffersKeepTheBoundWhenStripesEvict() throws InterruptedException {
        StripedSpaceSaving sketch = new StripedSpaceSaving(4, 16);
        int threads = 6;
        int perThread = 50_000;
        AtomicLong sevens = new AtomicLong();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int seed = t;
            workers[t] = new Thread(() -> {
                Random random = new Random(seed);
                long mine = 0;
                for (int i = 0; i < perThread; i++) {
                    int bucket = i % 10 == 0 ? 7 : random.nextInt(1000); // bucket 7 gets 10% (+ 0.1% by chance)
                    mine += bucket == 7 ? 1 : 0;
                    sketch.offer(bucket);
                }
                sevens.addAndGet(mine);
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        long n = (long) threads * perThread;
        assertEquals(n, sketch.offered());
        SpaceSaving.Entry top = sketch.entries().get(0);
        assertEquals(7, top.item());
        long real = sevens.get();
        assertTrue(top.count() >= real && top.count() - top.error() <= real && top.error() <= n / 16, () -> top + " true " + real);
    }

    @Test
    void clearForgetsEveryStripe() {
        StripedSpaceSaving sketch = new StripedSpaceSaving(2, 4);
        for (int i = 0; i < 100; i++) {
            sketch.offer(i, i);
        }
        assertEquals(100, sketch.offered());
        sketch.clear();
        assertEquals(0, sketch.offered());
        assertEquals(List.of(), sketch.entries());
    }
}
