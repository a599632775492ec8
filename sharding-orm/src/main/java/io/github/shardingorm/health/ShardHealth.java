package io.github.shardingorm.health;

import java.util.List;

/**
 * The health of one shard: its primary and its replicas.
 *
 * @param shardId  the shard
 * @param primary  the primary
 * @param replicas the replicas, in configuration order; empty when none are configured
 */
public record ShardHealth(String shardId, NodeHealth primary, List<NodeHealth> replicas) {

    public ShardHealth {
        replicas = List.copyOf(replicas);
    }

    /** The primary's state: the shard accepts writes when it is not {@link HealthState#DOWN}. */
    public HealthState state() {
        return primary.state();
    }
}
