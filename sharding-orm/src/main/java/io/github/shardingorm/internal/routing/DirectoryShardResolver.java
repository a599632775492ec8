package io.github.shardingorm.internal.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.shardingorm.spi.ShardResolver;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Resolves a value through, in order: the static entries, the cached lookup, the default shard.
 *
 * <p>The entry table and the cache find values by {@code equals}; no shard decision depends on a
 * {@code hashCode()} value. Lookup results are cached for {@code expireAfterWrite}, so a changed
 * directory row is seen after at most that long; a {@code null} result is not cached, so a value
 * added to the directory later is seen at once.
 */
final class DirectoryShardResolver implements ShardResolver {

    private final Map<Object, String> entries;
    private final String defaultShard;
    private final Function<Object, String> lookup;
    private final Cache<Object, String> cache;
    private final Set<String> clusterShards;
    private final Set<String> shards;

    DirectoryShardResolver(Map<Object, String> entries, String defaultShard,
                           DirectoryShardingStrategy.Lookup lookup, List<String> clusterShards) {
        this.entries = new HashMap<>(entries);
        this.defaultShard = defaultShard;
        this.clusterShards = Collections.unmodifiableSet(new LinkedHashSet<>(clusterShards));
        if (lookup != null) {
            this.lookup = lookup.function();
            this.cache = Caffeine.newBuilder()
                    .maximumSize(lookup.maximumSize())
                    .expireAfterWrite(lookup.expireAfterWrite())
                    .build();
            this.shards = this.clusterShards;
        } else {
            this.lookup = null;
            this.cache = null;
            Set<String> reachable = new LinkedHashSet<>();
            for (String shard : clusterShards) {
                if (shard.equals(defaultShard) || entries.containsValue(shard)) {
                    reachable.add(shard);
                }
            }
            this.shards = Collections.unmodifiableSet(reachable);
        }
    }

    @Override
    public String name() {
        return "directory";
    }

    /**
     * @throws IllegalStateException when the lookup returns a shard id that is not configured
     * @throws IllegalArgumentException when the key is not of a normalized type
     */
    @Override
    public String shardOf(Object key) {
        Object value = NormalizedKeys.normalize(key, "directory key");
        String shard = entries.get(value);
        if (shard != null) {
            return shard;
        }
        if (cache != null) {
            shard = cache.get(value, this::lookUp);
            if (shard != null) {
                return shard;
            }
        }
        return defaultShard;
    }

    private String lookUp(Object value) {
        String shard = lookup.apply(value);
        if (shard != null && !clusterShards.contains(shard)) {
            throw new IllegalStateException("directory strategy: the lookup returned shard '" + shard + "' for value "
                    + value + ", but that shard is not configured " + clusterShards);
        }
        return shard;
    }

    /** Every configured shard when there is a lookup; otherwise those of the entries and the default. */
    @Override
    public Set<String> shards() {
        return shards;
    }

    /** A point range ({@code lower} equals {@code upper}, both inclusive) prunes to its shard. */
    @Override
    public Set<String> shardsForRange(Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {
        if (lower != null && lowerInclusive && upperInclusive && lower.equals(upper)) {
            String shard = shardOf(lower);
            return shard == null ? Set.of() : Set.of(shard);
        }
        return shards;
    }

    @Override
    public String toString() {
        return "directory{entries=" + entries.size() + ", default=" + defaultShard
                + ", lookup=" + (cache != null) + ", shards=" + shards + "}";
    }
}
