package io.github.shardingorm.internal.stats;

import java.util.ArrayList;
import java.util.Arrays;
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
 * Memory: 24 bytes per counter plus 8 per index slot (two per counter): 5 KiB for 128 counters.
 * Synchronized; {@link StripedSpaceSaving} spreads concurrent offers over several of them.
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

    private final int capacity;
    private final int[] items;
    private final long[] counts;
    private final long[] errors;
    private final int[] keys;   // index: item, or EMPTY
    private final int[] slots;  // index: heap slot of keys[i]
    private final int[] entry;  // heap slot: its item's position in the index (so a swap needs no probe)
    private final int mask;
    // the two fields every offer writes, declared first: the JVM lays them out right after the header
    private long offered;
    private int size;

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
        this.items = new int[capacity];
        this.counts = new long[capacity];
        this.errors = new long[capacity];
        this.entry = new int[capacity];
        int table = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        this.keys = new int[table];
        this.slots = new int[table];
        this.mask = table - 1;
        Arrays.fill(keys, EMPTY);
    }

    public synchronized void offer(int item) {
        offered++;
        int at = find(item);
        if (at >= 0) {
            int slot = slots[at];
            counts[slot]++;
            siftDown(slot);
            return;
        }
        if (size < capacity) {
            int slot = size++;
            items[slot] = item;
            counts[slot] = 1;
            errors[slot] = 0;
            insert(item, slot);
            siftUp(slot);
            return;
        }
        remove(items[0]);
        items[0] = item;
        errors[0] = counts[0];
        counts[0]++;
        insert(item, 0);
        siftDown(0);
    }

    // ------------------------------------------------------------------ heap

    // a 4-ary heap: half the levels of a binary one (4 for 128 counters), and the 4 children's counts
    // share a cache line; an evicting offer (the new item's count is the minimum + 1) sinks through
    // every level where the other counters hold the minimum, so the depth is what costs

    private void siftDown(int slot) {
        while (true) {
            int first = 4 * slot + 1;
            if (first >= size) {
                return;
            }
            int last = Math.min(first + 4, size);
            int smallest = first;
            for (int c = first + 1; c < last; c++) {
                if (counts[c] < counts[smallest]) {
                    smallest = c;
                }
            }
            if (counts[slot] <= counts[smallest]) {
                return;
            }
            swap(slot, smallest);
            slot = smallest;
        }
    }

    private void siftUp(int slot) {
        while (slot > 0) {
            int parent = (slot - 1) / 4;
            if (counts[parent] <= counts[slot]) {
                return;
            }
            swap(slot, parent);
            slot = parent;
        }
    }

    private void swap(int a, int b) {
        int item = items[a];
        long count = counts[a];
        long error = errors[a];
        int e = entry[a];
        items[a] = items[b];
        counts[a] = counts[b];
        errors[a] = errors[b];
        entry[a] = entry[b];
        items[b] = item;
        counts[b] = count;
        errors[b] = error;
        entry[b] = e;
        slots[entry[a]] = a;
        slots[entry[b]] = b;
    }

    // ------------------------------------------------------------------ index (linear probing, backward-shift deletion)

    private static int mix(int item) {
        int h = item * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private int find(int item) {
        for (int i = mix(item) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == item) {
                return i;
            }
            if (keys[i] == EMPTY) {
                return -1;
            }
        }
    }

    private void insert(int item, int slot) {
        int i = mix(item) & mask;
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = item;
        slots[i] = slot;
        entry[slot] = i;
    }

    private void remove(int item) {
        int hole = find(item);
        keys[hole] = EMPTY;
        for (int i = (hole + 1) & mask; keys[i] != EMPTY; i = (i + 1) & mask) {
            int home = mix(keys[i]) & mask;
            // move keys[i] into the hole unless its home lies cyclically in (hole, i]
            boolean stays = hole <= i ? home > hole && home <= i : home > hole || home <= i;
            if (!stays) {
                keys[hole] = keys[i];
                slots[hole] = slots[i];
                entry[slots[hole]] = hole;
                keys[i] = EMPTY;
                hole = i;
            }
        }
    }

    // ------------------------------------------------------------------ reading

    /** The number of offers since the sketch was created or cleared. */
    public synchronized long offered() {
        return offered;
    }

    public int capacity() {
        return capacity;
    }

    public synchronized void clear() {
        Arrays.fill(keys, EMPTY);
        size = 0;
        offered = 0;
    }

    /** Entries (unsorted), offers and floor, read together. */
    synchronized Summary summary() {
        List<Entry> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Entry(items[i], counts[i], errors[i]));
        }
        return new Summary(out, offered, size == capacity ? counts[0] : 0);
    }

    /** Every counted item, highest count first. */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Entry(items[i], counts[i], errors[i]));
        }
        out.sort(Comparator.comparingLong(Entry::count).reversed().thenComparingInt(Entry::item));
        return out;
    }
}
