package io.github.shardingorm.query;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer of a query across shards, with what it was computed from.
 *
 * @param rows          the merged rows, in order; never null
 * @param queriedShards the shards the query was sent to (the routing decision), in shard order; empty when
 *                      its keys match no shard and the answer needed none (see {@link ShardedQuery#targetShards()})
 * @param missingShards shards that failed or timed out under {@link FailurePolicy#PARTIAL}, with
 *                      their causes; empty when the answer is complete
 * @param <R> the row type
 */
public record ShardedResult<R>(List<R> rows, Set<String> queriedShards, Map<String, Throwable> missingShards) {

    public ShardedResult {
        rows = java.util.Collections.unmodifiableList(rows);
        // a keyed query's answer (one shard, nothing missing) copies nothing: it is built on every call of the keyed path
        queriedShards = queriedShards.size() == 1 ? java.util.Collections.singleton(queriedShards.iterator().next())
                : java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(queriedShards));
        missingShards = missingShards.isEmpty() ? java.util.Collections.emptyMap()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(missingShards));
    }

    /** Whether some shards are missing from the answer. */
    public boolean isPartial() {
        return !missingShards.isEmpty();
    }
}
