package io.github.shardingorm.internal.stats;

/**
 * Finds a configured shard by its id's own String instance. The engine passes the configured ids'
 * instances (shard maps are built from them), so the keyed path's per-operation lookups
 * (statistics twice, the Micrometer binding once) are a few reference compares on one array
 * instead of a hash-table probe (the table and the node: two more cache lines per call). Another
 * instance of an id, or a shard added later, is not found here: the caller falls back to its map.
 */
public final class ShardIdInstances {

    private ShardIdInstances() {
    }

    /** The index of {@code shard}'s very instance in {@code ids}, or -1. */
    public static int indexOf(String[] ids, String shard) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == shard) {
                return i;
            }
        }
        return -1;
    }
}
