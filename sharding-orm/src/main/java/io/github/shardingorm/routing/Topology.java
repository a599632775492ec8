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
        return "Topology{cluster=" + clusterId + ", version=" + version + ", " + map + ", moving=" + movingRanges()
                + ", instances=" + instances.size() + (stored ? "" : ", in memory") + "}";
    }

    /**
     * The moving buckets as runs of consecutive buckets in the same state, {@code {21-31=FENCED(s0->s2)}}:
     * every adoption logs the topology, and bucket by bucket a move of 1,000 of 4,096 buckets made
     * each line ~20 KB.
     */
    private String movingRanges() {
        StringBuilder out = new StringBuilder("{");
        int first = -1;
        int last = -1;
        BucketState state = null;
        for (Map.Entry<Integer, BucketState> e : moving.entrySet()) {
            if (state != null && e.getKey() == last + 1 && e.getValue().equals(state)) {
                last = e.getKey();
                continue;
            }
            if (state != null) {
                appendRun(out, first, last, state);
            }
            first = e.getKey();
            last = first;
            state = e.getValue();
        }
        if (state != null) {
            appendRun(out, first, last, state);
        }
        return out.append('}').toString();
    }

    private static void appendRun(StringBuilder out, int first, int last, BucketState state) {
        if (out.length() > 1) {
            out.append(", ");
        }
        out.append(first);
        if (last > first) {
            out.append('-').append(last);
        }
        out.append('=').append(state);
    }
}
