package io.github.shardingorm.query;

import io.github.shardingorm.ShardingException;

/**
 * A query that sharding-orm cannot answer exactly across shards (a join between sharded entities
 * that are not co-located on the shard key, a window function over several shards, an aggregate
 * it cannot merge...). Thrown while planning, before any shard is queried. The message names the
 * construct and, where there is one, the fix.
 */
public class UnsupportedShardQueryException extends ShardingException {

    private static final long serialVersionUID = 1L;

    private final String construct;
    private final String query;

    public UnsupportedShardQueryException(String construct, String reason, String query) {
        super("cannot run across shards: " + construct + " (" + reason + ") in query [" + query + "]");
        this.construct = construct;
        this.query = query;
    }

    /** The rejected construct, e.g. {@code "window function row_number"}; never null. */
    public String getConstruct() {
        return construct;
    }

    /** The query as given (HQL, or the HQL rendering of a criteria query); never null. */
    public String getQuery() {
        return query;
    }
}
