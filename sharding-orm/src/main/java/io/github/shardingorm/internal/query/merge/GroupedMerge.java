package io.github.shardingorm.internal.query.merge;

import io.github.shardingorm.internal.query.plan.MergeAggregate;
import io.github.shardingorm.internal.query.plan.SelectShape;
import io.github.shardingorm.internal.query.value.Parameters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The merge of a grouped query, in memory (one entry per group): the partial groups of every
 * shard are merged by their group keys, HAVING filters them, the output expressions are computed
 * and the rows sorted. A global aggregate (no GROUP BY) gives exactly one row, even when no shard
 * returned any: over no rows COUNT is 0 and the other aggregates null, as in SQL.
 */
final class GroupedMerge {

    private GroupedMerge() {
    }

    static List<Object[]> merge(SelectShape shape, List<Iterator<Object[]>> sources, Parameters parameters, Comparator<String> text,
                                UnaryOperator<Object> identity) {
        SelectShape.Grouping grouping = shape.grouping();
        Map<List<Object>, GroupState> groups = new LinkedHashMap<>();
        for (Iterator<Object[]> source : sources) {
            while (source.hasNext()) {
                Object[] row = source.next();
                List<Object> key = MergedRows.key(row, grouping.groupColumns(), identity);
                GroupState g = groups.computeIfAbsent(key, k -> new GroupState(row, grouping.aggregates()));
                g.accept(row, text);
            }
        }
        if (grouping.global() && groups.isEmpty()) {
            groups.put(List.of(), new GroupState(new Object[shape.shardColumns()], grouping.aggregates()));
        }
        List<Object[]> out = new ArrayList<>(groups.size());
        for (GroupState g : groups.values()) {
            if (grouping.having() != null && !Boolean.TRUE.equals(PostExprEval.eval(grouping.having(), g, parameters, text))) {
                continue;
            }
            Object[] row = new Object[grouping.output().size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = PostExprEval.eval(grouping.output().get(i), g, parameters, text);
            }
            out.add(row);
        }
        if (shape.projection().distinct()) {
            Set<List<Object>> seen = new HashSet<>();
            out.removeIf(r -> !seen.add(MergedRows.key(r, shape.projection().visible(), identity)));
        }
        if (!shape.order().isEmpty()) {
            out.sort(RowOrder.of(shape.order(), text));
        }
        return out;
    }

    /** One merged group: the first per-shard row seen (for group keys and carried columns) and the running aggregates. */
    private static final class GroupState implements PostExprEval.Group {
        private final Object[] first;
        private final AggregateState[] states;

        GroupState(Object[] first, List<MergeAggregate> aggregates) {
            this.first = first;
            this.states = new AggregateState[aggregates.size()];
            for (int i = 0; i < states.length; i++) {
                states[i] = new AggregateState(aggregates.get(i));
            }
        }

        void accept(Object[] row, Comparator<String> text) {
            for (AggregateState s : states) {
                s.accept(row, text);
            }
        }

        @Override
        public Object column(int index) {
            return first[index];
        }

        @Override
        public Object aggregate(int index) {
            return states[index].result();
        }
    }
}
