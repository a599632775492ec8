package io.github.shardingorm;

import java.util.List;
import java.util.Optional;

/**
 * Reads and writes of {@link ReferenceTable reference entities}, the small tables copied to every
 * shard. Obtain it from {@link ShardedPersistence#references()}.
 *
 * <p>Writes apply to every shard. With two-phase commit (see {@link TwoPhaseCommitMode}) a write is
 * atomic: every shard has it or none does. Without it a write is a saga, one step per shard, that
 * is retried forward (with backoff, also after a restart) until every shard has it; it is never
 * rolled back, and readers on different shards may briefly see different versions. When the
 * retry budget runs out the write ends {@code FAILED_NEEDS_ATTENTION} in
 * {@link io.github.shardingorm.saga.Sagas#needingAttention()} and a {@link io.github.shardingorm.saga.SagaException} is thrown.
 */
public interface ReferenceTables {

    /**
     * Inserts or updates {@code entity} on every shard (a merge), identified by its id.
     *
     * @param entity a reference entity with its id set; not null
     * @throws ShardRoutingException when the class is not a configured {@code @ReferenceTable} entity or the id is null
     * @throws ShardingException when the write could not be applied (nothing applied with two-phase commit)
     */
    void save(Object entity);

    /**
     * Deletes the reference entity with {@code id} from every shard; absent rows are ignored.
     *
     * @throws ShardRoutingException when the class is not a configured {@code @ReferenceTable} entity or the id is null
     */
    void delete(Class<?> type, Object id);

    /** Reads one reference entity from one shard (the copies are equal); empty when absent. */
    <T> Optional<T> find(Class<T> type, Object id);

    /** Reads every row of a reference table from one shard. */
    <T> List<T> findAll(Class<T> type);

    /** Whether writes use two-phase commit (true) or a saga (false) in this persistence unit. */
    boolean atomicWrites();
}
