package io.github.shardingorm.internal.stats;

import com.zaxxer.hikari.HikariDataSource;
import io.github.shardingorm.saga.SagaState;

/**
 * The one seam through which the engine reports what it does, to the statistics and, once a
 * registry is bound, to Micrometer ({@code internal.metrics}). Every method has a no-op default,
 * so a listener implements only what it needs; the engine calls {@link Instrumentation}, which
 * fans the events out to every listener. Health, replicas, topology and resharding report here
 * too (role {@link Instrumentation#REPLICA} for a replica's operations and pool).
 *
 * <p>Arguments are bounded: shard ids, roles, kinds, reasons and saga types, never a key or a
 * bind value. Listeners must be cheap and must not throw (a throwing listener is logged and skipped).
 */
public interface ShardingEvents {

    ShardingEvents NONE = new ShardingEvents() {
    };

    /**
     * One operation on one shard finished.
     *
     * @param role        {@link Instrumentation#PRIMARY} or {@link Instrumentation#REPLICA}
     * @param nanos       its duration
     * @param errorReason null on success, else one of {@link ErrorReasons#ALL}
     */
    default void operation(String shard, String role, OperationKind kind, long nanos, String errorReason) {
    }

    /** A keyed operation routed to {@code bucket} of {@code shard} (bucketed strategies only). */
    default void keyRouted(String shard, int bucket) {
    }

    /**
     * A query ran on {@code width} shards (1 for a keyed query), of which {@code failedShards} gave no
     * answer (a partial result); merging took {@code mergeNanos} for {@code rows} rows (0, 0 when
     * the query was not merged or streamed).
     */
    default void fanOut(int width, int failedShards, long mergeNanos, long rows) {
    }

    /** A saga of {@code type} entered {@code state} (RUNNING once at its start). */
    default void sagaTransition(String type, SagaState state) {
    }

    /** A two-phase-commit transaction reached {@code phase}: prepared, committed, rolled_back, in_doubt_committed, in_doubt_rolled_back. */
    default void twoPhase(String phase) {
    }

    /** A shard's pool started (or, for a listener added later, is running). */
    default void poolStarted(String shard, String role, HikariDataSource pool) {
    }

    /** A shard became hot ({@code hot}) or stopped being hot. */
    default void hotShard(String shard, boolean hot) {
    }
}
