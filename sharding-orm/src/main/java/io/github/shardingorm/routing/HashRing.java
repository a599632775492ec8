package io.github.shardingorm.routing;

import java.util.Arrays;
import java.util.List;

/**
 * Lays out {@link ShardMap#consistentHash} maps: a ring of virtual nodes, each bucket owned by the
 * first node at or after the bucket's position (positions compared as unsigned 64-bit values;
 * nodes at the same position are ordered by shard id, then node number, so the result is
 * deterministic).
 */
final class HashRing {

    /** The largest supported number of virtual nodes per shard. */
    static final int MAX_VIRTUAL_NODES = 65_536;

    private HashRing() {
    }

    static String[] owners(int bucketCount, List<String> shards, int virtualNodesPerShard) {
        if (virtualNodesPerShard < 1 || virtualNodesPerShard > MAX_VIRTUAL_NODES) {
            throw new IllegalArgumentException("Virtual nodes per shard must be between 1 and " + MAX_VIRTUAL_NODES
                    + " but was " + virtualNodesPerShard);
        }
        Node[] ring = new Node[shards.size() * virtualNodesPerShard];
        int k = 0;
        for (String shard : shards) {
            for (int i = 0; i < virtualNodesPerShard; i++) {
                ring[k++] = new Node(StableKeyHash.hashString(shard + "#" + i), shard, i);
            }
        }
        Arrays.sort(ring, HashRing::compare);
        long[] positions = new long[ring.length];
        for (int i = 0; i < ring.length; i++) {
            positions[i] = ring[i].position;
        }
        String[] owners = new String[bucketCount];
        for (int bucket = 0; bucket < bucketCount; bucket++) {
            int node = firstAtOrAfter(positions, StableKeyHash.hashLong(bucket));
            owners[bucket] = ring[node == positions.length ? 0 : node].shard;
        }
        return owners;
    }

    /** Index of the first position {@code >= target} (unsigned), or {@code positions.length}. */
    private static int firstAtOrAfter(long[] positions, long target) {
        int low = 0;
        int high = positions.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(positions[mid], target) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static int compare(Node a, Node b) {
        int c = Long.compareUnsigned(a.position, b.position);
        if (c == 0) {
            c = a.shard.compareTo(b.shard);
        }
        return c != 0 ? c : Integer.compare(a.index, b.index);
    }

    private record Node(long position, String shard, int index) {
    }
}
