package io.github.shardingorm.internal.query.merge;

import io.github.shardingorm.internal.query.plan.SelectShape;
import io.github.shardingorm.internal.query.value.Parameters;
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
                                 Function<Object[], R> convert) {
        // No shard rows (no target shard, or none answered): compare text, if ever, without reading a shard's collation first.
        Comparator<String> textOrder = sources.isEmpty() ? text.lazily() : text.comparator();
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
