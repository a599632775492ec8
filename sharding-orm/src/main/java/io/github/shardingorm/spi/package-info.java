/**
 * Service provider interface: the extension points of sharding-orm (sharding strategies).
 * Stable for implementors; applications normally use the built-ins in
 * {@code io.github.shardingorm.routing.ShardingStrategies}.
 */
package io.github.shardingorm.spi;
