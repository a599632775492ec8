package io.github.shardingorm.resharding;

import io.github.shardingorm.ShardingException;

/** A resharding job failed; the message names the move, the step and the shards, the cause is kept. */
public class ReshardingException extends ShardingException {

    private static final long serialVersionUID = 1L;

    public ReshardingException(String message) {
        super(message);
    }

    public ReshardingException(String message, Throwable cause) {
        super(message, cause);
    }
}
