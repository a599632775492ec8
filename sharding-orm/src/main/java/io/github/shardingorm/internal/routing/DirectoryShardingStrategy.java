package io.github.shardingorm.internal.routing;

import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import io.github.shardingorm.spi.ShardingStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Directory (list) sharding: an explicit table value &rarr; shard (a region, a category, a tenant),
 * an optional default shard, and an optional user lookup (e.g. a query on a directory table)
 * cached with Caffeine. Static entries win over the lookup; the default applies last.
 */
public final class DirectoryShardingStrategy implements ShardingStrategy {

    /** A cached user lookup: its function and its Caffeine cache settings. */
    public record Lookup(Function<Object, String> function, long maximumSize, Duration expireAfterWrite) {
        public Lookup {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(expireAfterWrite, "expireAfterWrite");
        }
    }

    private final Map<Object, String> entries;
    private final String defaultShard;
    private final Lookup lookup;

    /**
     * @param entries      normalized value to shard id; copied
     * @param defaultShard the shard of values with no entry (and no lookup result), or null
     * @param lookup       the cached lookup, or null
     */
    public DirectoryShardingStrategy(Map<Object, String> entries, String defaultShard, Lookup lookup) {
        this.entries = new LinkedHashMap<>(entries);
        this.defaultShard = defaultShard;
        this.lookup = lookup;
    }

    @Override
    public ShardResolver bind(ShardTopology topology, List<String> problems) {
        int before = problems.size();
        if (entries.isEmpty() && defaultShard == null && lookup == null) {
            problems.add("directory strategy: no entries, no default shard and no lookup; every key would belong to no shard");
        }
        Map<String, List<Object>> valuesByUnknownShard = new LinkedHashMap<>();
        entries.forEach((value, shard) -> {
            if (!topology.shardIds().contains(shard)) {
                valuesByUnknownShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(value);
            }
        });
        valuesByUnknownShard.forEach((shard, values) -> problems.add("directory strategy: values " + values
                + " map to shard " + shard + ", which is not configured " + topology.shardIds()));
        if (defaultShard != null && !topology.shardIds().contains(defaultShard)) {
            problems.add("directory strategy: default shard " + defaultShard + " is not configured " + topology.shardIds());
        }
        if (problems.size() > before) {
            return null;
        }
        return new DirectoryShardResolver(entries, defaultShard, lookup, topology.shardIds());
    }

    @Override
    public String toString() {
        return "directory{entries=" + entries.size() + ", default=" + defaultShard
                + (lookup == null ? "" : ", lookup(maximumSize=" + lookup.maximumSize()
                + ", expireAfterWrite=" + lookup.expireAfterWrite() + ")") + "}";
    }
}
