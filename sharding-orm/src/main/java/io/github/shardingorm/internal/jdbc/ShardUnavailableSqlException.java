package io.github.shardingorm.internal.jdbc;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.ShardUnavailableException.PoolState;
import io.github.shardingorm.ShardUnavailableException.Reason;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;

/**
 * Thrown by {@link ShardPools} when a shard's pool gives no connection, or its breaker refuses the
 * call. It travels through Hibernate's exception conversion as a cause, and the session templates
 * turn it into a {@link ShardUnavailableException} naming the shard ({@link #toApi}).
 */
public final class ShardUnavailableSqlException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    private final String shardId;
    private final Reason reason;
    private final Instant downSince;
    private final PoolState poolState;

    public ShardUnavailableSqlException(String shardId, String message, Throwable cause) {
        this(shardId, Reason.UNREACHABLE, null, null, message, cause);
    }

    public ShardUnavailableSqlException(String shardId, Reason reason, Instant downSince, PoolState poolState,
                                        String message, Throwable cause) {
        super(message, cause instanceof java.sql.SQLException s && s.getSQLState() != null ? s.getSQLState() : "08001", cause);
        this.shardId = shardId;
        this.reason = reason;
        this.downSince = downSince;
        this.poolState = poolState;
    }

    public String shardId() {
        return shardId;
    }

    public Reason reason() {
        return reason;
    }

    /** The API exception, with {@code prefix} before the message (may be empty) and {@code wrapper} as the cause when given. */
    public ShardUnavailableException toApi(String prefix, Throwable wrapper) {
        return new ShardUnavailableException(shardId, reason, downSince, poolState, prefix + getMessage(),
                wrapper != null ? wrapper : this);
    }
}
