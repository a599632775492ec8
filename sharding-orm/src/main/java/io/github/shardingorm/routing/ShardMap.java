package io.github.shardingorm.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which shard owns each bucket: an immutable, versioned table {@code bucket -> shard id}.
 *
 * <h2>Design note</h2>
 * Bucketed strategies route in two steps: the stable hash of a key picks one of a fixed number of
 * buckets ({@link StableKeyHash#bucketOf}), and this map picks the bucket's shard. The bucket count
 * never changes for a cluster; resharding moves whole buckets between shards by publishing a new
 * map with a higher {@link #version()} ({@link #reassign}). The table is kept as a plain array so
 * that {@link #shardOf(int)} is one array load; the run-length form {@link #ranges()} is what
 * people read and what {@link #toText()} stores.
 *
 * <p>Two maps are equal when they have the same version and assign every bucket to the same shard.
 * Adjacent runs of one shard are always merged, so equal maps have equal {@link #ranges()} and
 * equal {@link #toText()}.
 *
 * <p>Shard ids must be non-empty, without leading or trailing whitespace and without control
 * characters (line breaks), so that the text form stays one range per line.
 */
public final class ShardMap {

    /** The largest supported bucket count. */
    public static final int MAX_BUCKET_COUNT = 65_536;

    private final long version;
    private final String[] owners;
    private final List<BucketRange> ranges;
    private final Map<String, Integer> bucketCounts;

    private ShardMap(long version, String[] owners) {
        if (version < 1) {
            throw new IllegalArgumentException("Shard map version must be >= 1 but was " + version);
        }
        this.version = version;
        this.owners = owners;
        List<BucketRange> runs = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        int start = 0;
        for (int bucket = 1; bucket <= owners.length; bucket++) {
            if (bucket == owners.length || !owners[bucket].equals(owners[start])) {
                runs.add(new BucketRange(start, bucket - 1, owners[start]));
                counts.merge(owners[start], bucket - start, Integer::sum);
                start = bucket;
            }
        }
        this.ranges = List.copyOf(runs);
        this.bucketCounts = Collections.unmodifiableMap(counts);
    }

    // ------------------------------------------------------------------ factories

    /**
     * Splits the buckets into contiguous, near-equal ranges, one per shard, in list order: shard
     * {@code i} of {@code n} owns buckets {@code [i*b/n, (i+1)*b/n)}. Version 1.
     *
     * @param bucketCount between 1 and {@link #MAX_BUCKET_COUNT}, at least {@code shards.size()}
     * @param shards      distinct, valid shard ids; not empty
     * @throws IllegalArgumentException when a rule above is broken
     */
    public static ShardMap uniform(int bucketCount, List<String> shards) {
        checkBucketCount(bucketCount);
        List<String> ids = distinctShardIds(shards);
        if (ids.size() > bucketCount) {
            throw new IllegalArgumentException("Cannot spread " + ids.size() + " shards " + ids + " over "
                    + bucketCount + " buckets: every shard needs at least one bucket");
        }
        String[] owners = new String[bucketCount];
        int n = ids.size();
        for (int i = 0; i < n; i++) {
            int from = (int) ((long) i * bucketCount / n);
            int to = (int) ((long) (i + 1) * bucketCount / n);
            Arrays.fill(owners, from, to, ids.get(i));
        }
        return new ShardMap(1, owners);
    }

    /**
     * Gives each shard a contiguous share of the buckets proportional to its weight (largest
     * remainder method; ties go to the shard that comes first). Shards are laid out in ascending
     * shard-id order ({@link String#compareTo}), so the result does not depend on the iteration
     * order of {@code weights} (that of {@link Map#of} changes from one JVM run to the next).
     * Shards of weight 0 get no bucket; every shard of positive weight gets at least one. Version 1.
     *
     * @param bucketCount between 1 and {@link #MAX_BUCKET_COUNT}
     * @param weights     shard id to weight {@code >= 0}; at least one weight positive
     * @throws IllegalArgumentException when a weight is negative, all are 0, a shard id is invalid,
     *                                  or there are more weighted shards than buckets
     */
    public static ShardMap weighted(int bucketCount, Map<String, Integer> weights) {
        checkBucketCount(bucketCount);
        return new ShardMap(1, WeightedLayout.owners(bucketCount, weights));
    }

    /**
     * Places the buckets on a consistent-hash ring. Each shard owns {@code virtualNodesPerShard}
     * points at {@code StableKeyHash.hash64(shardId + "#" + i)}; bucket {@code b} sits at
     * {@code StableKeyHash.hash64((long) b)} and belongs to the first point at or after it
     * (clockwise, positions compared as unsigned). Adding a shard therefore moves about
     * {@code 1/(n+1)} of the buckets, all of them to the new shard; removing one moves only its
     * buckets. The order of {@code shards} does not matter. Version 1.
     *
     * @param bucketCount         between 1 and {@link #MAX_BUCKET_COUNT}
     * @param shards              distinct, valid shard ids; not empty
     * @param virtualNodesPerShard between 1 and 65536
     * @throws IllegalArgumentException when a rule above is broken
     */
    public static ShardMap consistentHash(int bucketCount, List<String> shards, int virtualNodesPerShard) {
        checkBucketCount(bucketCount);
        List<String> ids = distinctShardIds(shards);
        return new ShardMap(1, HashRing.owners(bucketCount, ids, virtualNodesPerShard));
    }

    /**
     * A builder for an explicit map: assign every bucket exactly once, then {@link Builder#build()}.
     *
     * @param bucketCount between 1 and {@link #MAX_BUCKET_COUNT}
     * @throws IllegalArgumentException when {@code bucketCount} is out of range
     */
    public static Builder builder(int bucketCount) {
        checkBucketCount(bucketCount);
        return new Builder(bucketCount);
    }

    /**
     * Reads the form written by {@link #toText()}. Blank lines and lines starting with {@code #}
     * are ignored; {@code version=} and {@code buckets=} must come before the first range.
     *
     * @param text the stored text; never null
     * @return the map
     * @throws IllegalArgumentException naming the line when the text is malformed or the ranges
     *                                  do not cover every bucket exactly once
     */
    public static ShardMap parse(String text) {
        return ShardMapText.parse(text);
    }

    // ------------------------------------------------------------------ queries

    /** The version, {@code >= 1}; every {@link #reassign} adds one. */
    public long version() {
        return version;
    }

    /** The number of buckets, between 1 and {@link #MAX_BUCKET_COUNT}. */
    public int bucketCount() {
        return owners.length;
    }

    /**
     * The shard that owns {@code bucket}.
     *
     * @return the shard id; never null
     * @throws IllegalArgumentException when {@code bucket} is not in {@code [0, bucketCount())}
     */
    public String shardOf(int bucket) {
        if (bucket < 0 || bucket >= owners.length) {
            throw new IllegalArgumentException("Bucket " + bucket + " is outside [0, " + owners.length + ")");
        }
        return owners[bucket];
    }

    /** The maximal runs of buckets per shard, sorted, contiguous, covering every bucket once. */
    public List<BucketRange> ranges() {
        return ranges;
    }

    /** The shards that own at least one bucket, in the order of their first bucket. */
    public Set<String> shards() {
        return bucketCounts.keySet();
    }

    /** The number of buckets {@code shard} owns; 0 for a shard not in this map. */
    public int bucketsOf(String shard) {
        return bucketCounts.getOrDefault(shard, 0);
    }

    /**
     * A copy with buckets {@code [from, toInclusive]} moved to {@code shard} (which may be new) and
     * the version increased by one.
     *
     * @throws IllegalArgumentException when the range is outside the map or the shard id is invalid
     */
    public ShardMap reassign(int from, int toInclusive, String shard) {
        checkAssignment(owners.length, from, toInclusive, shard);
        if (version == Long.MAX_VALUE) {
            throw new IllegalArgumentException("Shard map version " + version + " cannot be increased");
        }
        String[] next = owners.clone();
        Arrays.fill(next, from, toInclusive + 1, shard);
        return new ShardMap(version + 1, next);
    }

    /**
     * The stable text form, one entry per line, ending with a line break, e.g.
     * <pre>
     * version=3
     * buckets=4096
     * 0-2047=s0
     * 2048-4095=s1
     * </pre>
     */
    public String toText() {
        return ShardMapText.format(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardMap other && version == other.version && Arrays.equals(owners, other.owners);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Arrays.hashCode(owners);
    }

    /** A summary, e.g. {@code ShardMap{version=1, buckets=4096, shards={s0=2048, s1=2048}, ranges=2}}. */
    @Override
    public String toString() {
        return "ShardMap{version=" + version + ", buckets=" + owners.length + ", shards=" + bucketCounts
                + ", ranges=" + ranges.size() + "}";
    }

    // ------------------------------------------------------------------ validation

    static void checkBucketCount(int bucketCount) {
        if (bucketCount < 1 || bucketCount > MAX_BUCKET_COUNT) {
            throw new IllegalArgumentException("Bucket count must be between 1 and " + MAX_BUCKET_COUNT
                    + " but was " + bucketCount);
        }
    }

    static void checkShardId(String shard) {
        if (shard == null || shard.isEmpty()) {
            throw new IllegalArgumentException("Shard id must not be " + (shard == null ? "null" : "empty"));
        }
        if (!shard.strip().equals(shard) || shard.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("Shard id '" + shard
                    + "' must not start or end with whitespace nor contain control characters");
        }
    }

    private static void checkAssignment(int bucketCount, int from, int toInclusive, String shard) {
        checkShardId(shard);
        if (from < 0 || toInclusive < from || toInclusive >= bucketCount) {
            throw new IllegalArgumentException("Bucket range " + from + "-" + toInclusive + " for shard " + shard
                    + " must satisfy 0 <= from <= toInclusive < " + bucketCount);
        }
    }

    private static List<String> distinctShardIds(List<String> shards) {
        Objects.requireNonNull(shards, "shards");
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("At least one shard is required");
        }
        Set<String> seen = new HashSet<>();
        for (String shard : shards) {
            checkShardId(shard);
            if (!seen.add(shard)) {
                throw new IllegalArgumentException("Shard id " + shard + " is listed twice in " + shards);
            }
        }
        return List.copyOf(shards);
    }

    // ------------------------------------------------------------------ builder

    /**
     * Assembles an explicit {@link ShardMap}. Each {@link #assign} is checked at once; gaps and
     * overlaps are reported together by {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final int bucketCount;
        private long version = 1;
        private final List<BucketRange> assignments = new ArrayList<>();

        private Builder(int bucketCount) {
            this.bucketCount = bucketCount;
        }

        /**
         * @param version the map version, {@code >= 1} (default 1)
         * @throws IllegalArgumentException when {@code version < 1}
         */
        public Builder version(long version) {
            if (version < 1) {
                throw new IllegalArgumentException("Shard map version must be >= 1 but was " + version);
            }
            this.version = version;
            return this;
        }

        /**
         * Assigns buckets {@code [from, toInclusive]} to {@code shard}.
         *
         * @throws IllegalArgumentException when the range is outside {@code [0, bucketCount)} or
         *                                  the shard id is invalid
         */
        public Builder assign(int from, int toInclusive, String shard) {
            checkAssignment(bucketCount, from, toInclusive, shard);
            assignments.add(new BucketRange(from, toInclusive, shard));
            return this;
        }

        /**
         * @return the map
         * @throws IllegalArgumentException listing every gap and overlap when the assignments do
         *                                  not cover each bucket exactly once
         */
        public ShardMap build() {
            List<BucketRange> sorted = new ArrayList<>(assignments);
            sorted.sort(Comparator.comparingInt(BucketRange::from).thenComparingInt(BucketRange::toInclusive));
            List<String> problems = new ArrayList<>();
            String[] owners = new String[bucketCount];
            int next = 0; // first bucket not yet covered
            BucketRange previous = null;
            for (BucketRange range : sorted) {
                if (range.from() > next) {
                    problems.add("buckets " + next + "-" + (range.from() - 1) + " are not assigned");
                } else if (range.from() < next) {
                    problems.add("bucket range " + range + " overlaps " + previous);
                }
                Arrays.fill(owners, range.from(), range.toInclusive() + 1, range.shard());
                if (range.toInclusive() + 1 > next) {
                    next = range.toInclusive() + 1;
                    previous = range;
                }
            }
            if (next < bucketCount) {
                problems.add("buckets " + next + "-" + (bucketCount - 1) + " are not assigned");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid shard map (version " + version + ", " + bucketCount
                        + " buckets): " + String.join("; ", problems));
            }
            return new ShardMap(version, owners);
        }
    }
}
