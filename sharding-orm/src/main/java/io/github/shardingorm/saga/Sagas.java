package io.github.shardingorm.saga;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts registered sagas and reports on them. Obtain it from
 * {@link io.github.shardingorm.ShardedPersistence#sagas()}.
 *
 * <p>A saga runs its steps in order, each a local transaction on the shard of the step's key.
 * When a step fails, the steps that applied are compensated, last first. Every transition is
 * recorded in the saga log ({@code shorm_saga}) before the next one starts, and each step's effect
 * commits together with a fence row ({@code shorm_saga_step}) on its shard, so a step applies at
 * most once and a compensation undoes it at most once, even across crashes. Sagas left unfinished
 * by a crash are resumed by recovery (at start-up and periodically) on any instance that
 * registered the type.
 *
 * <p>A saga is not isolated: other transactions see the effects of completed steps before the
 * saga ends (and before a compensation removes them).
 */
public interface Sagas {

    /**
     * Starts a saga and runs it to its end in the calling thread: steps, retries of steps that
     * failed because a shard was unavailable (with backoff, within the retry budget), and
     * compensations.
     *
     * @param type      a type registered with {@code ShardedPersistenceBuilder.saga(...)}; not null
     * @param arguments the saga's arguments, stored in the saga log: String, Long, Integer, Short,
     *                  Byte, Boolean, Double, BigDecimal, BigInteger, UUID, Instant, LocalDate,
     *                  LocalDateTime; no null values; not null (may be empty)
     * @return the saga id and how it ended; never null
     * @throws SagaException before anything is written when the type is unknown, an argument cannot
     *                       be stored, or a step's key is null or cannot be routed; after the saga
     *                       started, when its progress cannot be recorded (recovery resumes it)
     */
    SagaResult start(String type, Map<String, ?> arguments);

    /** The saga's row in the saga log; empty when there is none. */
    Optional<SagaStatus> status(UUID id);

    /** Sagas in state {@link SagaState#FAILED_NEEDS_ATTENTION}, on every shard, oldest first (at most 1000). */
    List<SagaStatus> needingAttention();

    /** Sagas not yet final (running, compensating, or waiting to retry), on every shard, oldest first (at most 1000). */
    List<SagaStatus> unfinished();

    /**
     * Operator action on a saga in state {@link SagaState#FAILED_NEEDS_ATTENTION}: resets its retry
     * budget and runs it now in the calling thread, forward from the step that gave up or
     * compensating from there. The step fences still make every step apply, and be undone, at most
     * once. If it fails again it ends needing attention again (or waits to retry).
     *
     * @return the saga's status after this attempt
     * @throws SagaException when there is no such saga, it does not need attention, its type is not
     *                       registered here, or FORWARD is asked of a saga that gave up while compensating
     */
    SagaStatus retry(UUID id, RetryDirection direction);

    /**
     * Operator action: marks a saga that needs attention as dealt with by hand ({@link SagaState#RESOLVED},
     * final; nothing runs), recording {@code note} as its last error.
     *
     * @param note why, or what was done; not null
     * @return the saga's status
     * @throws SagaException when there is no such saga or it does not need attention
     */
    SagaStatus resolve(UUID id, String note);

    /**
     * Deletes finished sagas (completed, compensated, resolved) last updated before {@code olderThan}
     * ago, with their step fences, in batches; never a running saga or one needing attention. The
     * recovery loop does the same in the background with the configured retention
     * ({@code ShardedPersistenceBuilder.sagaRetention}, default 7 days).
     *
     * @return the number of sagas deleted
     */
    int purgeFinished(java.time.Duration olderThan);

    /**
     * Runs one recovery pass now, as the background recovery does: resumes unfinished sagas whose
     * retry time has come and whose lease is free, and resolves in-doubt two-phase commit transactions.
     *
     * @return the number of sagas and in-doubt transactions acted on
     */
    int recover();
}
