package io.github.shardingorm;

/**
 * A shard could not be reached: no connection within the configured connection timeout, or the
 * connection broke. The cause keeps the driver's exception (and its SQLState).
 */
public class ShardUnavailableException extends ShardingException {

    private static final long serialVersionUID = 1L;

    private final String shardId;

    public ShardUnavailableException(String shardId, String message, Throwable cause) {
        super(message, cause);
        this.shardId = shardId;
    }

    /** The shard that is unavailable; never null. */
    public String getShardId() {
        return shardId;
    }
}
