package io.github.shardingorm.internal.query;

import io.github.shardingorm.internal.query.exec.RowWindow;
import io.github.shardingorm.internal.query.exec.ScatterGather;
import io.github.shardingorm.internal.query.exec.ShardCursor;
import io.github.shardingorm.internal.query.exec.ShardCursors;
import io.github.shardingorm.internal.query.merge.RowConverter;
import io.github.shardingorm.internal.query.plan.QueryPlan;
import io.github.shardingorm.internal.query.plan.SelectShape;
import io.github.shardingorm.internal.query.statement.ShardStatement;
import io.github.shardingorm.internal.query.value.PgNumeric;
import io.github.shardingorm.internal.stats.OperationKind;
import io.github.shardingorm.query.ShardedResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;
import org.hibernate.query.SelectionQuery;

/**
 * The fan-out path: every target shard runs the plan's per-shard select in parallel (with the
 * keyset predicate when there is one), plain rows asked for at most offset + limit rows each
 * ({@link RowWindow}), grouped rows for all their partial groups; the merge then reads the shard
 * rows into the answer ({@code merge.RowMerge}).
 */
final class FanOutPath {

    private FanOutPath() {
    }

    static <R> ShardedResult<R> list(QueryRuntime runtime, QueryPlan plan, Class<R> resultType, QueryOptions options, List<String> targets) {
        SelectShape shape = plan.select();
        RowWindow window = RowWindow.of(shape.window(), options.parameters(), options.offset(), options.limit());
        int perShardMax = shape.isGrouped() ? -1 : window.perShardMax();
        ScatterGather.Outcome<List<Object[]>> outcome = runtime.scatter().run(targets, (shard, cancellation) ->
                runtime.sessions().fromReadOnlySession(shard, OperationKind.QUERY, session -> {
                    cancellation.attach(session);
                    SelectionQuery<Object[]> q = session.createSelectionQuery(ShardStatement.fanOut(shape, options.after()));
                    q.setQueryPlanCacheable(true); // criteria plans are not cached by default; ours are reused on every call
                    options.parameters().bindTo(q, null);
                    options.applyTimeout(q);
                    if (perShardMax >= 0) {
                        q.setMaxResults(perShardMax);
                    }
                    return q.getResultList();
                }), options.timeout(), options.policy(), plan.hql());
        List<Iterator<Object[]>> sources = new ArrayList<>();
        for (List<Object[]> rows : outcome.results().values()) {
            sources.add(asRows(rows.iterator(), shape));
        }
        List<R> rows = new ArrayList<>();
        long mergeStarted = System.nanoTime();
        merge(runtime, shape, resultType, options, sources, window, plan.hql()).forEachRemaining(rows::add);
        runtime.sessions().instrumentation().fanOut(targets.size(), outcome.missing().size(), System.nanoTime() - mergeStarted, rows.size());
        return new ShardedResult<>(rows, new LinkedHashSet<>(targets), outcome.missing());
    }

    /** Plain rows only (a grouped query is merged by {@link #list} first). */
    static <R> Stream<R> stream(QueryRuntime runtime, QueryPlan plan, Class<R> resultType, QueryOptions options, List<String> targets) {
        SelectShape shape = plan.select();
        RowWindow window = RowWindow.of(shape.window(), options.parameters(), options.offset(), options.limit());
        ShardCursors cursors = ShardCursors.open(runtime.scatter(), runtime.sessionFactory(), targets, plan.hql(), session -> {
            SelectionQuery<?> q = session.createSelectionQuery(ShardStatement.fanOut(shape, options.after())).setQueryPlanCacheable(true);
            options.parameters().bindTo(q, null);
            return q;
        }, options.fetchSize(), 0, window.perShardMax(), options.timeout(), options.policy(), runtime.sessions().instrumentation());
        return cursors.stream(open -> {
            List<Iterator<Object[]>> sources = new ArrayList<>();
            for (ShardCursor c : open) {
                sources.add(asRows(c, shape));
            }
            return merge(runtime, shape, resultType, options, sources, window, plan.hql());
        });
    }

    private static <R> Iterator<R> merge(QueryRuntime runtime, SelectShape shape, Class<R> resultType, QueryOptions options,
                                         List<Iterator<Object[]>> sources, RowWindow window, String hql) {
        return runtime.merge().merge(shape, sources, options.parameters(), window.offset(), window.limit(),
                RowConverter.of(resultType, shape.projection()), hql);
    }

    /**
     * A shard row as {@code Object[]} (Hibernate returns the bare value of a one-column select),
     * its numeric-text columns read back as numbers ({@link SelectShape#numericText}).
     */
    private static Iterator<Object[]> asRows(Iterator<?> cursor, SelectShape shape) {
        int[] numericText = shape.numericText().stream().mapToInt(Integer::intValue).toArray();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return cursor.hasNext();
            }

            @Override
            public Object[] next() {
                Object o = cursor.next();
                Object[] row = o instanceof Object[] a ? a : new Object[] {o};
                for (int c : numericText) {
                    if (row[c] instanceof String text) {
                        row[c] = PgNumeric.parse(text);
                    }
                }
                return row;
            }
        };
    }
}
