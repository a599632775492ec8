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
 * <p>The counters form a min-heap by count (the smallest is at the root), with an open-addressing
 * index item &rarr; heap slot: an offer is one probe and O(log capacity) swaps, no allocation.
 * Memory: 24 bytes per counter plus 8 per index slot (two per counter): 5 KiB for 128 counters.
 * Synchronized.
 */
public final class SpaceSaving {

    /** A counted item: {@code count} over-estimates the true count by at most {@code error}. */
    public record Entry(int item, long count, long error) {
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
    private int size;
    private long offered;

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

    private void siftDown(int slot) {
        while (true) {
            int left = 2 * slot + 1;
            if (left >= size) {
                return;
            }
            int smaller = left + 1 < size && counts[left + 1] < counts[left] ? left + 1 : left;
            if (counts[slot] <= counts[smaller]) {
                return;
            }
            swap(slot, smaller);
            slot = smaller;
        }
    }

    private void siftUp(int slot) {
        while (slot > 0) {
            int parent = (slot - 1) / 2;
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
