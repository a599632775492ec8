package io.github.shardingorm.internal.routing;

import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.StableKeyHash;
import io.github.shardingorm.spi.BucketedShardResolver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The resolver of every bucketed strategy (hash, consistent hash, weighted, explicit map):
 * key &rarr; {@link StableKeyHash#hash64} &rarr; bucket &rarr; {@link ShardMap#shardOf(int)}.
 *
 * <p>The map sits in a volatile field: routing reads it once per call, and
 * {@link #replaceShardMap} publishes a new one atomically (checks and swap under a lock, so two
 * concurrent replacements cannot both pass the version check).
 */
public final class BucketedHashResolver implements BucketedShardResolver {

    private final String name;
    private final Set<String> clusterShards;
    private final int bucketCount;
    private volatile ShardMap shardMap;

    /**
     * @param name          the strategy name for messages, e.g. {@code "hash"}
     * @param clusterShards the configured shard ids; every map must use only these
     * @param initial       the first map; its shards must all be in {@code clusterShards}
     * @throws IllegalArgumentException when {@code initial} uses an unknown shard
     */
    public BucketedHashResolver(String name, Collection<String> clusterShards, ShardMap initial) {
        this.name = Objects.requireNonNull(name, "name");
        this.clusterShards = Collections.unmodifiableSet(new LinkedHashSet<>(clusterShards));
        this.bucketCount = initial.bucketCount();
        List<String> unknown = unknownShards(initial);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + ": shard map version " + initial.version() + " uses shards "
                    + unknown + " that are not configured " + this.clusterShards);
        }
        this.shardMap = initial;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int bucketOf(Object key) {
        return StableKeyHash.bucketOf(StableKeyHash.hash64(key), bucketCount);
    }

    @Override
    public String shardOf(Object key) {
        return shardMap.shardOf(bucketOf(key));
    }

    /** The shards of the current map (those that own at least one bucket). */
    @Override
    public Set<String> shards() {
        return shardMap.shards();
    }

    /** A point range ({@code lower} equals {@code upper}, both inclusive) prunes to its shard. */
    @Override
    public Set<String> shardsForRange(Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {
        if (lower != null && lowerInclusive && upperInclusive && lower.equals(upper)) {
            return Set.of(shardOf(lower));
        }
        return shards();
    }

    @Override
    public ShardMap shardMap() {
        return shardMap;
    }

    @Override
    public synchronized void replaceShardMap(ShardMap next) {
        Objects.requireNonNull(next, "next");
        ShardMap current = shardMap;
        if (next.version() <= current.version()) {
            throw new IllegalArgumentException(name + ": new shard map version " + next.version()
                    + " must be higher than the current version " + current.version());
        }
        if (next.bucketCount() != current.bucketCount()) {
            throw new IllegalArgumentException(name + ": new shard map version " + next.version() + " has "
                    + next.bucketCount() + " buckets but the cluster has " + current.bucketCount());
        }
        List<String> unknown = unknownShards(next);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + ": new shard map version " + next.version() + " uses shards "
                    + unknown + " that are not configured " + clusterShards);
        }
        shardMap = next;
    }

    /**
     * Start-up only: installs the stored map (which wins over the configured one, whatever their
     * versions). Same checks as {@link #replaceShardMap} except the version.
     */
    public synchronized void resetTo(ShardMap stored) {
        if (stored.bucketCount() != bucketCount) {
            throw new IllegalArgumentException(name + ": stored shard map version " + stored.version() + " has "
                    + stored.bucketCount() + " buckets but the cluster has " + bucketCount);
        }
        List<String> unknown = unknownShards(stored);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + ": stored shard map version " + stored.version() + " uses shards "
                    + unknown + " that are not configured " + clusterShards);
        }
        shardMap = stored;
    }

    private List<String> unknownShards(ShardMap map) {
        List<String> unknown = new ArrayList<>();
        for (String shard : map.shards()) {
            if (!clusterShards.contains(shard)) {
                unknown.add(shard);
            }
        }
        return unknown;
    }

    @Override
    public String toString() {
        ShardMap map = shardMap;
        return name + "{version=" + map.version() + ", buckets=" + map.bucketCount() + ", shards=" + map.shards() + "}";
    }
}
