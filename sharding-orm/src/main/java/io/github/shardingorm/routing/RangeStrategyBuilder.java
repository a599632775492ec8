package io.github.shardingorm.routing;

import io.github.shardingorm.internal.routing.NormalizedKeys;
import io.github.shardingorm.internal.routing.RangeShardingStrategy;
import io.github.shardingorm.internal.routing.ShardRange;
import io.github.shardingorm.spi.ShardingStrategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a range strategy: each shard owns half-open key ranges {@code [lower, upper)}.
 * <pre>{@code
 * ShardingStrategies.range()
 *     .shard("s0", null, 1_000_000)       // keys below 1,000,000
 *     .shard("s1", 1_000_000, null)       // the rest
 *     .build();
 * }</pre>
 * Bounds are integral numbers ({@code Integer}, {@code Long}...; keys are compared as
 * {@code long}) or Strings (compared with {@link String#compareTo}). Each call is checked at once;
 * the table as a whole (overlaps, unknown shards, mixed bound types) is checked when the strategy
 * is bound, which reports every problem together. Keys in a gap between ranges belong to no shard.
 * Not thread-safe.
 */
public final class RangeStrategyBuilder {

    private final List<ShardRange> ranges = new ArrayList<>();

    RangeStrategyBuilder() {
    }

    /**
     * Gives {@code shard} the keys in {@code [lowerInclusive, upperExclusive)}. A shard may own
     * several ranges.
     *
     * @param shard          the shard id; never null
     * @param lowerInclusive an integral number or a String; null for no lower bound
     * @param upperExclusive of the same kind as {@code lowerInclusive}; null for no upper bound
     * @return this builder
     * @throws IllegalArgumentException when a bound has another type, the bounds differ in type, or
     *                                  the range is empty ({@code lower >= upper})
     */
    public RangeStrategyBuilder shard(String shard, Object lowerInclusive, Object upperExclusive) {
        ShardMap.checkShardId(shard);
        Comparable<?> lower = bound(lowerInclusive, "lower bound", shard);
        Comparable<?> upper = bound(upperExclusive, "upper bound", shard);
        ShardRange range = new ShardRange(shard, lower, upper);
        if (lower != null && upper != null) {
            if (lower.getClass() != upper.getClass()) {
                throw new IllegalArgumentException("Range " + range + " of shard " + shard + " mixes a "
                        + lower.getClass().getSimpleName() + " and a " + upper.getClass().getSimpleName() + " bound");
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            int c = ((Comparable) lower).compareTo(upper);
            if (c >= 0) {
                throw new IllegalArgumentException("Range " + range + " of shard " + shard
                        + " is empty: the lower bound must be below the upper bound");
            }
        }
        if (lower == null && (Long.valueOf(Long.MIN_VALUE).equals(upper) || "".equals(upper))) {
            throw new IllegalArgumentException("Range " + range + " of shard " + shard + " is empty");
        }
        ranges.add(range);
        return this;
    }

    /** The strategy; binding checks the ranges as a whole. The builder may be reused. */
    public ShardingStrategy build() {
        return new RangeShardingStrategy(ranges);
    }

    private static Comparable<?> bound(Object value, String what, String shard) {
        if (value == null) {
            return null;
        }
        Object normalized = NormalizedKeys.normalize(value, what + " of shard " + shard);
        if (normalized instanceof Long l) {
            return l;
        }
        if (normalized instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("The " + what + " " + value + " of shard " + shard
                + " is a " + value.getClass().getSimpleName() + "; range bounds must be integral numbers or Strings");
    }
}
