package io.github.shardingorm.internal.saga;

import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.config.WriteSettings;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.saga.SagaFaults.Point;
import io.github.shardingorm.saga.SagaArguments;
import io.github.shardingorm.saga.SagaException;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.saga.RetryDirection;
import io.github.shardingorm.saga.SagaState;
import io.github.shardingorm.saga.SagaStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sagas and resumes them after a crash.
 *
 * <h2>Design</h2>
 * A saga is a row in {@code shorm_saga} (state, next step, attempts, lease) on its coordinator
 * shard, plus one fence row per step in {@code shorm_saga_step} on the step's shard. The engine
 * is a loop over that row: run step {@code i} (effect + fence in one local transaction), then
 * step {@code i + 1}; on a failure record {@code COMPENSATING} and undo steps {@code i, i-1, ..., 0}
 * the same way; record the final state. The step pointer is recorded only now and then (it is a
 * hint: the fences decide), so a saga costs one log insert, one local transaction per step and one
 * final log update. Because the fence commits with the effect, a crash between
 * a step and the log update only means recovery re-enters the step and finds it done; a
 * compensation that reaches a step before the step itself records a no-op that blocks it.
 *
 * <p>Failure policy: a step that fails with a transient error (shard unavailable, broken
 * connection, serialization failure, deadlock) is retried with exponential backoff up to
 * {@code maxAttempts}; any other step failure, or an exhausted budget, compensates. A failing
 * compensation is retried the same way and then ends {@code FAILED_NEEDS_ATTENTION} with its
 * cause. Forward-only sagas (reference writes) retry every failure and never compensate.
 *
 * <p>{@link #start} drives a saga in the caller's thread, sleeping between retries. Recovery
 * claims due sagas with a lease (an atomic conditional update) and drives them until they finish
 * or need to wait, then releases the lease with the next attempt time. A dead instance's lease
 * expires after {@code leaseMillis}.
 *
 * <p>The engine knows sagas only: the cross-shard runtime ({@code internal.writes}) composes it with
 * two-phase commit and reference writes, runs the recovery loop and answers the public {@code Sagas}.
 */
public final class SagaEngine {

    private static final Logger LOG = LoggerFactory.getLogger(SagaEngine.class);

    private final Map<String, RuntimeSaga> registry;
    private final ShardSessions sessions;
    private final SagaLog log;
    private final WriteSettings settings;
    private final SagaFaults faults;
    private final List<String> shardIds;
    private final String owner = UUID.randomUUID().toString();

    /**
     * @param registry every saga type recovery may meet, by type (user types and internal ones)
     * @param shardIds the shards whose saga logs recovery reads
     */
    public SagaEngine(Map<String, RuntimeSaga> registry, ShardSessions sessions, SagaLog log, WriteSettings settings,
                      SagaFaults faults, List<String> shardIds) {
        this.registry = Map.copyOf(registry);
        this.sessions = sessions;
        this.log = log;
        this.settings = settings;
        this.faults = faults;
        this.shardIds = List.copyOf(shardIds);
    }

    public String owner() {
        return owner;
    }

    // ------------------------------------------------------------------ start

    /** Starts a registered saga type and drives it to its end in this thread; see {@code Sagas.start}. */
    public SagaResult start(String type, Map<String, ?> arguments) {
        RuntimeSaga saga = type == null ? null : registry.get(type);
        if (saga == null) {
            throw new SagaException("Unknown saga type '" + type + "' (registered: " + registry.keySet().stream()
                    .filter(t -> !t.startsWith("shorm.")).sorted().toList()
                    + "); register it with ShardedPersistenceBuilder.saga(...) on every instance. Nothing was written.",
                    type, null, null);
        }
        SagaArguments args;
        try {
            args = SagaArguments.of(arguments);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SagaException("Cannot start saga '" + type + "': " + e.getMessage() + ". Nothing was written.", type, null, e);
        }
        return start(saga, args);
    }

    /** Starts a saga of an internal type (also used for reference writes). */
    public SagaResult start(RuntimeSaga saga, SagaArguments args) {
        for (int i = 0; i < saga.steps().size(); i++) {
            RuntimeSaga.Step step = saga.steps().get(i);
            try {
                step.shard().apply(args);
            } catch (RuntimeException e) {
                throw new SagaException("Cannot start saga '" + saga.type() + "': step '" + step.name() + "' (" + (i + 1) + " of "
                        + saga.steps().size() + ") has no shard: " + e.getMessage() + ". Nothing was written.", saga.type(), null, e);
            }
        }
        UUID id = UUID.randomUUID();
        String home = log.coordinatorShard(id);
        try {
            log.insert(id, saga.type(), SagaArgumentCodec.encode(args.asMap()), owner, settings.leaseMillis());
        } catch (ShardingException e) {
            throw new SagaException("Cannot start saga '" + saga.type() + "': its log row could not be written on shard '" + home
                    + "': " + e.getMessage() + ". No step ran.", saga.type(), id, e);
        }
        events().sagaTransition(saga.type(), SagaState.RUNNING);
        return drive(home, saga, id, args, SagaState.RUNNING, 0, 0, null, true);
    }

    // ------------------------------------------------------------------ the loop

    private SagaResult drive(String home, RuntimeSaga saga, UUID id, SagaArguments args, SagaState state, int step,
                             int attempts, String failure, boolean inline) {
        int n = saga.steps().size();
        long recordedAt = System.nanoTime();
        while (true) {
            if (state == SagaState.RUNNING) {
                if (step >= n) {
                    record(home, saga, id, SagaState.COMPLETED, n, 0, null, null, -1);
                    return new SagaResult(id, SagaOutcome.COMPLETED, null);
                }
                RuntimeSaga.Step s = saga.steps().get(step);
                try {
                    faults.at(Point.BEFORE_STEP, saga.type(), id, step);
                    StepFence.StepEntry entry = runStep(s, id, step, args);
                    faults.at(Point.AFTER_STEP_COMMIT, saga.type(), id, step);
                    if (entry == StepFence.StepEntry.BLOCKED) {
                        failure = failure != null ? failure : "step '" + s.name() + "' was compensated before it ran";
                        state = SagaState.COMPENSATING;
                        if (!record(home, saga, id, state, step, 0, failure, null, -1)) {
                            return lost(saga, id, inline);
                        }
                        continue;
                    }
                    step++;
                    if (step < n && (attempts > 0 || progressDue(recordedAt))) {
                        if (!record(home, saga, id, SagaState.RUNNING, step, 0, null, null, -1)) {
                            return lost(saga, id, inline);
                        }
                        recordedAt = System.nanoTime();
                    }
                    attempts = 0;
                } catch (RuntimeException e) {
                    String why = "step '" + s.name() + "' (" + (step + 1) + " of " + n + ") failed: " + Failures.describe(e);
                    boolean retry = saga.forwardOnly() || Failures.isTransient(e);
                    if (retry && attempts + 1 < settings.maxAttempts()) {
                        attempts++;
                        if (!waitForRetry(home, saga, id, state, step, attempts, why, inline)) {
                            return null;
                        }
                        continue;
                    }
                    if (saga.forwardOnly()) {
                        String reason = why + " (retry budget of " + settings.maxAttempts() + " attempts exhausted)";
                        record(home, saga, id, SagaState.FAILED_NEEDS_ATTENTION, step, attempts + 1, reason, reason, -1);
                        LOG.error("saga {} ({}) needs attention: {}", id, saga.type(), reason);
                        return new SagaResult(id, SagaOutcome.FAILED_NEEDS_ATTENTION, reason);
                    }
                    LOG.info("saga {} ({}) compensates: {}", id, saga.type(), why);
                    failure = why;
                    state = SagaState.COMPENSATING;
                    attempts = 0;
                    if (!record(home, saga, id, state, step, 0, failure, null, -1)) {
                        return lost(saga, id, inline);
                    }
                }
            } else {
                if (step < 0) {
                    record(home, saga, id, SagaState.COMPENSATED, -1, 0, null, null, -1);
                    return new SagaResult(id, SagaOutcome.COMPENSATED, failure);
                }
                RuntimeSaga.Step s = saga.steps().get(Math.min(step, n - 1));
                try {
                    faults.at(Point.BEFORE_COMPENSATION, saga.type(), id, step);
                    compensate(s, id, step, args);
                    faults.at(Point.AFTER_COMPENSATION_COMMIT, saga.type(), id, step);
                    step--;
                    if (step >= 0 && (attempts > 0 || progressDue(recordedAt))) {
                        if (!record(home, saga, id, state, step, 0, null, null, -1)) {
                            return lost(saga, id, inline);
                        }
                        recordedAt = System.nanoTime();
                    }
                    attempts = 0;
                } catch (RuntimeException e) {
                    String why = "compensation of step '" + s.name() + "' (" + (step + 1) + " of " + n + ") failed: " + Failures.describe(e);
                    attempts++;
                    if (attempts >= settings.maxAttempts()) {
                        String reason = why + " (retry budget of " + settings.maxAttempts() + " attempts exhausted"
                                + (failure == null ? "" : "; compensating because " + failure) + ")";
                        record(home, saga, id, SagaState.FAILED_NEEDS_ATTENTION, step, attempts, null, reason, -1);
                        LOG.error("saga {} ({}) needs attention: {}", id, saga.type(), reason);
                        return new SagaResult(id, SagaOutcome.FAILED_NEEDS_ATTENTION, reason);
                    }
                    if (!waitForRetry(home, saga, id, state, step, attempts, why, inline)) {
                        return null;
                    }
                }
            }
        }
    }

    /**
     * Whether to record progress within a state now. Progress (the step pointer) is only a hint for
     * recovery: the fences decide whether a step or compensation runs, so recovery that starts from
     * an older pointer merely re-enters steps and finds them done. State changes are always
     * recorded (before the first compensation runs). Recording once per third of the lease keeps
     * the lease alive and saves a log write per step.
     */
    private boolean progressDue(long recordedAt) {
        return System.nanoTime() - recordedAt > settings.leaseMillis() * 1_000_000L / 3;
    }

    private StepFence.StepEntry runStep(RuntimeSaga.Step s, UUID id, int index, SagaArguments args) {
        String shard = s.shard().apply(args);
        return sessions.fromOwnTransaction(shard, false, session -> {
            StepFence.StepEntry entry = StepFence.enterStep(session, id, index);
            if (entry == StepFence.StepEntry.RUN) {
                s.action().apply(session, args);
                session.flush();
            }
            return entry;
        });
    }

    private void compensate(RuntimeSaga.Step s, UUID id, int index, SagaArguments args) {
        String shard = s.shard().apply(args);
        sessions.fromOwnTransaction(shard, false, session -> {
            StepFence.CompensationEntry entry = StepFence.enterCompensation(session, id, index);
            if (entry == StepFence.CompensationEntry.UNDO && s.compensation() != null) {
                s.compensation().apply(session, args);
                session.flush();
            }
            return entry;
        });
    }

    /** Inline: records the attempt and sleeps. Recovery: records the next attempt time and stops (returns false). */
    private boolean waitForRetry(String home, RuntimeSaga saga, UUID id, SagaState state, int step, int attempts, String why,
                                 boolean inline) {
        long backoff = settings.backoff(attempts);
        LOG.warn("saga {} ({}): attempt {} of {} failed, retrying in {} ms: {}", id, saga.type(), attempts,
                settings.maxAttempts(), backoff, why);
        if (!inline) {
            record(home, saga, id, state, step, attempts, null, why, backoff);
            return false;
        }
        if (!record(home, saga, id, state, step, attempts, null, why, -1)) {
            lost(saga, id, true);
        }
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            record(home, saga, id, state, step, attempts, null, why, 0);
            throw new SagaException("saga " + id + " (" + saga.type() + ") interrupted while waiting to retry; recovery resumes it",
                    saga.type(), id, e);
        }
        return true;
    }

    private boolean record(String home, RuntimeSaga saga, UUID id, SagaState state, int step, int attempts, String failure,
                           String lastError, long retryInMillis) {
        try {
            boolean recorded = log.update(home, id, owner, state, step, attempts, failure, lastError, settings.leaseMillis(), retryInMillis);
            if (recorded && (state.isFinal() || state == SagaState.COMPENSATING && failure != null)) {
                events().sagaTransition(saga.type(), state);
            }
            return recorded;
        } catch (ShardingException e) {
            throw new SagaException("saga " + id + " (" + saga.type() + "): could not record " + state + " at step " + step
                    + " in shorm_saga on shard '" + home + "': " + e.getMessage() + ". Recovery resumes the saga from its log.",
                    saga.type(), id, e);
        }
    }

    private SagaResult lost(RuntimeSaga saga, UUID id, boolean inline) {
        if (inline) {
            throw new SagaException("saga " + id + " (" + saga.type() + ") was taken over by another instance's recovery after its lease"
                    + " expired; see sagas().status(id) for its outcome", saga.type(), id, null);
        }
        return null;
    }

    // ------------------------------------------------------------------ recovery

    /**
     * One recovery pass over every shard's saga log: resumes the sagas that are due and free.
     * Not reentrant: concurrent calls run one after the other.
     *
     * @return the number of sagas acted on
     */
    public synchronized int recover() {
        int acted = 0;
        List<String> types = new ArrayList<>(registry.keySet());
        for (String shard : shardIds) {
            List<UUID> due;
            try {
                due = log.due(shard, types, 200);
            } catch (RuntimeException e) {
                LOG.warn("saga recovery: cannot list sagas on shard '{}': {}", shard, e.getMessage());
                continue;
            }
            for (UUID id : due) {
                acted += resume(shard, id) ? 1 : 0;
            }
        }
        return acted;
    }

    private boolean resume(String shard, UUID id) {
        SagaLog.Row row;
        try {
            row = log.claim(shard, id, owner, settings.leaseMillis());
        } catch (RuntimeException e) {
            LOG.warn("saga recovery: cannot claim saga {} on shard '{}': {}", id, shard, e.getMessage());
            return false;
        }
        if (row == null) {
            return false;
        }
        RuntimeSaga saga = registry.get(row.type());
        faults.at(Point.RECOVERY_CLAIMED, row.type(), id, row.step());
        try {
            SagaArguments args = SagaArgumentCodec.decode(row.arguments());
            LOG.info("saga recovery: resuming saga {} ({}) {} at step {}", id, row.type(), row.state(), row.step());
            SagaResult result = drive(shard, saga, id, args, row.state(), row.step(), row.attempts(), row.failure(), false);
            if (result != null) {
                LOG.info("saga recovery: saga {} ({}) ended {}", id, row.type(), result.outcome());
            }
        } catch (RuntimeException e) {
            LOG.warn("saga recovery: saga {} ({}) could not be resumed now: {}", id, row.type(), e.getMessage());
        }
        return true;
    }

    // ------------------------------------------------------------------ operator actions

    /** Resets a saga needing attention and drives it now, forward or compensating. */
    public SagaStatus retry(UUID id, RetryDirection direction) {
        SagaStatus status = needsAttention(id, "retry");
        if (!registry.containsKey(status.type())) {
            throw new SagaException("saga " + id + " is of type '" + status.type() + "', which this instance has not registered;"
                    + " retry it where the type is registered", status.type(), id, null);
        }
        String shard = status.coordinatorShard();
        if (direction == RetryDirection.FORWARD && log.failureOf(shard, id) != null) {
            throw new SagaException("saga " + id + " (" + status.type() + ") gave up while compensating (" + log.failureOf(shard, id)
                    + "); retry it with COMPENSATE", status.type(), id, null);
        }
        SagaState to = direction == RetryDirection.FORWARD ? SagaState.RUNNING : SagaState.COMPENSATING;
        if (!log.reopen(shard, id, to, null)) {
            throw new SagaException("saga " + id + " no longer needs attention (another operator or instance acted)", status.type(), id, null);
        }
        LOG.info("saga {} ({}): operator retry {} from step {}", id, status.type(), direction, status.step());
        resume(shard, id);
        return log.status(id);
    }

    /** Marks a saga needing attention as resolved by hand. */
    public SagaStatus resolve(UUID id, String note) {
        if (note == null) {
            throw new IllegalArgumentException("note must not be null");
        }
        SagaStatus status = needsAttention(id, "resolve");
        if (!log.reopen(status.coordinatorShard(), id, SagaState.RESOLVED, "resolved by an operator: " + note)) {
            throw new SagaException("saga " + id + " no longer needs attention (another operator or instance acted)", status.type(), id, null);
        }
        events().sagaTransition(status.type(), SagaState.RESOLVED);
        LOG.info("saga {} ({}): resolved by an operator: {}", id, status.type(), note);
        return log.status(id);
    }

    private SagaStatus needsAttention(UUID id, String action) {
        if (id == null) {
            throw new IllegalArgumentException("saga id must not be null");
        }
        SagaStatus status = log.status(id);
        if (status == null) {
            throw new SagaException("cannot " + action + " saga " + id + ": there is no such saga in the saga log", null, id, null);
        }
        if (status.state() != SagaState.FAILED_NEEDS_ATTENTION) {
            throw new SagaException("cannot " + action + " saga " + id + " (" + status.type() + "): it is " + status.state()
                    + ", not FAILED_NEEDS_ATTENTION", status.type(), id, null);
        }
        return status;
    }

    /**
     * Deletes finished sagas older than {@code ageMillis}, with their step fences (on every shard,
     * first, so that a crash midway leaves only finished rows without fences, which the next purge
     * deletes), {@code batch} per shard at a time, at most {@code maxBatches} rounds.
     *
     * @return the number of saga rows deleted
     */
    public int purgeFinished(long ageMillis, int batch, int maxBatches) {
        int deleted = 0;
        for (String shard : shardIds) {
            for (int round = 0; round < maxBatches; round++) {
                List<UUID> ids = log.finishedBefore(shard, ageMillis, batch);
                if (ids.isEmpty()) {
                    break;
                }
                for (String fenceShard : shardIds) {
                    log.deleteFences(fenceShard, ids);
                }
                deleted += log.deleteFinished(shard, ids);
                if (ids.size() < batch) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            LOG.info("saga log retention: deleted {} finished sagas older than {} ms", deleted, ageMillis);
        }
        return deleted;
    }

    // ------------------------------------------------------------------ status

    /** The saga's row in the saga log, or empty. */
    public Optional<SagaStatus> status(UUID id) {
        return Optional.ofNullable(log.status(id));
    }

    /** Sagas needing attention, on every shard, oldest first (at most 1000). */
    public List<SagaStatus> needingAttention() {
        return log.list(EnumSet.of(SagaState.FAILED_NEEDS_ATTENTION), 1000);
    }

    /** Sagas not yet final, on every shard, oldest first (at most 1000). */
    public List<SagaStatus> unfinished() {
        return log.list(EnumSet.of(SagaState.RUNNING, SagaState.COMPENSATING), 1000);
    }

    private static final io.github.shardingorm.internal.stats.Instrumentation NO_EVENTS = io.github.shardingorm.internal.stats.Instrumentation.off();

    /** Where transitions are reported (none when the sessions are a test's mock). */
    private io.github.shardingorm.internal.stats.Instrumentation events() {
        io.github.shardingorm.internal.stats.Instrumentation i = sessions.instrumentation();
        return i != null ? i : NO_EVENTS;
    }
}
