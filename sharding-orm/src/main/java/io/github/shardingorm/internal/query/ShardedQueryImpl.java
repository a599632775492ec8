package io.github.shardingorm.internal.query;

import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.query.ShardQueryException;
import io.github.shardingorm.query.ShardedQuery;
import io.github.shardingorm.query.ShardedResult;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import jakarta.persistence.NonUniqueResultException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.hibernate.query.SelectionQuery;

/**
 * An immutable sharded select query: routing, per-shard execution and the merge. Every setter
 * returns a copy.
 */
final class ShardedQueryImpl<R> implements ShardedQuery<R> {

    static final int DEFAULT_FETCH_SIZE = 1000;

    private final ShardedQueries engine;
    private final QueryPlan plan;
    private final Class<R> resultType;
    private final Parameters parameters;
    private final Integer limit;
    private final Integer offset;
    private final Duration timeout;
    private final FailurePolicy policy;
    private final int fetchSize;
    private final Object[] after;

    ShardedQueryImpl(ShardedQueries engine, QueryPlan plan, Class<R> resultType) {
        this(engine, plan, resultType, Parameters.NONE, null, null, null, FailurePolicy.FAIL, DEFAULT_FETCH_SIZE, null);
    }

    private ShardedQueryImpl(ShardedQueries engine, QueryPlan plan, Class<R> resultType, Parameters parameters, Integer limit,
                             Integer offset, Duration timeout, FailurePolicy policy, int fetchSize, Object[] after) {
        this.engine = engine;
        this.plan = plan;
        this.resultType = resultType;
        this.parameters = parameters;
        this.limit = limit;
        this.offset = offset;
        this.timeout = timeout;
        this.policy = policy;
        this.fetchSize = fetchSize;
        this.after = after;
    }

    private ShardedQueryImpl<R> with(Parameters p, Integer l, Integer o, Duration t, FailurePolicy f, int fs, Object[] a) {
        return new ShardedQueryImpl<>(engine, plan, resultType, p, l, o, t, f, fs, a);
    }

    // ---------------------------------------------------------------------- fluent setters

    @Override
    public ShardedQuery<R> param(String name, Object value) {
        return with(parameters.with(name, value), limit, offset, timeout, policy, fetchSize, after);
    }

    @Override
    public ShardedQuery<R> param(int position, Object value) {
        return with(parameters.with(position, value), limit, offset, timeout, policy, fetchSize, after);
    }

    @Override
    public ShardedQuery<R> limit(int maxRows) {
        if (maxRows < 0) {
            throw new IllegalArgumentException("limit must be >= 0 but was " + maxRows);
        }
        return with(parameters, maxRows, offset, timeout, policy, fetchSize, after);
    }

