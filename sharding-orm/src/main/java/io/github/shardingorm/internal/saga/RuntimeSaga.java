package io.github.shardingorm.internal.saga;

import io.github.shardingorm.saga.SagaAction;
import io.github.shardingorm.saga.SagaArguments;
import java.util.List;
import java.util.function.Function;

/**
 * A saga type as the engine runs it: steps already resolved to shards.
 *
 * @param type        the registered type
 * @param steps       the ordered steps
 * @param forwardOnly true when a failed step is retried forward (never compensated) until the budget runs out
 */
public record RuntimeSaga(String type, List<Step> steps, boolean forwardOnly) {

    /**
     * @param shard computes the step's shard from the arguments; throws when it cannot
     */
    public record Step(String name, Function<SagaArguments, String> shard, SagaAction action, SagaAction compensation) {
    }
}
