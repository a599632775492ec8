package io.github.shardingorm.saga;

import java.util.Objects;
import java.util.UUID;

/**
 * What {@link Sagas#start} returns.
 *
 * @param id      the saga id, the key of its row in the saga log; never null
 * @param outcome how it ended; never null
 * @param reason  why it did not complete (the failing step and its exception), null when {@link SagaOutcome#COMPLETED}
 */
public record SagaResult(UUID id, SagaOutcome outcome, String reason) {

    public SagaResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(outcome, "outcome");
    }
}
