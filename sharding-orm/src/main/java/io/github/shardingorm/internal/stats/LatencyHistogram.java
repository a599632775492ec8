package io.github.shardingorm.internal.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed log-linear histogram of durations in nanoseconds, HdrHistogram-like but with no
 * dependency: 8 sub-buckets per power of two, so a reported percentile is within 12.5% of the
 * true value (it reports the middle of its bucket). 520 counters (4 KiB) per stripe, lock-free
 * recording; {@value Stripes#COUNT} stripes picked by thread ({@link Stripes}), so that threads
 * recording similar durations do not all increment the same counter (16 KiB).
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS + 1) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS * Stripes.COUNT);

    public void record(long nanos) {
        record(nanos, Stripes.ofCurrentThread());
    }

    /** Records in stripe {@code stripe} (0..{@value Stripes#COUNT}-1, the caller's {@link Stripes#ofCurrentThread()}). */
    void record(long nanos, int stripe) {
        counts.incrementAndGet(stripe * BUCKETS + index(Math.max(0, nanos)));
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB - 1);
        return (exponent - SUB_BITS + 1) * SUB + sub;
    }

    /** The lowest value of bucket {@code index}. */
    static long lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int exponent = index / SUB - 1 + SUB_BITS;
        int sub = index % SUB;
        return (1L << exponent) + ((long) sub << (exponent - SUB_BITS));
    }

    /** The width of bucket {@code index}. */
    static long width(int index) {
        if (index < SUB) {
            return 1;
        }
        int exponent = index / SUB - 1 + SUB_BITS;
        return 1L << (exponent - SUB_BITS);
    }

    /** A consistent-enough copy for reading percentiles. */
    public Snapshot snapshot() {
        long[] copy = new long[BUCKETS];
        long total = 0;
        for (int stripe = 0; stripe < Stripes.COUNT; stripe++) {
            for (int i = 0; i < BUCKETS; i++) {
                long n = counts.get(stripe * BUCKETS + i);
                copy[i] += n;
                total += n;
            }
        }
        return new Snapshot(copy, total);
    }

    /** Counts frozen at one moment. */
    public static final class Snapshot {
        private final long[] counts;
        private final long total;

        Snapshot(long[] counts, long total) {
            this.counts = counts;
            this.total = total;
        }

        public long count() {
            return total;
        }

        /** The value at quantile {@code q} (0..1) in nanoseconds, the middle of its bucket; 0 when empty. */
        public long percentile(double q) {
            if (total == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(q * total));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return lowerBound(i) + width(i) / 2;
                }
            }
            return lowerBound(counts.length - 1);
        }

        /** The upper bound of the highest non-empty bucket; 0 when empty. */
        public long max() {
            for (int i = counts.length - 1; i >= 0; i--) {
                if (counts[i] > 0) {
                    return lowerBound(i) + width(i) - 1;
                }
            }
            return 0;
        }
    }
}
