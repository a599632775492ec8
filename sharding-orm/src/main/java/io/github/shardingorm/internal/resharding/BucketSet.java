package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.routing.StableKeyHash;
import java.util.BitSet;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The buckets of one move, with the routing hash: a key belongs to the move when
 * {@code bucketOf(hash64(key))} is one of them (the same function routing uses, so the mover
 * and the router can never disagree).
 */
public final class BucketSet {

    private final int bucketCount;
    private final BitSet bits = new BitSet();
    private final Set<Integer> buckets;

    public BucketSet(int bucketCount, Collection<Integer> buckets) {
        if (bucketCount < 1) {
            throw new IllegalArgumentException("bucket count must be >= 1 but was " + bucketCount);
        }
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException("a move needs at least one bucket");
        }
        this.bucketCount = bucketCount;
        for (int b : buckets) {
            if (b < 0 || b >= bucketCount) {
                throw new IllegalArgumentException("bucket " + b + " is outside the map's buckets 0-" + (bucketCount - 1));
            }
            bits.set(b);
        }
        this.buckets = Set.copyOf(new TreeSet<>(buckets));
    }

    /** Parses the {@link #toText()} form, e.g. {@code "0-9,17"}. */
    public static BucketSet parse(int bucketCount, String text) {
        TreeSet<Integer> set = new TreeSet<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
            int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
            for (int b = from; b <= to; b++) {
                set.add(b);
            }
        }
        return new BucketSet(bucketCount, set);
    }

    public int bucketCount() {
        return bucketCount;
    }

    public Set<Integer> buckets() {
        return buckets;
    }

    public int size() {
        return buckets.size();
    }

    public boolean contains(int bucket) {
        return bits.get(bucket);
    }

    /** The bucket of a normalized key (Long, String or UUID). */
    public int bucketOf(Object normalizedKey) {
        return StableKeyHash.bucketOf(StableKeyHash.hash64(normalizedKey), bucketCount);
    }

    /** Whether a normalized key belongs to one of these buckets. */
    public boolean containsKey(Object normalizedKey) {
        return bits.get(bucketOf(normalizedKey));
    }

    /** Compact text: runs as {@code from-to}, separated by commas. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        int b = bits.nextSetBit(0);
        while (b >= 0) {
            int end = bits.nextClearBit(b) - 1;
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(b);
            if (end > b) {
                sb.append('-').append(end);
            }
            b = bits.nextSetBit(end + 1);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "buckets[" + toText() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BucketSet other && other.bucketCount == bucketCount && other.bits.equals(bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode() * 31 + bucketCount;
    }

    static String describe(Collection<Integer> buckets) {
        return buckets.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    }
}
