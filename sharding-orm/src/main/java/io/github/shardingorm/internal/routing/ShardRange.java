package io.github.shardingorm.internal.routing;

import java.util.Objects;

/**
 * One entry of a range strategy: keys in {@code [lower, upper)} belong to {@code shard}.
 *
 * @param shard the shard id; never null
 * @param lower the inclusive lower bound, a {@link Long} or {@link String}; null for unbounded
 * @param upper the exclusive upper bound, of the same type as {@code lower}; null for unbounded
 */
public record ShardRange(String shard, Comparable<?> lower, Comparable<?> upper) {

    public ShardRange {
        Objects.requireNonNull(shard, "shard");
    }

    /** The type of the bounds, or null when both are unbounded. */
    public Class<?> boundType() {
        return lower != null ? lower.getClass() : upper != null ? upper.getClass() : null;
    }

    /** E.g. {@code [100, 200)=s1} or {@code (-inf, 100)=s0}. */
    @Override
    public String toString() {
        return (lower == null ? "(-inf" : "[" + quote(lower)) + ", " + (upper == null ? "+inf)" : quote(upper) + ")")
                + "=" + shard;
    }

    private static String quote(Object bound) {
        return bound instanceof String s ? "'" + s + "'" : String.valueOf(bound);
    }
}
