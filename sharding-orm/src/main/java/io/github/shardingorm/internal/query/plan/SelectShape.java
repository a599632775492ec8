package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.ValueRef;
import java.util.List;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;

/**
 * What each shard is asked in a fan-out and how the answers merge. Built with {@link #ofPlain} or
 * {@link #ofGrouped}.
 *
 * @param shardSelect  the per-shard select, the analysis' own rewrite of the query: read only, copied for every
 *                     execution; its rows are {@code Object[]} of {@code shardColumns} values
 * @param shardColumns the number of values in a per-shard row
 * @param projection   what the caller sees of a merged row
 * @param order        the sort of the merged rows (columns of the shard rows for a plain query, of the output rows
 *                     for a grouped one); empty when unordered
 * @param window       the limit and offset written in the query
 * @param grouping     how the partial groups merge; null for a plain query
 * @param numericText  the per-shard columns a shard returns as the text of a PostgreSQL numeric (a shard-computed
 *                     AVG the merge orders by: as a Double, different numerics may tie); read back as exact
 *                     numbers ({@code PgNumeric#parse}) before the merge
 */
public record SelectShape(SqmSelectStatement<?> shardSelect, int shardColumns, Projection projection, List<SortKey> order,
                          QueryWindow window, Grouping grouping, List<Integer> numericText) {

    public SelectShape {
        order = List.copyOf(order);
        numericText = List.copyOf(numericText);
    }

    /** Plain rows: each shard returns rows of the query's order, merged by a k-way merge (or concatenated). */
    public static SelectShape ofPlain(SqmSelectStatement<?> shardSelect, int shardColumns, Projection projection, List<SortKey> order,
                                      QueryWindow window, List<Integer> numericText) {
        return new SelectShape(shardSelect, shardColumns, projection, order, window, null, numericText);
    }

    /** Grouped rows: each shard returns partial groups, merged, filtered by HAVING, computed and sorted after the merge. */
    public static SelectShape ofGrouped(SqmSelectStatement<?> shardSelect, int shardColumns, Projection projection, List<SortKey> order,
                                        QueryWindow window, Grouping grouping) {
        return new SelectShape(shardSelect, shardColumns, projection, order, window, grouping, List.of());
    }

    public boolean isGrouped() {
        return grouping != null;
    }

    /**
     * What the caller sees of a merged row.
     *
     * @param visible       how many leading values of a merged row the caller sees
     * @param distinct      SELECT DISTINCT
     * @param instantiation the class of a {@code select new} in the query, or null
     * @param doubles       the visible columns JPQL types Double whose merged value may be an exact number (an AVG
     *                      the merge kept as PostgreSQL's numeric to order and compare it): handed out as Double,
     *                      the value one database gives (the nearest double of the numeric)
     * @param numbers       per visible column of a grouped query (empty for plain rows): the Java type JPQL gives it,
     *                      which a merged number is converted to (the merge computes in PostgreSQL's types, e.g.
     *                      {@code coalesce(sum(i), 0)} or {@code sum(i) % 7} as bigint, read by JPQL as Long or
     *                      Integer); {@code Object.class} for a column handed out as merged
     */
    public record Projection(int visible, boolean distinct, Class<?> instantiation, List<Integer> doubles, List<Class<?>> numbers) {

        public Projection {
            doubles = List.copyOf(doubles);
            numbers = List.copyOf(numbers);
        }

        /** Plain rows: the shards' values are handed out as read (but for {@code doubles}). */
        public Projection(int visible, boolean distinct, Class<?> instantiation, List<Integer> doubles) {
            this(visible, distinct, instantiation, doubles, List.of());
        }
    }

    /**
     * A limit and an offset written in the query (fetch first / limit, offset): applied to the merged
     * rows, never sent to the shards.
     *
     * @param limit  the limit, or null
     * @param offset the offset, or null
     */
    public record QueryWindow(ValueRef limit, ValueRef offset) {
    }

    /**
     * How the partial groups of the shards merge.
     *
     * @param groupColumns the number of leading per-shard columns that are group keys; 0 for a global aggregate
     * @param aggregates   the merged aggregates
     * @param output       the output expressions: the visible ones, then extra sort values
     * @param having       HAVING, evaluated after the merge, or null
     */
    public record Grouping(int groupColumns, List<MergeAggregate> aggregates, List<PostExpr> output, PostExpr having) {

        public Grouping {
            aggregates = List.copyOf(aggregates);
            output = List.copyOf(output);
        }

        /** Without GROUP BY: exactly one output row, even over no rows at all. */
        public boolean global() {
            return groupColumns == 0;
        }
    }
}
