package io.github.shardingorm;

import java.util.Set;
import org.hibernate.Session;

/**
 * The sessions of one {@link ShardedPersistence#atomically two-phase commit transaction}: one
 * session per shard, all in the same distributed transaction. Valid only inside the work.
 */
public interface CrossShardSessions {

    /**
     * The session on the shard of {@code key}; the key must be one of those given to {@code atomically}
     * (or route to one of their shards).
     *
     * @throws ShardRoutingException when the key is null, cannot be routed, or routes outside the transaction's shards
     */
    Session session(Object key);

    /**
     * The session on shard {@code shardId}, which must be one of the transaction's shards.
     *
     * @throws ShardRoutingException when the shard is not part of this transaction
     */
    Session sessionOnShard(String shardId);

    /** The shards in this transaction, in configured order; never empty. */
    Set<String> shardIds();
}
