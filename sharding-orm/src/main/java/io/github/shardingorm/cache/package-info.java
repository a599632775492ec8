/**
 * Caching that is safe per shard (API): {@link io.github.shardingorm.cache.CacheConfig} turns on
 * Hibernate's second-level cache (entities, collections, natural ids, queries) through JCache and
 * the keyed cache-aside of {@code ShardedRepository.findById}; {@link io.github.shardingorm.cache.CacheStatistics}
 * counts hits, misses, puts and evictions per region and per shard.
 */
package io.github.shardingorm.cache;
