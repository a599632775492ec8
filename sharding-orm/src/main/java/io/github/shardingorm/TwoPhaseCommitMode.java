package io.github.shardingorm;

/**
 * Whether writes that span shards may use PostgreSQL two-phase commit
 * ({@code PREPARE TRANSACTION}), which needs {@code max_prepared_transactions > 0} on every shard.
 * See {@link ShardingSettings#TWO_PHASE_COMMIT}.
 */
public enum TwoPhaseCommitMode {
    /**
     * Default: two-phase commit is used when every shard allows prepared transactions;
     * otherwise {@link ShardedPersistence#atomically} throws and reference writes fall back to a saga.
     */
    AUTO,
    /** Start-up fails, naming the shards, unless every shard allows prepared transactions. */
    REQUIRED,
    /** Never use two-phase commit: {@link ShardedPersistence#atomically} throws, reference writes use a saga. */
    DISABLED
}
