package io.github.shardingorm.internal.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Operation count and busy time of one shard over the last {@code window}, as a ring of
 * {@value #SLOTS} slots: a slot is reset when the clock enters it again, a read sums the slots
 * of the last {@value #SLOTS} periods (so it covers between 11/12 of the window and the window).
 * Recording is two atomic adds, in the recording thread's stripe ({@link Stripes}: threads do not
 * all add to the same two counters; a stripe's counters span 256 bytes, so stripes share no cache
 * line); a reset (of the slot in every stripe) races harmlessly with a concurrent add (an operation
 * per thread may be lost at a slot boundary).
 */
final class SlidingWindow {

    static final int SLOTS = 12;

    private final long slotNanos;
    private final AtomicLongArray period = new AtomicLongArray(SLOTS);
    /** Per stripe, {@link #STRIDE} longs: slot i's operations at 2i, its busy nanoseconds at 2i + 1, then padding. */
    private final AtomicLongArray counters = new AtomicLongArray(STRIDE * (Stripes.COUNT + 1));

    private static final int STRIDE = 32; // 2 * SLOTS = 24 used, rounded up to 256 bytes
    private static final int FIRST = STRIDE / 2; // stripe 0 starts 128 bytes in, away from the array's header

    SlidingWindow(long windowNanos) {
        this.slotNanos = Math.max(1, windowNanos / SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            period.set(i, Long.MIN_VALUE);
        }
    }

    void record(long now, long nanos) {
        record(now, nanos, Stripes.ofCurrentThread());
    }

    void record(long now, long nanos, int stripe) {
        long p = Math.floorDiv(now, slotNanos);
        int i = (int) Math.floorMod(p, SLOTS);
        long seen = period.get(i);
        if (seen != p && period.compareAndSet(i, seen, p)) {
            for (int s = 0; s < Stripes.COUNT; s++) {
                counters.set(at(s, i), 0);
                counters.set(at(s, i) + 1, 0);
            }
        }
        int at = at(stripe, i);
        counters.incrementAndGet(at);
        counters.addAndGet(at + 1, nanos);
    }

    private static int at(int stripe, int slot) {
        return FIRST + stripe * STRIDE + 2 * slot;
    }

    /** {operations, busy nanoseconds} over the window ending at {@code now}. */
    long[] sum(long now) {
        long p = Math.floorDiv(now, slotNanos);
        long ops = 0;
        long busy = 0;
        for (int i = 0; i < SLOTS; i++) {
            long slot = period.get(i);
            if (slot > p - SLOTS && slot <= p) {
                for (int s = 0; s < Stripes.COUNT; s++) {
                    ops += counters.get(at(s, i));
                    busy += counters.get(at(s, i) + 1);
                }
            }
        }
        return new long[] {ops, busy};
    }
}
