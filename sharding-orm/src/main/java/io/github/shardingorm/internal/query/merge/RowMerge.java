package io.github.shardingorm.internal.query.merge;

import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.query.plan.SelectShape;
import io.github.shardingorm.internal.query.value.Parameters;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The merge of one fan-out, over the per-shard row streams (each in the query's order): plain rows
 * by a streaming k-way merge (or concatenated when unordered) and DISTINCT; grouped rows by
 * {@link GroupedMerge}; then the window (offset and limit of the merged rows) and the conversion
 * to the result type. Lazy for plain rows: nothing is read before the caller asks.
 */
public final class RowMerge {

    private final TextOrder text;
    private final UnaryOperator<Object> identity;

    /**
     * @param text     how the shards order text
     * @param identity the DISTINCT/GROUP BY identity of a value (entities by class and id)
     */
    public RowMerge(TextOrder text, UnaryOperator<Object> identity) {
        this.text = text;
        this.identity = identity;
    }

    /**
     * @param offset  merged rows to skip
     * @param limit   merged rows to return at most; negative for no limit
     * @param convert turns a merged row into the result type
     */
    public <R> Iterator<R> merge(SelectShape shape, List<Iterator<Object[]>> sources, Parameters parameters, long offset, long limit,
                                 Function<Object[], R> convert, String hql) {
        try {
            return refusingAsQueryError(merge(shape, sources, parameters, offset, limit, convert), hql);
        } catch (TextOrder.Refused e) {
            throw refusal(e, hql);
        } catch (ArithmeticException e) {
            throw arithmetic(e, hql);
        }
    }

    /**
     * An arithmetic error of the merge (an overflow of integer or bigint arithmetic over merged
     * aggregates, a division by zero): where one database fails the query, so does the merge,
     * never wrapping around or widening silently.
     */
    private static ShardingException arithmetic(ArithmeticException e, String hql) {
        return new ShardingException("merging the shards' answers failed as one database fails the query: " + e.getMessage()
                + "; query [" + hql + "]", e);
    }

    private static UnsupportedShardQueryException refusal(TextOrder.Refused e, String hql) {
        return new UnsupportedShardQueryException("text ORDER BY, first-N or MIN/MAX merged across shards", e.getMessage(), hql);
    }

    private static <R> Iterator<R> refusingAsQueryError(Iterator<R> rows, String hql) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return rows.hasNext();
                } catch (TextOrder.Refused e) {
                    throw refusal(e, hql);
                } catch (ArithmeticException e) {
                    throw arithmetic(e, hql);
                }
            }

            @Override
            public R next() {
                try {
                    return rows.next();
                } catch (TextOrder.Refused e) {
                    throw refusal(e, hql);
                } catch (ArithmeticException e) {
                    throw arithmetic(e, hql);
                }
            }
        };
    }

    private <R> Iterator<R> merge(SelectShape shape, List<Iterator<Object[]>> sources, Parameters parameters, long offset, long limit,
                                  Function<Object[], R> convert) {
        Comparator<String> textOrder = text.comparator();
        Iterator<Object[]> rows;
        if (shape.isGrouped()) {
            rows = GroupedMerge.merge(shape, sources, parameters, textOrder, identity).iterator();
        } else {
            Comparator<Object[]> order = shape.order().isEmpty() ? null : RowOrder.of(shape.order(), textOrder);
            rows = order == null ? MergedRows.concat(sources) : MergedRows.ordered(sources, order);
            if (shape.projection().distinct()) {
                rows = MergedRows.distinct(rows, shape.projection().visible(), order, identity);
            }
        }
        Iterator<Object[]> windowed = MergedRows.window(rows, offset, limit);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return windowed.hasNext();
            }

            @Override
            public R next() {
                return convert.apply(windowed.next());
            }
        };
    }
}
