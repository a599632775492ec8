package io.github.shardingorm.internal.jdbc;

import java.sql.SQLTransientConnectionException;

/**
 * Thrown by {@link ShardPools#connection(String)} when a shard's pool gives no connection. It travels
 * through Hibernate's exception conversion as a cause, and the session templates turn it into a
 * {@link io.github.shardingorm.ShardUnavailableException} naming the shard.
 */
public final class ShardUnavailableSqlException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    private final String shardId;

    public ShardUnavailableSqlException(String shardId, String message, Throwable cause) {
        super(message, cause instanceof java.sql.SQLException s ? s.getSQLState() : "08001", cause);
        this.shardId = shardId;
    }

    public String shardId() {
        return shardId;
    }
}
