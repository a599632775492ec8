package io.github.shardingorm.internal.writes;

import io.github.shardingorm.internal.saga.SagaEngine;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.saga.SagaStatus;
import io.github.shardingorm.saga.Sagas;
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
    public int recover() {
        return recovery.pass();
    }
}
