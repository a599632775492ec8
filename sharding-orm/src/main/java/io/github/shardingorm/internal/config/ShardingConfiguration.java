package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import java.util.List;

/**
 * The whole configuration of a sharded persistence unit, immutable. Built by
 * {@link ShardingConfigurationBuilder} (which takes every value left unset from {@link Defaults}),
 * checked as a whole by {@link ConfigurationValidator} (each value's range in plain code,
 * then the rules across fields), and handed to start-up.
 *
 * <p>One component per concern, each a small record. A new concern (health checks, replicas,
 * metrics, caches, topology, resharding) adds its record beside these, one component here, its
 * defaults in {@link Defaults}, its setters in the builder, and its keys in {@code ShardingSettings}.
 *
 * @param shards       the shards, in declaration order
 * @param entities     the entity classes (sharded and reference entities)
 * @param schemaAction the schema action applied to every shard at start-up
 * @param routing      strategy, buckets, node id
 * @param pools        the shards' connection pools
 * @param sessions     the Hibernate SessionFactory
 * @param queries      queries across shards
 * @param writes       writes across shards: sagas, two-phase commit, recovery
 * @param topology     the stored topology: polling, staleness bound, fence wait
 * @param cache        the second-level cache and the cache-aside of keyed reads (issue 16)
 * @param observability statistics, hot shards, routing log, saga-log retention
 */
public record ShardingConfiguration(
        List<ShardDefinition> shards,
        List<Class<?>> entities,
        SchemaAction schemaAction,
        RoutingSettings routing,
        PoolSettings pools,
        SessionSettings sessions,
        QuerySettings queries,
        CrossShardWrites writes,
        TopologySettings topology,
        io.github.shardingorm.cache.CacheConfig cache,
        ObservabilitySettings observability) {

    public ShardingConfiguration {
        shards = List.copyOf(shards);
        entities = List.copyOf(entities);
    }

    /** A configuration that caches nothing, with the default observability. */
    public ShardingConfiguration(List<ShardDefinition> shards, List<Class<?>> entities, SchemaAction schemaAction,
                                 RoutingSettings routing, PoolSettings pools, SessionSettings sessions,
                                 QuerySettings queries, CrossShardWrites writes, TopologySettings topology) {
        this(shards, entities, schemaAction, routing, pools, sessions, queries, writes, topology,
                io.github.shardingorm.cache.CacheConfig.disabled(), ObservabilitySettings.DEFAULTS);
    }

    /** A builder that takes every value left unset from {@link Defaults}. */
    public static ShardingConfigurationBuilder builder() {
        return new ShardingConfigurationBuilder();
    }

    /** The shard ids, in declaration order. */
    public List<String> shardIds() {
        return shards.stream().map(ShardDefinition::id).toList();
    }
}
