package io.github.shardingorm.internal.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Space-Saving heavy-hitters sketch (Metwally, Agrawal, El Abbadi, "Efficient computation of
 * frequent and top-k elements in data streams", ICDT 2005) over bucket numbers.
 *
 * <p>{@code capacity} counters; an item not counted yet takes over the smallest counter and
 * inherits its count as its error. Guarantees, for a stream of N offers: every estimate is at
 * least the true count and at most the true count plus N / capacity (its {@code error} field
 * bounds the excess), and every item whose true count exceeds N / capacity is in the sketch.
 *
 * <p>Memory: three arrays of {@code capacity} and an index map, about 100 bytes per counter
 * (12.5 KiB for the default 128). Synchronized: an offer is a map lookup, plus a scan of the
 * counters when the item is new (128 comparisons).
 */
public final class SpaceSaving {

    /** A counted item: {@code count} over-estimates the true count by at most {@code error}. */
    public record Entry(int item, long count, long error) {
    }

    private final int capacity;
    private final int[] items;
    private final long[] counts;
    private final long[] errors;
    private final Map<Integer, Integer> index;
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
        this.index = new HashMap<>(capacity * 2);
    }

    public synchronized void offer(int item) {
        offered++;
        Integer at = index.get(item);
        if (at != null) {
            counts[at]++;
            return;
        }
        if (size < capacity) {
            items[size] = item;
            counts[size] = 1;
            errors[size] = 0;
            index.put(item, size++);
            return;
        }
        int min = 0;
        for (int i = 1; i < capacity; i++) {
            if (counts[i] < counts[min]) {
                min = i;
            }
        }
        index.remove(items[min]);
        errors[min] = counts[min];
        counts[min]++;
        items[min] = item;
        index.put(item, min);
    }

    /** The number of offers since the sketch was created or cleared. */
    public synchronized long offered() {
        return offered;
    }

    public int capacity() {
        return capacity;
    }

    public synchronized void clear() {
        index.clear();
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
