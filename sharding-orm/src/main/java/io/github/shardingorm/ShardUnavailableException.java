package io.github.shardingorm;

import java.time.Instant;

/**
 * A shard (or the replica a read needed) could not be used: no connection within the connection
 * timeout, the connection broke or timed out, or the shard's circuit breaker is open and the call
 * was refused at once. {@link #reason()} says which; the cause keeps the driver's exception (and its
 * SQLState) when there was one.
 */
public class ShardUnavailableException extends ShardingException {

    private static final long serialVersionUID = 1L;

    /** Why the shard could not be used: what the caller (or an operator) can do about it differs. */
    public enum Reason {
        /** The server does not answer: refused, reset, shut down (SQLState 08*, 57P0*), or the breaker is open after such failures. */
        UNREACHABLE,
        /**
         * The shard answers but its pool had no free connection within the connection timeout: the
         * application holds them all ({@link #poolState()} has HikariCP's numbers). Not counted against the shard's health.
         */
        POOL_EXHAUSTED,
        /** The server refused the credentials (SQLState 28P01, 28000). */
        AUTHENTICATION_FAILED,
        /** A deadline passed: the socket timeout (a hung server) or the statement timeout (SQLState 57014). */
        TIMED_OUT,
        /** The primary is read-only: it became a replica (SQLState 25006, or {@code pg_is_in_recovery()} on the probe). */
        READ_ONLY,
        /**
         * A read that needed a replica found none that qualifies (up, within the lag limit, past the
         * caller's writes), and the primary was not an option (read-from {@code REPLICA_ONLY}, the cap
         * on primary fallbacks reached, or the primary down).
         */
        REPLICAS_UNAVAILABLE
    }

    /**
     * HikariCP's numbers when the pool was exhausted.
     *
     * @param active  connections in use
     * @param idle    connections idle
     * @param waiting threads waiting for a connection
     * @param maximum the pool's maximum size
     */
    public record PoolState(int active, int idle, int waiting, int maximum) {
        @Override
        public String toString() {
            return "active=" + active + ", idle=" + idle + ", waiting=" + waiting + ", max=" + maximum;
        }
    }

    private final String shardId;
    private final Reason reason;
    private final Instant downSince;
    private final PoolState poolState;

    public ShardUnavailableException(String shardId, String message, Throwable cause) {
        this(shardId, Reason.UNREACHABLE, null, null, message, cause);
    }

    /**
     * @param shardId   the shard; not null
     * @param reason    why; not null
     * @param downSince when the shard's breaker opened, null when it is not open
     * @param poolState the pool's numbers for {@link Reason#POOL_EXHAUSTED}, else null
     * @param message   names the shard and the cause
     * @param cause     the driver's exception, may be null when the breaker refused the call
     */
    public ShardUnavailableException(String shardId, Reason reason, Instant downSince, PoolState poolState,
                                     String message, Throwable cause) {
        super(message, cause);
        this.shardId = shardId;
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
        this.downSince = downSince;
        this.poolState = poolState;
    }

    /** The shard that is unavailable; never null. */
    public String getShardId() {
        return shardId;
    }

    /** Why; never null. */
    public Reason reason() {
        return reason;
    }

    /** When the shard's circuit breaker opened, when the call was refused by it; otherwise null. */
    public Instant downSince() {
        return downSince;
    }

    /** HikariCP's numbers for {@link Reason#POOL_EXHAUSTED}; otherwise null. */
    public PoolState poolState() {
        return poolState;
    }
}
