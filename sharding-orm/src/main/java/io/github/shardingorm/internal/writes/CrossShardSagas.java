package io.github.shardingorm.internal.writes;

import io.github.shardingorm.internal.saga.SagaEngine;
import io.github.shardingorm.saga.RetryDirection;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.saga.SagaStatus;
import io.github.shardingorm.saga.Sagas;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The public {@link Sagas}: the saga engine, and a recovery pass that also resolves in-doubt two-phase commits. */
final class CrossShardSagas implements Sagas {

    private final SagaEngine engine;
    private final RecoveryLoop recovery;

    CrossShardSagas(SagaEngine engine, RecoveryLoop recovery) {
        this.engine = engine;
        this.recovery = recovery;
    }

    @Override
    public SagaResult start(String type, Map<String, ?> arguments) {
        return engine.start(type, arguments);
    }

    @Override
    public Optional<SagaStatus> status(UUID id) {
        return engine.status(id);
    }

    @Override
    public List<SagaStatus> needingAttention() {
        return engine.needingAttention();
    }

    @Override
    public List<SagaStatus> unfinished() {
        return engine.unfinished();
    }

    @Override
    public SagaStatus retry(UUID id, RetryDirection direction) {
        if (direction == null) {
            throw new IllegalArgumentException("direction must not be null");
        }
        return engine.retry(id, direction);
    }

    @Override
    public SagaStatus resolve(UUID id, String note) {
        return engine.resolve(id, note);
    }

    @Override
    public int purgeFinished(Duration olderThan) {
        if (olderThan == null || olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must be zero or positive but was " + olderThan);
        }
        return engine.purgeFinished(olderThan.toMillis(), RecoveryLoop.PURGE_BATCH, Integer.MAX_VALUE);
    }

    @Override
    public int recover() {
        return recovery.pass();
    }
}
