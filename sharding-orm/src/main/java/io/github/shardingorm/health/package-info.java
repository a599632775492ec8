/**
 * Health of the shards and their read replicas, and how read-only work chooses where to read:
 * {@link io.github.shardingorm.health.ShardHealth} (from {@code ShardedPersistence.health()}),
 * {@link io.github.shardingorm.health.ReadFrom}, {@link io.github.shardingorm.health.ConsistencyToken}
 * (read-your-writes across threads, instances and HTTP requests).
 */
package io.github.shardingorm.health;
