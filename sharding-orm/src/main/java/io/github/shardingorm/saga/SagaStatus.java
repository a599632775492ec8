package io.github.shardingorm.saga;

import java.time.Instant;
import java.util.UUID;

/**
 * A saga's row in the saga log.
 *
 * @param id               the saga id
 * @param type             the registered saga type
 * @param state            the state
 * @param step             RUNNING: the next step to run; COMPENSATING: the highest step still to compensate
 * @param attempts         failed attempts since the last progress
 * @param lastError        the last failure (step, exception and message), or null
 * @param coordinatorShard the shard whose {@code shorm_saga} table holds the row
 * @param createdAt        when the saga started
 * @param updatedAt        when the row last changed
 */
public record SagaStatus(UUID id, String type, SagaState state, int step, int attempts, String lastError,
                         String coordinatorShard, Instant createdAt, Instant updatedAt) {
}
