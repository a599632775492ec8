package io.github.shardingorm.health;

import java.time.Duration;
import java.time.Instant;

/**
 * The health of one database of a shard, as last observed (probes every probe interval, plus
 * what calls saw).
 *
 * @param shardId      the shard
 * @param role         primary or replica
 * @param url          the JDBC URL, any password masked
 * @param state        the state now
 * @param since        when it entered that state
 * @param lastError    the last failure seen (message with SQLState), or null when none since start
 * @param probeLatency the round trip of the last successful probe, or null before the first one
 * @param lag          a replica's replay lag ({@link #INFINITE} when unreachable, stuck or not yet
 *                     sampled); {@link Duration#ZERO} for a primary
 */
public record NodeHealth(String shardId, NodeRole role, String url, HealthState state, Instant since,
                         String lastError, Duration probeLatency, Duration lag) {

    /** The lag of a replica that cannot be sampled: infinitely behind. */
    public static final Duration INFINITE = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
}
