package io.github.shardingorm.internal.config;


/**
 * Queries across shards (scatter-gather). Query deadlines and the like belong here.
 *
 * @param parallelism threads running the per-shard statements, shared by all queries of the unit
 */
public record QuerySettings(
        int parallelism) {
}
