package io.github.shardingorm.internal.routing;

import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import io.github.shardingorm.spi.ShardingStrategy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Range sharding: each shard owns half-open key ranges {@code [lower, upper)} of {@link Long} or
 * {@link String} keys. Binding checks the table as a whole (unknown shards, mixed bound types,
 * overlaps) and reports every problem; gaps are allowed, and keys in a gap belong to no shard.
 */
public final class RangeShardingStrategy implements ShardingStrategy {

    private final List<ShardRange> ranges;

    /** @param ranges the entries, each already checked on its own (bound types, lower &lt; upper) */
    public RangeShardingStrategy(List<ShardRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    @Override
    public ShardResolver bind(ShardTopology topology, List<String> problems) {
        int before = problems.size();
        if (ranges.isEmpty()) {
            problems.add("range strategy: no ranges are defined; add at least one with shard(id, lower, upper)");
            return null;
        }
        for (ShardRange range : ranges) {
            if (!topology.shardIds().contains(range.shard())) {
                problems.add("range strategy: range " + range + " names shard " + range.shard()
                        + ", which is not configured " + topology.shardIds());
            }
        }
        Set<Class<?>> types = new LinkedHashSet<>();
        for (ShardRange range : ranges) {
            if (range.boundType() != null) {
                types.add(range.boundType());
            }
        }
        if (types.size() > 1) {
            problems.add("range strategy: bounds mix types " + types.stream().map(Class::getSimpleName).toList()
                    + " in " + ranges + "; use only integral numbers or only Strings");
            return null;
        }
        List<ShardRange> sorted = sortedByLower(ranges);
        for (int i = 1; i < sorted.size(); i++) {
            ShardRange previous = sorted.get(i - 1);
            ShardRange next = sorted.get(i);
            if (previous.upper() == null || next.lower() == null || compare(previous.upper(), next.lower()) > 0) {
                problems.add("range strategy: ranges " + previous + " and " + next + " overlap");
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new RangeShardResolver(sorted, types.isEmpty() ? null : types.iterator().next());
    }

    private static List<ShardRange> sortedByLower(List<ShardRange> ranges) {
        List<ShardRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(ShardRange::lower, Comparator.nullsFirst(RangeShardingStrategy::compare)));
        return sorted;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }

    @Override
    public String toString() {
        return "range" + ranges;
    }

    /** The entries, in the order they were given. */
    public List<ShardRange> ranges() {
        return ranges;
    }
}
