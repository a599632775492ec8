package io.github.shardingorm.health;

/**
 * What a {@link ReadFrom#REPLICA_PREFERRED} read does when no replica qualifies and the cap on
 * reads falling back to the primary is reached (every permit in use), so that a replica outage
 * does not flood the primary.
 */
public enum ReadFallback {
    /** Fail at once with {@code ShardUnavailableException} (reason {@code REPLICAS_UNAVAILABLE}). The default. */
    FAIL,
    /**
     * Read from the least-lagging reachable replica whose lag is within the staleness bound and which
     * has replayed the caller's writes; none: fail as {@link #FAIL}.
     */
    STALE
}
