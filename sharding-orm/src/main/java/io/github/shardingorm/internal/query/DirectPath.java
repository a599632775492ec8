package io.github.shardingorm.internal.query;

import io.github.shardingorm.internal.query.exec.ScatterGather;
import io.github.shardingorm.internal.query.exec.ShardCursors;
import io.github.shardingorm.internal.query.plan.QueryPlan;
import io.github.shardingorm.internal.query.statement.ShardStatement;
import io.github.shardingorm.internal.stats.OperationKind;
import io.github.shardingorm.query.ShardedResult;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hibernate.Session;
import org.hibernate.query.SelectionQuery;

/**
 * The keyed path: when the keys pin one shard (and there is no keyset), that shard runs the query
 * as written, with Hibernate's own result type, limit and offset; nothing is rewritten or merged,
 * so a query that cannot fan out (a window function...) runs here too.
 */
final class DirectPath {

    private DirectPath() {
    }

    static <R> ShardedResult<R> list(QueryRuntime runtime, QueryPlan plan, Class<R> resultType, QueryOptions options, String shard) {
        Session joined = runtime.sessions().joinable(shard, () -> "query [" + plan.hql() + "]");
        if (joined != null) {
            // Inside a transaction on this shard: run in its session, on this thread, so the query sees its writes.
            return new ShardedResult<>(statement(plan, resultType, options, joined).getResultList(), Set.of(shard), java.util.Map.of());
        }
        ScatterGather.Outcome<List<R>> outcome = runtime.scatter().run(List.of(shard), (s, cancellation) ->
                runtime.sessions().fromReadOnlySession(s, OperationKind.QUERY, session -> {
                    cancellation.attach(session);
                    return statement(plan, resultType, options, session).getResultList();
                }), options.timeout(), options.policy(), plan.hql());
        List<R> rows = outcome.results().getOrDefault(shard, List.of());
        runtime.sessions().instrumentation().fanOut(1, outcome.missing().size(), 0, 0);
        return new ShardedResult<>(rows, Set.of(shard), outcome.missing());
    }

    private static <R> SelectionQuery<R> statement(QueryPlan plan, Class<R> resultType, QueryOptions options, Session session) {
        SelectionQuery<R> q = ShardStatement.direct(plan, resultType, session);
        options.parameters().bindTo(q, null);
        options.applyTimeout(q);
        if (options.offset() != null) {
            q.setFirstResult(options.offset());
        }
        if (options.limit() != null) {
            q.setMaxResults(options.limit());
        }
        return q;
    }

    @SuppressWarnings("unchecked")
    static <R> Stream<R> stream(QueryRuntime runtime, QueryPlan plan, Class<R> resultType, QueryOptions options, String shard) {
        Session joined = runtime.sessions().joinable(shard, () -> "query [" + plan.hql() + "]");
        if (joined != null) {
            return statement(plan, resultType, options, joined).getResultStream();
        }
        ShardCursors cursors = ShardCursors.open(runtime.scatter(), runtime.sessionFactory(), List.of(shard), plan.hql(), session -> {
            SelectionQuery<?> q = ShardStatement.direct(plan, resultType, session);
            options.parameters().bindTo(q, null);
            return q;
        }, options.fetchSize(), options.offset() == null ? 0 : options.offset(), options.limit() == null ? -1 : options.limit(),
                options.timeout(), options.policy(), runtime.sessions().instrumentation());
        return cursors.stream(open -> open.isEmpty() ? Collections.<R>emptyIterator() : (Iterator<R>) (Iterator<?>) open.get(0));
    }
}
