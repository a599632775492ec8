package io.github.shardingorm.spi;

import java.util.List;

/**
 * Extension point: a recipe that decides which shard owns a shard-key value.
 *
 * <p>A strategy is given to {@code ShardedPersistence.builder().strategy(...)} and bound exactly
 * once, by {@code build()}, to the configured cluster. Binding returns the {@link ShardResolver}
 * that the router consults on every operation. Built-in strategies are created through
 * {@code io.github.shardingorm.routing.ShardingStrategies}.
 *
 * <p>Implementations must be deterministic: the same key must resolve to the same shard in every
 * JVM, on every run, for as long as the shard map is unchanged. Never use {@link Object#hashCode()}.
 */
public interface ShardingStrategy {

    /**
     * Binds this strategy to a cluster.
     *
     * @param topology the configured shards and bucket count; never null
     * @param problems where to add one line per configuration problem (an unknown shard id, a
     *                 gap in a range table...) instead of throwing, so that start-up can report
     *                 every problem at once; never null
     * @return the resolver; may be null only when problems were added
     */
    ShardResolver bind(ShardTopology topology, List<String> problems);
}
