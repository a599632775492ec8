package io.github.shardingorm.internal.config;

import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.saga.SagaDefinition;
import java.util.List;

/**
 * The configuration of writes that span shards.
 *
 * @param sagas    the registered saga types
 * @param mode     whether two-phase commit may / must be used
 * @param settings retries, lease, recovery period, two-phase grace
 */
public record CrossShardWrites(List<SagaDefinition> sagas, TwoPhaseCommitMode mode, WriteSettings settings) {

    public static final CrossShardWrites DEFAULTS = new CrossShardWrites(List.of(), Defaults.TWO_PHASE_COMMIT, WriteSettings.DEFAULTS);

    public CrossShardWrites {
        sagas = List.copyOf(sagas);
    }
}
