package io.github.shardingorm.saga;

import io.github.shardingorm.ShardingException;
import java.util.UUID;

/**
 * A saga could not be started (unknown type, bad arguments, a step key that cannot be routed;
 * nothing was written), or its progress could not be recorded (the saga log's shard is down; the
 * saga is resumed by recovery). Carries the saga type and, once it exists, the saga id.
 */
public class SagaException extends ShardingException {

    private static final long serialVersionUID = 1L;

    private final String sagaType;
    private final UUID sagaId;

    public SagaException(String message, String sagaType, UUID sagaId, Throwable cause) {
        super(message, cause);
        this.sagaType = sagaType;
        this.sagaId = sagaId;
    }

    /** The saga type, or null. */
    public String getSagaType() {
        return sagaType;
    }

    /** The saga id, or null when nothing was written. */
    public UUID getSagaId() {
        return sagaId;
    }
}
