/**
 * Sagas: writes that span shards as ordered local steps with compensations, a durable saga log
 * and crash recovery. Define a {@link io.github.shardingorm.saga.SagaDefinition}, register it with
 * {@code ShardedPersistenceBuilder.saga(...)} on every instance, start it with
 * {@code orm.sagas().start(type, arguments)}.
 *
 * <p>Where the log lives: {@code shorm_saga} (one row per saga, on the shard its id hashes to) and
 * {@code shorm_saga_step} (one fence row per step, on the step's shard, written in the step's own
 * transaction). Both exist on every shard and are created by schema actions CREATE and UPDATE.
 */
package io.github.shardingorm.saga;
