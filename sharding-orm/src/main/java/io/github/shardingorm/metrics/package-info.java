/**
 * Observing the shards: {@link io.github.shardingorm.metrics.ShardingStatistics} (no metrics library
 * needed) and {@link io.github.shardingorm.metrics.ShardingMetrics}, which binds the meters to a
 * Micrometer registry (the only class here that needs Micrometer on the classpath).
 */
package io.github.shardingorm.metrics;
