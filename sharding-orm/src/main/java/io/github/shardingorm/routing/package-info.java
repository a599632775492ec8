/**
 * Routing: the stable key hash ({@link io.github.shardingorm.routing.StableKeyHash}), versioned
 * bucket-to-shard maps ({@link io.github.shardingorm.routing.ShardMap}) and the built-in sharding
 * strategies ({@link io.github.shardingorm.routing.ShardingStrategies}). No database involved.
 */
package io.github.shardingorm.routing;
