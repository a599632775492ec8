package io.github.shardingorm.internal.routing;

import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import io.github.shardingorm.spi.ShardingStrategy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The bucketed strategies: each builds a {@link ShardMap} for the cluster at bind time (or checks
 * a given one) and binds to a {@link BucketedHashResolver}. Problems are reported, not thrown.
 */
public final class BucketedHashStrategy implements ShardingStrategy {

    /** Builds the initial map for a topology, adding problems instead of throwing. */
    @FunctionalInterface
    private interface MapFactory {
        ShardMap create(ShardTopology topology, List<String> problems);
    }

    private final String name;
    private final String description;
    private final MapFactory mapFactory;
    private final boolean explicit;

    private BucketedHashStrategy(String name, String description, MapFactory mapFactory) {
        this(name, description, mapFactory, false);
    }

    private BucketedHashStrategy(String name, String description, MapFactory mapFactory, boolean explicit) {
        this.name = name;
        this.description = description;
        this.mapFactory = mapFactory;
        this.explicit = explicit;
    }

    /**
     * Whether the map was given explicitly ({@link #explicit}) rather than generated from the shards;
     * at start-up an explicit map must equal the stored one, a generated one yields to a newer stored one.
     */
    public boolean isExplicit() {
        return explicit;
    }

    /** Buckets split into near-equal contiguous ranges, one per shard in declaration order. */
    public static BucketedHashStrategy uniform() {
        return new BucketedHashStrategy("hash", "hash(uniform)",
                (topology, problems) -> ShardMap.uniform(topology.bucketCount(), topology.shardIds()));
    }

    /** An explicit, e.g. stored, map; it must match the cluster's bucket count and shards. */
    public static BucketedHashStrategy explicit(ShardMap map) {
        Objects.requireNonNull(map, "map");
        return new BucketedHashStrategy("hash", "hash(" + map + ")", (topology, problems) -> {
            if (map.bucketCount() != topology.bucketCount()) {
                problems.add("hash strategy: the shard map has " + map.bucketCount()
                        + " buckets but the cluster is configured with " + topology.bucketCount());
            }
            for (String shard : map.shards()) {
                if (!topology.shardIds().contains(shard)) {
                    problems.add("hash strategy: the shard map assigns " + map.bucketsOf(shard)
                            + " buckets to shard " + shard + ", which is not configured " + topology.shardIds());
                }
            }
            return map;
        }, true);
    }

    /**
     * A consistent-hash ring with {@code virtualNodesPerShard} nodes per shard.
     *
     * @throws IllegalArgumentException when {@code virtualNodesPerShard} is not between 1 and 65536
     */
    public static BucketedHashStrategy consistentHash(int virtualNodesPerShard) {
        if (virtualNodesPerShard < 1 || virtualNodesPerShard > 65_536) {
            throw new IllegalArgumentException("Virtual nodes per shard must be between 1 and 65536 but was "
                    + virtualNodesPerShard);
        }
        return new BucketedHashStrategy("consistent-hash",
                "consistent-hash(virtualNodesPerShard=" + virtualNodesPerShard + ")",
                (topology, problems) -> ShardMap.consistentHash(topology.bucketCount(), topology.shardIds(),
                        virtualNodesPerShard));
    }

    /** Bucket shares proportional to {@code weights}; every configured shard needs a weight. */
    public static BucketedHashStrategy weighted(Map<String, Integer> weights) {
        Objects.requireNonNull(weights, "weights");
        Map<String, Integer> copy = new LinkedHashMap<>(weights);
        return new BucketedHashStrategy("weighted", "weighted" + copy, (topology, problems) -> {
            int before = problems.size();
            copy.forEach((shard, weight) -> {
                if (!topology.shardIds().contains(shard)) {
                    problems.add("weighted strategy: weight given for shard " + shard + ", which is not configured "
                            + topology.shardIds());
                }
                if (weight == null || weight < 0) {
                    problems.add("weighted strategy: weight of shard " + shard + " must be >= 0 but was " + weight);
                }
            });
            for (String shard : topology.shardIds()) {
                if (!copy.containsKey(shard)) {
                    problems.add("weighted strategy: configured shard " + shard + " has no weight (give it 0 to leave it empty)");
                }
            }
            return problems.size() > before ? null : ShardMap.weighted(topology.bucketCount(), copy);
        });
    }

    @Override
    public ShardResolver bind(ShardTopology topology, List<String> problems) {
        Objects.requireNonNull(topology, "topology");
        if (topology.shardIds().isEmpty()) {
            problems.add(name + " strategy: no shards are configured");
            return null;
        }
        int before = problems.size();
        try {
            ShardMap map = mapFactory.create(topology, problems);
            if (map == null || problems.size() > before) {
                return null;
            }
            return new BucketedHashResolver(name, topology.shardIds(), map);
        } catch (IllegalArgumentException e) {
            problems.add(name + " strategy: " + e.getMessage());
            return null;
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
