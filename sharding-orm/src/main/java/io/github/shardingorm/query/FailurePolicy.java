package io.github.shardingorm.query;

/** What a query across shards does when some shards fail or time out. */
public enum FailurePolicy {
    /**
     * The default: the first failure cancels the other shards' statements and the query throws
     * {@link ShardQueryException} naming every shard that failed, with its cause.
     */
    FAIL,
    /**
     * Answer from the shards that did respond: {@link ShardedResult#missingShards()} names the
     * others (with their causes), and {@link ShardedResult#isPartial()} is true. The answer is
     * then exact only for the shards that responded.
     */
    PARTIAL
}
