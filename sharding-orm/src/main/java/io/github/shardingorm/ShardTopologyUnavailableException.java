package io.github.shardingorm;

/**
 * This instance could not read the stored topology for longer than the configured bound
 * ({@code sharding.topology.stale-after}), so it refuses writes rather than route them by a map
 * that may be stale. Reads still work. Retry once the shards are reachable again (the instance
 * re-reads the topology every poll interval).
 */
public class ShardTopologyUnavailableException extends ShardingException {

    private static final long serialVersionUID = 1L;

    public ShardTopologyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
