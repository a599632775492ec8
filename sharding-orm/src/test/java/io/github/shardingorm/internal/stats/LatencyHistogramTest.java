package io.github.shardingorm.internal.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsCoverEveryValueContiguously() {
        for (int i = 0; i < 480; i++) { // up to 2^62 ns
            assertEquals(LatencyHistogram.lowerBound(i) + LatencyHistogram.width(i), LatencyHistogram.lowerBound(i + 1), "bucket " + i);
        }
        for (long v : new long[] {0, 1, 7, 8, 9, 15, 16, 1000, 123_456_789L, Long.MAX_VALUE / 3}) {
            int i = LatencyHistogram.index(v);
            assertTrue(LatencyHistogram.lowerBound(i) <= v && v < LatencyHistogram.lowerBound(i) + LatencyHistogram.width(i), "value " + v);
        }
    }

    @Test
    void percentilesAreWithinTwelveAndAHalfPercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 10_000; i++) {
            h.record(i * 1000L); // 1 µs .. 10 ms, uniform
        }
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(10_000, s.count());
        assertClose(5_000_000, s.percentile(0.5));
        assertClose(9_500_000, s.percentile(0.95));
        assertClose(9_900_000, s.percentile(0.99));
        assertClose(10_000_000, s.max());
    }

    @Test
    void emptyHistogramReportsZero() {
        assertEquals(0, new LatencyHistogram().snapshot().percentile(0.99));
        assertEquals(0, new LatencyHistogram().snapshot().max());
    }

    private static void assertClose(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected / 8, () -> "expected ~" + expected + " but was " + actual);
    }
}
