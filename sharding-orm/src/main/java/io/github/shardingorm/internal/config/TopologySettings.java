package io.github.shardingorm.internal.config;

/**
 * The stored topology (issue 11).
 *
 * @param pollIntervalMillis how often an instance polls the stored version when no notification
 *                           arrives (the bound on how late it sees a new version)
 * @param staleAfterMillis   after this long without a successful read of the topology, an instance
 *                           refuses writes
 * @param fenceWaitMillis    how long {@code fence()} waits for transactions older than the fence
 * @param nodeLeaseMillis    how long a node-id lease lives without renewal (renewed with every poll)
 * @param fencedWriteWaitMillis how long keyed work in its own transaction, refused because its bucket
 *                           is FENCED, waits for this instance to adopt the switch before the refusal
 *                           is thrown (0: no wait)
 */
public record TopologySettings(
        long pollIntervalMillis,
        long staleAfterMillis,
        long fenceWaitMillis,
        long nodeLeaseMillis,
        long fencedWriteWaitMillis) {

    /** Every default, from {@link Defaults}. */
    public static final TopologySettings DEFAULTS = new TopologySettings(Defaults.TOPOLOGY_POLL_INTERVAL_MILLIS,
            Defaults.TOPOLOGY_STALE_AFTER_MILLIS, Defaults.FENCE_WAIT_MILLIS, Defaults.NODE_LEASE_MILLIS,
            Defaults.FENCED_WRITE_WAIT_MILLIS);
}
