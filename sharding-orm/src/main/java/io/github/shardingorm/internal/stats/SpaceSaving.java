package io.github.shardingorm.internal.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Space-Saving heavy-hitters sketch (Metwally, Agrawal, El Abbadi, "Efficient computation of
 * frequent and top-k elements in data streams", ICDT 2005) over bucket numbers.
 *
 * <p>{@code capacity} counters; an item not counted yet takes over the smallest counter and
 * inherits its count as its error. Guarantees, for a stream of N offers: every estimate is at
 * least the true count and at most the true count plus N / capacity (its {@code error} field
 * bounds the excess), and every item whose true count exceeds N / capacity is in the sketch.
 *
 * <p>The counters form a 4-ary min-heap by count (the smallest is at the root), with an open-addressing
 * index item &rarr; heap slot: an offer is one probe and O(log<sub>4</sub> capacity) swaps, no allocation.
 * Memory: 24 bytes per counter plus 8 per index slot (two per counter): 5 KiB for 128 counters,
 * in three arrays laid out so that an offer touches few cache lines.
 * Offers are applied {@value #BATCH} at a time from a 64-byte buffer (see {@link #offer}); every read applies
 * the pending ones first. Synchronized; {@link StripedSpaceSaving} spreads concurrent offers over several of them.
 */
public sealed class SpaceSaving permits SpaceSaving.Padded {

    /** A counted item: {@code count} over-estimates the true count by at most {@code error}. */
    public record Entry(int item, long count, long error) {
    }

    /**
     * What {@link StripedSpaceSaving} merges: the counted items, the offers, and the floor (the smallest
     * count once every counter is taken, else 0), which bounds the true count of any item not counted.
     */
    record Summary(List<Entry> entries, long offered, long floor) {
    }

    private static final int EMPTY = -1;

    // Laid out for few cache lines per offer: what one heap slot or one index slot holds is side by side.
    private final int capacity;
    private final long[] heap;  // heap slot s: count at 2s, error at 2s + 1
    private final int[] owner;  // heap slot s: item at 2s, its position in the index at 2s + 1 (a swap needs no probe)
    private final int[] index;  // index position i: item (or EMPTY) at 2i, its heap slot at 2i + 1
    private final int mask;
    // the fields every offer writes, declared first: the JVM lays them out right after the header
    private int pendingCount;
    private long offered;
    private int size;
    static final int BATCH = 16;
    private final int[] pending = new int[BATCH];

    /**
     * A sketch padded at its end, so that the lock word and the counters of sketches allocated next to
     * each other (the stripes of a {@link StripedSpaceSaving}, which a collection copies side by side)
     * are not on one cache line.
     */
    static SpaceSaving padded(int capacity) {
        return new Padded(capacity);
    }

    @SuppressWarnings("unused")
    static final class Padded extends SpaceSaving {
        private long p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;

        Padded(int capacity) {
            super(capacity);
        }
    }

    public SpaceSaving(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1 but was " + capacity);
        }
        this.capacity = capacity;
        this.heap = new long[2 * capacity];
        this.owner = new int[2 * capacity];
        int table = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        this.index = new int[2 * table];
        this.mask = table - 1;
        clearIndex();
    }

    private void clearIndex() {
        for (int i = 0; i < index.length; i += 2) {
            index[i] = EMPTY;
        }
    }

    /**
     * Counts one occurrence of {@code item}. Offers are kept in a small buffer and applied {@value #BATCH} at a time
     * (under the same lock, in the same order; every read applies what is pending first, so what is read is
     * exactly what offering them one by one gives): on the keyed path an offer stores one int, and the heap and the
     * index are worked on once per {@value #BATCH} operations, while their lines are still in the cache, rather
     * than cold after every operation's Hibernate and JDBC work.
     */
    public synchronized void offer(int item) {
        pending[pendingCount++] = item;
        if (pendingCount == BATCH) {
            drain();
        }
    }

    private void drain() {
        int n = pendingCount;
        pendingCount = 0;
        for (int i = 0; i < n; i++) {
            apply(pending[i]);
        }
    }

    private void apply(int item) {
        offered++;
        int at = find(item);
        if (at >= 0) {
            int slot = index[2 * at + 1];
            heap[2 * slot]++;
            siftDown(slot);
            return;
        }
        if (size < capacity) {
            int slot = size++;
            owner[2 * slot] = item;
            heap[2 * slot] = 1;
            heap[2 * slot + 1] = 0;
            insert(item, slot);
            siftUp(slot);
            return;
        }
        remove(owner[0]);
        owner[0] = item;
        heap[1] = heap[0];
        heap[0]++;
        insert(item, 0);
        siftDown(0);
    }

    // ------------------------------------------------------------------ heap
    // a 4-ary heap: half the levels of a binary one (4 for 128 counters), and the 4 children's counts
    // are 64 bytes apart at most; an evicting offer (the new item's count is the minimum + 1) sinks
    // through every level where the other counters hold the minimum, so the depth is what costs

    private long count(int slot) {
        return heap[2 * slot];
    }

    private void siftDown(int slot) {
        while (true) {
            int first = 4 * slot + 1;
            if (first >= size) {
                return;
            }
            int last = Math.min(first + 4, size);
            int smallest = first;
            long least = count(first);
            for (int c = first + 1; c < last; c++) {
                long n = count(c);
                if (n < least) {
                    smallest = c;
                    least = n;
                }
            }
            if (count(slot) <= least) {
                return;
            }
            swap(slot, smallest);
            slot = smallest;
        }
    }

    private void siftUp(int slot) {
        while (slot > 0) {
            int parent = (slot - 1) / 4;
            if (count(parent) <= count(slot)) {
                return;
            }
            swap(slot, parent);
            slot = parent;
        }
    }

    private void swap(int a, int b) {
        long count = heap[2 * a];
        long error = heap[2 * a + 1];
        heap[2 * a] = heap[2 * b];
        heap[2 * a + 1] = heap[2 * b + 1];
        heap[2 * b] = count;
        heap[2 * b + 1] = error;
        int item = owner[2 * a];
        int at = owner[2 * a + 1];
        owner[2 * a] = owner[2 * b];
        owner[2 * a + 1] = owner[2 * b + 1];
        owner[2 * b] = item;
        owner[2 * b + 1] = at;
        index[2 * owner[2 * a + 1] + 1] = a;
        index[2 * at + 1] = b;
    }

    // ------------------------------------------------------------------ index (linear probing, backward-shift deletion)

    private static int mix(int item) {
        int h = item * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private int find(int item) {
        for (int i = mix(item) & mask; ; i = (i + 1) & mask) {
            int key = index[2 * i];
            if (key == item) {
                return i;
            }
            if (key == EMPTY) {
                return -1;
            }
        }
    }

    private void insert(int item, int slot) {
        int i = mix(item) & mask;
        while (index[2 * i] != EMPTY) {
            i = (i + 1) & mask;
        }
        index[2 * i] = item;
        index[2 * i + 1] = slot;
        owner[2 * slot + 1] = i;
    }

    private void remove(int item) {
        int hole = find(item);
        index[2 * hole] = EMPTY;
        for (int i = (hole + 1) & mask; index[2 * i] != EMPTY; i = (i + 1) & mask) {
            int home = mix(index[2 * i]) & mask;
            // move the key at i into the hole unless its home lies cyclically in (hole, i]
            boolean stays = hole <= i ? home > hole && home <= i : home > hole || home <= i;
            if (!stays) {
                index[2 * hole] = index[2 * i];
                index[2 * hole + 1] = index[2 * i + 1];
                owner[2 * index[2 * hole + 1] + 1] = hole;
                index[2 * i] = EMPTY;
                hole = i;
            }
        }
    }

    // ------------------------------------------------------------------ reading

    /** The number of offers since the sketch was created or cleared. */
    public synchronized long offered() {
        drain();
        return offered;
    }

    public int capacity() {
        return capacity;
    }

    public synchronized void clear() {
        pendingCount = 0;
        clearIndex();
        size = 0;
        offered = 0;
    }

    /** Entries (unsorted), offers and floor, read together. */
    synchronized Summary summary() {
        drain();
        List<Entry> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Entry(owner[2 * i], heap[2 * i], heap[2 * i + 1]));
        }
        return new Summary(out, offered, size == capacity ? heap[0] : 0);
    }

    /** Every counted item, highest count first. */
    public synchronized List<Entry> entries() {
        drain();
        List<Entry> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Entry(owner[2 * i], heap[2 * i], heap[2 * i + 1]));
        }
        out.sort(Comparator.comparingLong(Entry::count).reversed().thenComparingInt(Entry::item));
        return out;
    }
}
