package io.github.shardingorm.routing;

import java.util.Objects;

/**
 * A run of consecutive buckets owned by one shard, as listed by {@link ShardMap#ranges()}.
 *
 * @param from        the first bucket, {@code >= 0}
 * @param toInclusive the last bucket, {@code >= from}
 * @param shard       the owning shard id; never null
 */
public record BucketRange(int from, int toInclusive, String shard) {

    /**
     * @throws IllegalArgumentException when {@code from < 0} or {@code toInclusive < from}
     * @throws NullPointerException     when {@code shard} is null
     */
    public BucketRange {
        Objects.requireNonNull(shard, "shard");
        if (from < 0 || toInclusive < from) {
            throw new IllegalArgumentException("Invalid bucket range " + from + "-" + toInclusive + " for shard " + shard
                    + ": need 0 <= from <= toInclusive");
        }
    }

    /** The number of buckets in this range. */
    public int size() {
        return toInclusive - from + 1;
    }

    /** Whether {@code bucket} lies in this range. */
    public boolean contains(int bucket) {
        return bucket >= from && bucket <= toInclusive;
    }

    /** The text form used by {@link ShardMap#toText()}: {@code from-toInclusive=shard}. */
    @Override
    public String toString() {
        return from + "-" + toInclusive + "=" + shard;
    }
}
