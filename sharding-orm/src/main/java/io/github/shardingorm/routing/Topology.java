package io.github.shardingorm.routing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The shared topology a running instance routes by: the cluster's identity, the versioned shard
 * map, the state of every bucket that is not simply {@code SERVING}, and the instances that follow
 * it (their heartbeats). Immutable; {@code ShardedPersistence.topology()} returns the current one.
 *
 * @param clusterId the cluster's id (stored in every shard); {@code "local"} when the topology is
 *                  not stored (kept in memory only, see the README)
 * @param version   the version; equals {@code map.version()}; only grows
 * @param map       the shard map of this version
 * @param moving    bucket &rarr; state, only for buckets that are not SERVING; sorted by bucket
 * @param instances the instances following the topology, as last seen (empty when not stored)
 * @param stored    whether the topology is stored in the shards (false: in memory, this JVM only)
 */
public record Topology(String clusterId, long version, ShardMap map, SortedMap<Integer, BucketState> moving,
                       List<Instance> instances, boolean stored) {

    /**
     * One instance that follows the topology.
     *
     * @param id          its id (random per start)
     * @param description host and process id
     * @param version     the topology version it last reported
     * @param heartbeatAt when it last reported
     */
    public record Instance(String id, String description, long version, Instant heartbeatAt) {
    }

    public Topology {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(map, "map");
        if (map.version() != version) {
            throw new IllegalArgumentException("topology version " + version + " but its map has version " + map.version());
        }
        moving = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(moving));
        instances = List.copyOf(instances);
    }

    /** The state of {@code bucket}. */
    public BucketState stateOf(int bucket) {
        return moving.getOrDefault(bucket, BucketState.SERVING);
    }

    /** A copy with other instances. */
    public Topology withInstances(List<Instance> following) {
        return new Topology(clusterId, version, map, moving, following, stored);
    }

    /** The buckets in {@code phase}. */
    public java.util.SortedSet<Integer> bucketsIn(BucketState.Phase phase) {
        java.util.SortedSet<Integer> out = new java.util.TreeSet<>();
        for (Map.Entry<Integer, BucketState> e : moving.entrySet()) {
            if (e.getValue().phase() == phase) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Topology{cluster=" + clusterId + ", version=" + version + ", " + map + ", moving=" + moving
                + ", instances=" + instances.size() + (stored ? "" : ", in memory") + "}";
    }
}
