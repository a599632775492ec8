package io.github.shardingorm.internal.query;

import io.github.shardingorm.internal.query.value.Parameters;
import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.health.ReadFrom;
import java.time.Duration;
import org.hibernate.query.SelectionQuery;

/**
 * What a sharded query is run with besides its plan; immutable, each {@code with...} returns a copy.
 *
 * @param parameters the bound parameters
 * @param limit      the API's limit, or null
 * @param offset     the API's offset, or null
 * @param timeout    the deadline of a run, or null
 * @param policy     what a failing shard does to the answer
 * @param fetchSize  rows per shard held by a stream's cursor
 * @param after      keyset values (one per ORDER BY item), or null
 * @param readFrom   where the shards' reads go, or null for the configured default
 */
record QueryOptions(Parameters parameters, Integer limit, Integer offset, Duration timeout, FailurePolicy policy, int fetchSize,
                    Object[] after, ReadFrom readFrom) {

    static QueryOptions defaults(int fetchSize) {
        return new QueryOptions(Parameters.NONE, null, null, null, FailurePolicy.FAIL, fetchSize, null, null);
    }

    QueryOptions withParameters(Parameters p) {
        return new QueryOptions(p, limit, offset, timeout, policy, fetchSize, after, readFrom);
    }

    QueryOptions withLimit(Integer l) {
        return new QueryOptions(parameters, l, offset, timeout, policy, fetchSize, after, readFrom);
    }

    QueryOptions withOffset(Integer o) {
        return new QueryOptions(parameters, limit, o, timeout, policy, fetchSize, after, readFrom);
    }

    QueryOptions withTimeout(Duration t) {
        return new QueryOptions(parameters, limit, offset, t, policy, fetchSize, after, readFrom);
    }

    QueryOptions withPolicy(FailurePolicy p) {
        return new QueryOptions(parameters, limit, offset, timeout, p, fetchSize, after, readFrom);
    }

    QueryOptions withFetchSize(int rows) {
        return new QueryOptions(parameters, limit, offset, timeout, policy, rows, after, readFrom);
    }

    QueryOptions withAfter(Object[] values) {
        return new QueryOptions(parameters, limit, offset, timeout, policy, fetchSize, values, readFrom);
    }

    QueryOptions withReadFrom(ReadFrom r) {
        return new QueryOptions(parameters, limit, offset, timeout, policy, fetchSize, after, r);
    }

    /** The statement timeout of one shard's query (whole seconds, rounded up), when there is a deadline. */
    void applyTimeout(SelectionQuery<?> q) {
        if (timeout != null) {
            q.setTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
        }
    }
}
