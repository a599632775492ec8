package io.github.shardingorm;

import java.time.Instant;
import java.util.Map;

/**
 * A two-phase-commit transaction ({@link ShardedPersistence#atomically}) left prepared on some
 * shards: its coordinator died, or could not reach a shard, between PREPARE and the last COMMIT
 * PREPARED. Recovery resolves these by itself after the grace period; an operator can act sooner,
 * or on those recovery cannot resolve (see {@link InDoubtTransactions}).
 *
 * @param txid             the transaction id
 * @param coordinatorShard the shard whose {@code shorm_2pc_decision} table holds (or will hold) its decision
 * @param preparedOn       the shards still holding it prepared, with when it was prepared there
 * @param decision         {@code commit} or {@code abort} when logged, null when no decision was logged yet
 */
public record InDoubtTransaction(String txid, String coordinatorShard, Map<String, Instant> preparedOn, String decision) {

    public InDoubtTransaction {
        preparedOn = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(preparedOn));
    }
}
