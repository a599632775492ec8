package io.github.shardingorm.internal.query.exec;

import io.github.shardingorm.internal.query.plan.SelectShape;
import io.github.shardingorm.internal.query.value.Parameters;

/**
 * The offset and limit of the merged rows of a fan-out: the query's own (fetch/offset clauses),
 * then the API's on top. Each shard is asked for at most offset + limit rows: a row of the merged
 * window is among the first offset + limit rows of its own shard.
 *
 * @param offset merged rows to skip
 * @param limit  merged rows to return at most; negative for no limit
 */
public record RowWindow(long offset, long limit) {

    public static RowWindow of(SelectShape.QueryWindow query, Parameters parameters, Integer apiOffset, Integer apiLimit) {
        long queryOffset = query.offset() == null ? 0 : number(query.offset().resolve(parameters));
        long queryLimit = query.limit() == null ? -1 : number(query.limit().resolve(parameters));
        long skip = apiOffset == null ? 0 : apiOffset;
        long take = apiLimit == null ? -1 : apiLimit;
        long lim;
        if (queryLimit < 0) {
            lim = take;
        } else {
            long remaining = Math.max(0, queryLimit - skip);
            lim = take < 0 ? remaining : Math.min(remaining, take);
        }
        return new RowWindow(queryOffset + skip, lim);
    }

    /** The most rows one shard must return for plain rows (offset + limit), or -1 for all of them. */
    public int perShardMax() {
        return limit < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, offset + limit);
    }

    private static long number(Object v) {
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("limit/offset must be a number but was " + v);
        }
        return n.longValue();
    }
}
