package io.github.shardingorm.internal.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Queries across shards (scatter-gather). Query deadlines and the like belong here.
 *
 * @param parallelism threads running the per-shard statements, shared by all queries of the unit
 */
public record QuerySettings(
        @Min(value = 1, message = "query parallelism must be between 1 and 1024")
        @Max(value = 1024, message = "query parallelism must be between 1 and 1024")
        int parallelism) {
}
