package io.github.shardingorm;

/**
 * An operation could not be routed to a shard, or would put a row on the wrong shard. Thrown
 * before anything is written. Carries the entity, the key and the shard(s) involved where known.
 */
public class ShardRoutingException extends ShardingException {

    private static final long serialVersionUID = 1L;

    private final String entityName;
    private final transient Object key;
    private final String shardId;

    public ShardRoutingException(String message, String entityName, Object key, String shardId) {
        super(message);
        this.entityName = entityName;
        this.key = key;
        this.shardId = shardId;
    }

    public ShardRoutingException(String message, String entityName, Object key, String shardId, Throwable cause) {
        super(message, cause);
        this.entityName = entityName;
        this.key = key;
        this.shardId = shardId;
    }

    /** The entity involved, or null when the operation named no entity. */
    public String getEntityName() {
        return entityName;
    }

    /** The shard key (or id) involved, or null when it was missing. */
    public Object getKey() {
        return key;
    }

    /** The shard involved (e.g. the shard the key routes to), or null when none could be found. */
    public String getShardId() {
        return shardId;
    }
}
