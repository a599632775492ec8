package io.github.shardingorm.health;

/** The health of one database (a shard's primary or one of its replicas). */
public enum HealthState {
    /** Answering; its circuit breaker is closed. */
    UP,
    /**
     * Answering with failures below the breaker's threshold, or (a replica) lagging beyond the
     * configured maximum: still used for writes (a primary), not for reads (a lagging replica).
     */
    DEGRADED,
    /** The breaker is open: calls fail at once with {@code ShardUnavailableException} until a probe succeeds. */
    DOWN
}
