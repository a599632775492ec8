package io.github.shardingorm.internal.reference;

import io.github.shardingorm.CrossShardSessions;
import io.github.shardingorm.saga.SagaArguments;
import io.github.shardingorm.saga.SagaResult;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The two ways a reference write reaches every shard: one two-phase commit transaction, or the
 * forward-only saga {@value ReferenceWriter#SAGA_TYPE}. The cross-shard runtime
 * ({@code internal.writes}) provides both, so this package uses neither two-phase commit nor sagas
 * directly.
 */
public interface EveryShardWrites {

    /** Whether {@link #atomically} is available: every shard allows prepared transactions. */
    boolean atomic();

    /** Runs {@code work} as one two-phase commit transaction over every shard, with {@code sessionProperties} set on each session. */
    void atomically(Consumer<CrossShardSessions> work, Map<String, Object> sessionProperties);

    /**
     * Runs the saga {@value ReferenceWriter#SAGA_TYPE} (step {@code i}: {@link ReferenceWriter#writeOnShard}
     * on shard {@code i}) with {@code arguments} to its end.
     */
    SagaResult forwardSaga(SagaArguments arguments);
}
