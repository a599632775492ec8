package io.github.shardingorm;

import java.util.List;

/**
 * Operator actions on two-phase-commit transactions in doubt, from
 * {@link ShardedPersistence#inDoubtTransactions()}. An action first logs its decision on the
 * coordinator shard (as the coordinator and recovery do), so that it can never contradict a
 * decision already taken: committing a transaction whose logged decision is abort (or rolling back
 * one whose decision is commit) is refused.
 */
public interface InDoubtTransactions {

    /** Our prepared transactions on every reachable shard, oldest first. */
    List<InDoubtTransaction> list();

    /**
     * Commits the transaction on every shard that holds it prepared.
     *
     * @throws ShardingException when its logged decision is abort, or a shard fails (then run it again)
     * @throws IllegalArgumentException when no shard holds it prepared
     */
    void commit(String txid);

    /**
     * Rolls the transaction back on every shard that holds it prepared.
     *
     * @throws ShardingException when its logged decision is commit, or a shard fails (then run it again)
     * @throws IllegalArgumentException when no shard holds it prepared
     */
    void rollback(String txid);
}
