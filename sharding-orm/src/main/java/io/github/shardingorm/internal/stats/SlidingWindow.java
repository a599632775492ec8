package io.github.shardingorm.internal.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Operation count and busy time of one shard over the last {@code window}, as a ring of
 * {@value #SLOTS} slots: a slot is reset when the clock enters it again, a read sums the slots
 * of the last {@value #SLOTS} periods (so it covers between 11/12 of the window and the window).
 * Recording is two atomic adds; a reset races harmlessly with a concurrent add (one operation
 * may be lost at a slot boundary).
 */
final class SlidingWindow {

    static final int SLOTS = 12;

    private final long slotNanos;
    private final AtomicLongArray period = new AtomicLongArray(SLOTS);
    private final AtomicLongArray operations = new AtomicLongArray(SLOTS);
    private final AtomicLongArray busyNanos = new AtomicLongArray(SLOTS);

    SlidingWindow(long windowNanos) {
        this.slotNanos = Math.max(1, windowNanos / SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            period.set(i, Long.MIN_VALUE);
        }
    }

    void record(long now, long nanos) {
        long p = Math.floorDiv(now, slotNanos);
        int i = (int) Math.floorMod(p, SLOTS);
        long seen = period.get(i);
        if (seen != p && period.compareAndSet(i, seen, p)) {
            operations.set(i, 0);
            busyNanos.set(i, 0);
        }
        operations.incrementAndGet(i);
        busyNanos.addAndGet(i, nanos);
    }

    /** {operations, busy nanoseconds} over the window ending at {@code now}. */
    long[] sum(long now) {
        long p = Math.floorDiv(now, slotNanos);
        long ops = 0;
        long busy = 0;
        for (int i = 0; i < SLOTS; i++) {
            long slot = period.get(i);
            if (slot > p - SLOTS && slot <= p) {
                ops += operations.get(i);
                busy += busyNanos.get(i);
            }
        }
        return new long[] {ops, busy};
    }
}
