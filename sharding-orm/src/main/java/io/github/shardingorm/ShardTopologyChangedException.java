package io.github.shardingorm;

import java.util.List;

/**
 * A write was refused because the topology changed under it: the bucket is being moved (its final
 * stage) or has moved away from the shard, and the writer's topology version is older than the one
 * the shard requires. Nothing of the refused statement was written; the transaction is rolled back.
 * RETRYABLE: retry the whole transaction (the instance follows the new version within a second,
 * then routes the key to its new shard).
 */
public class ShardTopologyChangedException extends ShardingException {

    private static final long serialVersionUID = 1L;

    private final String shardId;
    private final List<Integer> buckets;
    private final long writerVersion;
    private final long requiredVersion;

    /**
     * @param shardId         the shard that refused the write
     * @param buckets         the fenced buckets
     * @param writerVersion   the topology version the writer carried (0: none)
     * @param requiredVersion the version the shard requires (the fence's version; during the final
     *                        stage of a move, writes need a version above it)
     */
    public ShardTopologyChangedException(String shardId, List<Integer> buckets, long writerVersion, long requiredVersion,
                                         String message, Throwable cause) {
        super(message, cause);
        this.shardId = shardId;
        this.buckets = List.copyOf(buckets);
        this.writerVersion = writerVersion;
        this.requiredVersion = requiredVersion;
    }

    /** The shard that refused the write. */
    public String getShardId() {
        return shardId;
    }

    /** The fenced buckets of that shard. */
    public List<Integer> getBuckets() {
        return buckets;
    }

    /** The topology version the writer carried; 0 when it carried none. */
    public long getWriterVersion() {
        return writerVersion;
    }

    /** The topology version of the fence. */
    public long getRequiredVersion() {
        return requiredVersion;
    }

    /** Always true: retry the transaction. */
    public boolean isRetryable() {
        return true;
    }
}
