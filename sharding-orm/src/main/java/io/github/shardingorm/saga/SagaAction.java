package io.github.shardingorm.saga;

import org.hibernate.Session;

/**
 * The local work of a saga step or of its compensation. It runs in a transaction on the step's
 * shard; the step's fence record commits in the same transaction. Throwing rolls it back.
 */
@FunctionalInterface
public interface SagaAction {

    /**
     * @param session   a session on the step's shard, inside the step's transaction; never null
     * @param arguments the saga's arguments as stored in the saga log; never null
     */
    void apply(Session session, SagaArguments arguments);
}
