package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The whole configuration of a sharded persistence unit, immutable. Built by
 * {@link ShardingConfigurationBuilder} (which takes every value left unset from {@link Defaults}),
 * checked as a whole by {@link ConfigurationValidator} (the constraints below through Hibernate
 * Validator, then the rules across fields), and handed to start-up.
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
 * @param health       deadlines and circuit breakers
 * @param replicas     read replicas and read routing
 */
public record ShardingConfiguration(
        @NotEmpty(message = "at least one shard must be configured")
        List<@Valid ShardDefinition> shards,
        @NotEmpty(message = "at least one entity class must be configured")
        List<Class<?>> entities,
        @NotNull SchemaAction schemaAction,
        @NotNull @Valid RoutingSettings routing,
        @NotNull @Valid PoolSettings pools,
        @NotNull @Valid SessionSettings sessions,
        @NotNull @Valid QuerySettings queries,
        @NotNull @Valid CrossShardWrites writes,
        @NotNull @Valid HealthSettings health,
        @NotNull @Valid ReplicaSettings replicas) {

    public ShardingConfiguration {
        shards = List.copyOf(shards);
        entities = List.copyOf(entities);
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