    @Override
    public ShardedQuery<R> offset(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("offset must be >= 0 but was " + rows);
        }
        return with(parameters, limit, rows, timeout, policy, fetchSize, after);
    }

    @Override
    public ShardedQuery<R> timeout(Duration t) {
        if (t == null || t.isNegative() || t.isZero()) {
            throw new IllegalArgumentException("timeout must be positive but was " + t);
        }
        return with(parameters, limit, offset, t, policy, fetchSize, after);
    }

    @Override
    public ShardedQuery<R> failurePolicy(FailurePolicy p) {
        if (p == null) {
            throw new IllegalArgumentException("failure policy must not be null");
        }
        return with(parameters, limit, offset, timeout, p, fetchSize, after);
    }

    @Override
    public ShardedQuery<R> fetchSize(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("fetch size must be >= 1 but was " + rows);
        }
        return with(parameters, limit, offset, timeout, policy, rows, after);
    }

    @Override
    public ShardedQuery<R> after(Object... lastRowSortValues) {
        QueryPlan.SelectShape shape = plan.select();
        if (shape.grouped()) {
            throw new UnsupportedShardQueryException("after(...) on a grouped query", "keyset pagination needs plain rows", plan.hql());
        }
        if (shape.order().isEmpty()) {
            throw new IllegalArgumentException("after(...) needs an ORDER BY; query [" + plan.hql() + "]");
        }
        if (lastRowSortValues == null || lastRowSortValues.length != shape.order().size()) {
            throw new IllegalArgumentException("after(...) needs " + shape.order().size() + " values, one per ORDER BY item, but got " + (lastRowSortValues == null ? 0 : lastRowSortValues.length));
        }
        return with(parameters, limit, offset, timeout, policy, fetchSize, lastRowSortValues.clone());
    }

    // ---------------------------------------------------------------------- routing

    @Override
    public Set<String> targetShards() {
        return new LinkedHashSet<>(targets());
    }

    private List<String> targets() {
        checkParameters();
        List<String> all = engine.router().shardIds();
        if (plan.anyShard()) {
            return List.of(all.get(0));
        }
        Set<String> pruned = plan.routing() == null ? null : plan.routing().shards(engine.router(), parameters);
        if (pruned == null) {
            return all;
        }
        if (pruned.isEmpty()) {
            return List.of(all.get(0)); // no shard can hold a matching row: any one answers (empty, or zero counts)
        }
        List<String> out = new ArrayList<>();
        for (String s : all) {
            if (pruned.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private void checkParameters() {
        for (String name : plan.parameterNames()) {
            if (!parameters.hasNamed(name)) {
                throw new IllegalArgumentException("parameter :" + name + " is not bound; query [" + plan.hql() + "]");
            }
        }
        for (int position : plan.parameterPositions()) {
            if (!parameters.hasPositional(position)) {
                throw new IllegalArgumentException("parameter ?" + position + " is not bound; query [" + plan.hql() + "]");
            }
        }
    }

    /** Throws the fan-out rejection when the query (with no parameters bound yet) can only fan out. */
    void checkFanOut() {
        checkFanOut(engine.router().shardIds());
    }

    private void checkFanOut(List<String> targets) {
        if (targets.size() > 1 && plan.fanOutRejection() != null) {
            throw new UnsupportedShardQueryException(plan.fanOutRejection(), "the query routes to " + targets.size()
                    + " shards " + targets + "; it runs only when its shard key pins one shard", plan.hql());
        }
    }

    // ---------------------------------------------------------------------- list

    @Override
    public List<R> list() {
        ShardedResult<R> result = result();
        return result.rows();
    }

    @Override
    public Optional<R> single() {
        List<R> rows = ((ShardedQueryImpl<R>) limit(limit == null ? 2 : Math.min(limit, 2))).list();
        if (rows.size() > 1) {
            throw new NonUniqueResultException("query returned more than one row: [" + plan.hql() + "]");
        }
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    @Override
    public ShardedResult<R> result() {
        List<String> targets = targets();
        checkFanOut(targets);
        if (targets.size() == 1 && after == null) {
            return direct(targets.get(0));
        }
        QueryPlan.SelectShape shape = plan.select();
        Window window = window();
        int perShardMax = shape.grouped() || window.limit < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, window.offset + window.limit);
        ScatterGather.Outcome<List<Object[]>> outcome = engine.scatter().run(targets, (shard, cancellation) ->
                engine.sessions().fromTransaction(shard, true, session -> {
                    cancellation.attach(session);
                    SelectionQuery<Object[]> q = session.createSelectionQuery(shape.shardStatement().instance(after));
                    q.setQueryPlanCacheable(true); // criteria plans are not cached by default; ours are reused on every call
                    parameters.bindTo(q, null);
                    applyTimeout(q);
                    if (perShardMax >= 0) {
                        q.setMaxResults(perShardMax);
                    }
                    return q.getResultList();
                }), timeout, policy, plan.hql());
        List<Iterator<Object[]>> sources = new ArrayList<>();
        for (List<Object[]> rows : outcome.results().values()) {
            sources.add(asRows(rows.iterator()));
        }
        List<R> rows = new ArrayList<>();
        merge(shape, sources, window).forEachRemaining(rows::add);
        return new ShardedResult<>(rows, new LinkedHashSet<>(targets), outcome.missing());
    }

    /** One shard: the query as written, with Hibernate's own pagination. */
    private ShardedResult<R> direct(String shard) {
        ScatterGather.Outcome<List<R>> outcome = engine.scatter().run(List.of(shard), (s, cancellation) ->
                engine.sessions().fromTransaction(s, true, session -> {
                    cancellation.attach(session);
                    SelectionQuery<R> q = directQuery(session);
                    parameters.bindTo(q, null);
                    applyTimeout(q);
                    if (offset != null) {
                        q.setFirstResult(offset);
                    }
                    if (limit != null) {
                        q.setMaxResults(limit);
                    }
                    return q.getResultList();
                }), timeout, policy, plan.hql());
        List<R> rows = outcome.results().getOrDefault(shard, List.of());
        return new ShardedResult<>(rows, Set.of(shard), outcome.missing());
    }

    @SuppressWarnings("unchecked")
    private SelectionQuery<R> directQuery(org.hibernate.query.QueryProducer session) {
        if (plan.criteria() != null) {
            return session.createSelectionQuery((jakarta.persistence.criteria.CriteriaQuery<R>) plan.criteria().get());
        }
        return session.createSelectionQuery(plan.hql(), resultType);
    }

    private void applyTimeout(SelectionQuery<?> q) {
        if (timeout != null) {
            q.setTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
        }
    }

    // ---------------------------------------------------------------------- stream

    @Override
    public Stream<R> stream() {
        List<String> targets = targets();
        checkFanOut(targets);
        QueryPlan.SelectShape shape = plan.select();
        if (shape.grouped()) {
            return list().stream();
        }
        boolean direct = targets.size() == 1 && after == null;
        Window window = window();
        int firstResult = direct && offset != null ? offset : 0;
        int maxResults = direct ? (limit == null ? -1 : limit)
                : window.limit < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, window.offset + window.limit);
        ScatterGather.Outcome<ShardCursor> outcome = engine.scatter().run(targets, (shard, cancellation) ->
                ShardCursor.open(engine.sessionFactory(), shard, plan.hql(), session -> {
                    SelectionQuery<?> q = direct ? directQuery(session)
                            : session.createSelectionQuery(shape.shardStatement().instance(after)).setQueryPlanCacheable(true);
                    parameters.bindTo(q, null);
                    return q;
                }, fetchSize, firstResult, maxResults, cancellation), timeout, policy, plan.hql());
        List<ShardCursor> cursors = new ArrayList<>(outcome.results().values());
        Runnable closeAll = () -> {
            for (ShardCursor c : cursors) {
                c.close();
            }
        };
        try {
            Iterator<R> rows;
            if (direct) {
                @SuppressWarnings("unchecked")
                Iterator<R> it = cursors.isEmpty() ? java.util.Collections.emptyIterator() : (Iterator<R>) (Iterator<?>) cursors.get(0);
                rows = it;
            } else {
                List<Iterator<Object[]>> sources = new ArrayList<>();
                for (ShardCursor c : cursors) {
                    sources.add(asRows(c));
                }
                rows = merge(shape, sources, window);
            }
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED), false).onClose(closeAll);
        } catch (RuntimeException e) {
            closeAll.run();
            throw e;
        }
    }

    private static Iterator<Object[]> asRows(Iterator<?> cursor) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return cursor.hasNext();
            }

            @Override
            public Object[] next() {
                Object o = cursor.next();
                return o instanceof Object[] a ? a : new Object[] {o};
            }
        };
    }

    // ---------------------------------------------------------------------- merge

    private record Window(long offset, long limit) {
    }

    /** The offset and limit of the merged rows: the query's own (fetch/offset clauses), then the API's on top. */
    private Window window() {
        QueryPlan.SelectShape shape = plan.select();
        long queryOffset = shape.queryOffset() == null ? 0 : number(shape.queryOffset().resolve(parameters));
        long queryLimit = shape.queryLimit() == null ? -1 : number(shape.queryLimit().resolve(parameters));
        long apiOffset = offset == null ? 0 : offset;
        long apiLimit = limit == null ? -1 : limit;
        long total = queryOffset + apiOffset;
        long lim;
        if (queryLimit < 0) {
            lim = apiLimit;
        } else {
            long remaining = Math.max(0, queryLimit - apiOffset);
            lim = apiLimit < 0 ? remaining : Math.min(remaining, apiLimit);
        }
        return new Window(total, lim);
    }

    private static long number(Object v) {
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("limit/offset must be a number but was " + v);
        }
        return n.longValue();
    }

    private Iterator<R> merge(QueryPlan.SelectShape shape, List<Iterator<Object[]>> sources, Window window) {
        Comparator<String> text = engine.textOrder();
        Function<Object[], R> convert = engine.converter(resultType, shape);
        Iterator<Object[]> rows;
        if (shape.grouped()) {
            rows = grouped(shape, sources, text).iterator();
        } else {
            Comparator<Object[]> order = shape.order().isEmpty() ? null : SortKey.rowOrder(shape.order(), text);
            rows = order == null ? MergedRows.concat(sources) : MergedRows.ordered(sources, order);
            if (shape.distinct()) {
                rows = MergedRows.distinct(rows, shape.visible(), order, engine.identity());
            }
        }
        Iterator<Object[]> windowed = MergedRows.window(rows, window.offset, window.limit);
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

    /** Merges the partial groups of every shard, applies HAVING, computes the output and sorts it. */
    private List<Object[]> grouped(QueryPlan.SelectShape shape, List<Iterator<Object[]>> sources, Comparator<String> text) {
        Map<List<Object>, GroupState> groups = new LinkedHashMap<>();
        for (Iterator<Object[]> source : sources) {
            while (source.hasNext()) {
                Object[] row = source.next();
                List<Object> key = MergedRows.key(row, shape.groupColumns(), engine.identity());
                GroupState g = groups.computeIfAbsent(key, k -> new GroupState(row, shape.aggregates()));
                g.accept(row, text);
            }
        }
        if (shape.global() && groups.isEmpty()) {
            groups.put(List.of(), new GroupState(new Object[shape.shardColumns()], shape.aggregates()));
        }
        List<Object[]> out = new ArrayList<>(groups.size());
        for (GroupState g : groups.values()) {
            if (shape.having() != null && !Boolean.TRUE.equals(shape.having().eval(g, parameters, text))) {
                continue;
            }
            Object[] row = new Object[shape.output().size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = shape.output().get(i).eval(g, parameters, text);
            }
            out.add(row);
        }
        if (shape.distinct()) {
            Set<List<Object>> seen = new java.util.HashSet<>();
            out.removeIf(r -> !seen.add(MergedRows.key(r, shape.visible(), engine.identity())));
        }
        if (!shape.order().isEmpty()) {
            out.sort(SortKey.rowOrder(shape.order(), text));
        }
        return out;
    }

    private static final class GroupState implements PostExpr.Group {
        private final Object[] first;
        private final MergeAggregate.State[] states;

        GroupState(Object[] first, List<MergeAggregate> aggregates) {
            this.first = first;
            this.states = new MergeAggregate.State[aggregates.size()];
            for (int i = 0; i < states.length; i++) {
                states[i] = aggregates.get(i).newState();
            }
        }

        void accept(Object[] row, Comparator<String> text) {
            for (MergeAggregate.State s : states) {
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

    @Override
    public String toString() {
        return "ShardedQuery[" + plan.hql() + "]";
    }

    /** For tests and diagnostics: the per-shard HQL of a fan-out. */
    String shardHql() {
        return plan.select().shardStatement().describe(after);
    }
}
