package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.ValueRef;
import java.util.List;
import java.util.Set;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;

/**
 * The analysis of one query, independent of parameter values (cached per query string and result
 * type): where it may run ({@link #routing}), what each shard is asked, and how the shards'
 * rows merge. Built by {@link SqmQueryAnalyzer}.
 *
 * @param hql              the query as given (for a criteria query: Hibernate's rendering, for messages only)
 * @param criteria         copies of the criteria query as given (run as is on one shard), or null for HQL
 * @param mutation         true for UPDATE/DELETE
 * @param routing          the key constraints of the WHERE clause; null when there are none
 * @param anyShard         no sharded entity is involved (reference data): any one shard answers
 * @param fanOutRejection  why the query cannot run on several shards (null when it can); on one shard it may still run
 * @param select           the select shape; null for mutations
 * @param parameterNames   the named parameters of the query
 * @param parameterPositions the positional parameters of the query
 */
public record QueryPlan(String hql, java.util.function.Supplier<jakarta.persistence.criteria.CriteriaQuery<?>> criteria, boolean mutation, ShardPredicate routing,
                 boolean anyShard, String fanOutRejection, SelectShape select, Set<String> parameterNames, Set<Integer> parameterPositions) {

    /**
     * What one shard is asked and how the answers merge.
     *
     * @param shardSelect    the per-shard select, the analysis' own rewrite of the query: read only, copied for every
     *                       execution (rows are {@code Object[]} of {@code shardColumns} values)
     * @param distinct       SELECT DISTINCT
     * @param grouped        aggregates or GROUP BY: merged with {@link #aggregates}/{@link #output}
     * @param visible        how many output columns the caller sees
     * @param order          the sort of the merged rows (columns of the shard rows for plain queries, of the output rows for grouped ones)
     * @param aggregates     the merged aggregates (grouped)
     * @param groupColumns   the number of leading per-shard columns that are group keys (grouped)
     * @param global         grouped without GROUP BY: exactly one output row, even over no rows
     * @param output         the output expressions: visible ones, then extra sort values (grouped)
     * @param having         HAVING, evaluated after the merge (grouped), or null
     * @param queryLimit     a limit written in the query (fetch first / limit), or null
     * @param queryOffset    an offset written in the query, or null
     * @param instantiation  the class of a {@code select new} in the query, or null
     * @param shardColumns   the number of values in a per-shard row
     */
    public record SelectShape(SqmSelectStatement<?> shardSelect, boolean distinct, boolean grouped, int visible, List<SortKey> order,
                       List<MergeAggregate> aggregates, int groupColumns, boolean global, List<PostExpr> output,
                       PostExpr having, ValueRef queryLimit, ValueRef queryOffset, Class<?> instantiation, int shardColumns) {
    }
}
