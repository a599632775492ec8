package io.github.shardingorm.internal.routing;

import io.github.shardingorm.spi.ShardResolver;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves keys against sorted, non-overlapping half-open ranges: {@link #shardOf} binary-searches
 * the lower bounds; {@link #shardsForRange} returns exactly the shards whose ranges intersect the
 * query (a linear scan: range tables are short).
 *
 * <p>String keys are ordered by {@link String#compareTo} (UTF-16 code units), not by a database
 * collation; routing and pruning both use that order, so they agree.
 */
final class RangeShardResolver implements ShardResolver {

    private final ShardRange[] ranges;
    /** {@code Long.class} or {@code String.class}; null when the only range is unbounded. */
    private final Class<?> keyType;
    private final Set<String> shards;

    RangeShardResolver(List<ShardRange> sortedRanges, Class<?> keyType) {
        this.ranges = sortedRanges.toArray(ShardRange[]::new);
        this.keyType = keyType;
        Set<String> ids = new LinkedHashSet<>();
        for (ShardRange range : ranges) {
            ids.add(range.shard());
        }
        this.shards = Collections.unmodifiableSet(ids);
    }

    @Override
    public String name() {
        return "range";
    }

    /**
     * @throws IllegalArgumentException when the key is not of the ranges' type (e.g. a String key
     *                                  for numeric ranges)
     */
    @Override
    public String shardOf(Object key) {
        Object k = checkType(key, "key");
        int i = lastStartingAtOrBefore(k);
        if (i < 0) {
            return null;
        }
        ShardRange range = ranges[i];
        return range.upper() == null || RangeShardingStrategy.compare(k, range.upper()) < 0 ? range.shard() : null;
    }

    @Override
    public Set<String> shards() {
        return shards;
    }

    /**
     * @throws IllegalArgumentException when a bound is not of the ranges' type
     */
    @Override
    public Set<String> shardsForRange(Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {
        Object lo = lower == null ? null : checkType(lower, "lower bound");
        Object hi = upper == null ? null : checkType(upper, "upper bound");
        if (lo != null && hi != null && lo.getClass() != hi.getClass()) {
            throw new IllegalArgumentException("range strategy: the lower bound " + lower + " and the upper bound "
                    + upper + " are of different types");
        }
        Set<String> result = new LinkedHashSet<>();
        for (ShardRange range : ranges) {
            if (RangeIntersection.overlaps(range, lo, lowerInclusive, hi, upperInclusive)) {
                result.add(range.shard());
            }
        }
        return Collections.unmodifiableSet(result);
    }

    /** Index of the last range whose lower bound is {@code <= key} (null counts as -inf), or -1. */
    private int lastStartingAtOrBefore(Object key) {
        int low = 0;
        int high = ranges.length - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            Object lower = ranges[mid].lower();
            if (lower == null || RangeShardingStrategy.compare(lower, key) <= 0) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    private Object checkType(Object value, String what) {
        Object normalized = value instanceof Long || value instanceof String ? value : NormalizedKeys.normalize(value, what);
        if (keyType != null && keyType != normalized.getClass()) {
            throw new IllegalArgumentException("range strategy routes " + keyType.getSimpleName() + " keys but the "
                    + what + " " + value + " is a " + value.getClass().getSimpleName());
        }
        if (keyType == null && !(normalized instanceof Long || normalized instanceof String)) {
            throw new IllegalArgumentException("range strategy routes Long or String keys but the " + what + " "
                    + value + " is a " + value.getClass().getSimpleName());
        }
        return normalized;
    }

    @Override
    public String toString() {
        return "range" + List.of(ranges);
    }
}
