package io.github.shardingorm.health;

/**
 * Where read-only work (read-only transactions, queries, fan-outs) of a shard may read. Writes and
 * read-write transactions always go to the primary.
 */
public enum ReadFrom {
    /** Always the primary. */
    PRIMARY,
    /**
     * A replica that is up, within the lag limit and has replayed the caller's writes (round robin
     * among those); otherwise the primary, within the cap on such fallbacks; when the primary is
     * down, a reachable replica that has the caller's writes. The default when replicas are configured.
     */
    REPLICA_PREFERRED,
    /** Only a qualifying replica; none: {@code ShardUnavailableException}, never the primary. */
    REPLICA_ONLY
}
