package io.github.shardingorm.internal.query;

import io.github.shardingorm.internal.jdbc.ReadContext;
import io.github.shardingorm.internal.query.plan.QueryPlan;
import io.github.shardingorm.internal.query.plan.SelectShape;
import io.github.shardingorm.internal.query.statement.ShardStatement;
import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.query.ShardedQuery;
import io.github.shardingorm.query.ShardedResult;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import jakarta.persistence.NonUniqueResultException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An immutable sharded select query: a cached {@link QueryPlan} plus {@link QueryOptions}; every
 * setter returns a copy, nothing runs before {@link #list()}, {@link #single()}, {@link #result()}
 * or {@link #stream()}.
 *
 * <h2>A run</h2>
 * <ol>
 *   <li><b>Targets</b>: the plan's routing, with the parameters now bound, picks the shards
 *       ({@code exec.ShardTargets}). A plan that cannot fan out is rejected here if they are
 *       several, before any shard is asked. None when the keys match no shard and the merge alone
 *       gives the answer (no rows, zero counts): the fan-out path then merges no shard rows.</li>
 *   <li><b>Direct path</b> ({@link DirectPath}): one target and no keyset, which is every keyed
 *       query. The shard runs the query as written, with Hibernate's own result type, limit and
 *       offset; nothing is rewritten or merged.</li>
 *   <li><b>Fan-out</b> ({@link FanOutPath}): several targets, or a keyset. Every target runs the
 *       plan's per-shard select in parallel on the scatter-gather pool. For plain rows each shard is
 *       asked for offset + limit rows in the query's order (a row of the merged window is among the
 *       first offset + limit of its shard); the merge reads them by a k-way merge, skips the offset
 *       and stops at the limit. For grouped rows each shard returns all its partial groups.</li>
 *   <li><b>Keyset</b> ({@code after(...)}): always the fan-out path, even on one shard, since the
 *       keyset predicate is added to the per-shard select; each shard returns only rows strictly
 *       after the given ORDER BY values.</li>
 *   <li><b>Cursors</b> ({@code stream()}): the same two paths over one forward-only cursor per
 *       shard (a stateless session, {@code fetchSize} rows at a time), opened in parallel and closed
 *       with the stream; the k-way merge pulls one row per shard at a time. A grouped query is
 *       merged in memory first.</li>
 * </ol>
 */
final class ShardedQueryImpl<R> implements ShardedQuery<R> {

    static final int DEFAULT_FETCH_SIZE = 1000;

    private final QueryRuntime runtime;
    private final QueryPlan plan;
    private final Class<R> resultType;
    private final QueryOptions options;

    ShardedQueryImpl(QueryRuntime runtime, QueryPlan plan, Class<R> resultType) {
        this(runtime, plan, resultType, QueryOptions.defaults(DEFAULT_FETCH_SIZE));
    }

    private ShardedQueryImpl(QueryRuntime runtime, QueryPlan plan, Class<R> resultType, QueryOptions options) {
        this.runtime = runtime;
        this.plan = plan;
        this.resultType = resultType;
        this.options = options;
    }

    private ShardedQueryImpl<R> with(QueryOptions o) {
        return new ShardedQueryImpl<>(runtime, plan, resultType, o);
    }

    // ---------------------------------------------------------------------- fluent setters

    @Override
    public ShardedQuery<R> param(String name, Object value) {
        return with(options.withParameters(options.parameters().with(name, value)));
    }

    @Override
    public ShardedQuery<R> param(int position, Object value) {
        return with(options.withParameters(options.parameters().with(position, value)));
    }

    @Override
    public ShardedQuery<R> limit(int maxRows) {
        if (maxRows < 0) {
            throw new IllegalArgumentException("limit must be >= 0 but was " + maxRows);
        }
        return with(options.withLimit(maxRows));
    }

    @Override
    public ShardedQuery<R> offset(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("offset must be >= 0 but was " + rows);
        }
        return with(options.withOffset(rows));
    }

    @Override
    public ShardedQuery<R> timeout(Duration t) {
        if (t == null || t.isNegative() || t.isZero()) {
            throw new IllegalArgumentException("timeout must be positive but was " + t);
        }
        return with(options.withTimeout(t));
    }

    @Override
    public ShardedQuery<R> readFrom(io.github.shardingorm.health.ReadFrom from) {
        if (from == null) {
            throw new IllegalArgumentException("read-from must not be null");
        }
        return with(options.withReadFrom(from));
    }

    @Override
    public ShardedQuery<R> failurePolicy(FailurePolicy p) {
        if (p == null) {
            throw new IllegalArgumentException("failure policy must not be null");
        }
        return with(options.withPolicy(p));
    }

    @Override
    public ShardedQuery<R> fetchSize(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("fetch size must be >= 1 but was " + rows);
        }
        return with(options.withFetchSize(rows));
    }

    @Override
    public ShardedQuery<R> after(Object... lastRowSortValues) {
        SelectShape shape = plan.select();
        if (shape.isGrouped()) {
            throw new UnsupportedShardQueryException("after(...) on a grouped query", "keyset pagination needs plain rows", plan.hql());
        }
        if (shape.order().isEmpty()) {
            throw new IllegalArgumentException("after(...) needs an ORDER BY; query [" + plan.hql() + "]");
        }
        if (lastRowSortValues == null || lastRowSortValues.length != shape.order().size()) {
            throw new IllegalArgumentException("after(...) needs " + shape.order().size() + " values, one per ORDER BY item, but got " + (lastRowSortValues == null ? 0 : lastRowSortValues.length));
        }
        for (int i = 0; i < lastRowSortValues.length; i++) {
            Object v = lastRowSortValues[i];
            if (v != null && !(v instanceof java.math.BigDecimal) && shape.numericText().contains(shape.order().get(i).column())) {
                throw new IllegalArgumentException("after(...) value " + (i + 1) + " (" + v + ", a " + v.getClass().getSimpleName()
                        + ") is for an ORDER BY value that PostgreSQL orders as a numeric (an avg(...), or arithmetic with a decimal "
                        + "literal, a sum of bigints) while JPQL reads it as a " + v.getClass().getSimpleName() + ": different numerics read as one "
                        + v.getClass().getSimpleName() + ", so the page would not start exactly after the last row. Pass the exact "
                        + "value as a BigDecimal (select and order by e.g. cast(avg(x) as BigDecimal) and pass the values it returns); "
                        + "query [" + plan.hql() + "]");
            }
        }
        return with(options.withAfter(lastRowSortValues.clone()));
    }

    // ---------------------------------------------------------------------- routing

    @Override
    public Set<String> targetShards() {
        return new LinkedHashSet<>(targets());
    }

    private List<String> targets() {
        checkParameters();
        return runtime.targets().of(plan, options.parameters());
    }

    private void checkParameters() {
        for (String name : plan.parameters().names()) {
            if (!options.parameters().hasNamed(name)) {
                throw new IllegalArgumentException("parameter :" + name + " is not bound; query [" + plan.hql() + "]");
            }
        }
        for (int position : plan.parameters().positions()) {
            if (!options.parameters().hasPositional(position)) {
                throw new IllegalArgumentException("parameter ?" + position + " is not bound; query [" + plan.hql() + "]");
            }
        }
    }

    /** Throws the fan-out rejection when the query (with no parameters bound yet) can only fan out. */
    void checkFanOut() {
        checkFanOut(runtime.targets().all());
    }

    private void checkFanOut(List<String> targets) {
        if (targets.size() > 1 && plan.fanOutRejection() != null) {
            throw new UnsupportedShardQueryException(plan.fanOutRejection(), "the query routes to " + targets.size()
                    + " shards " + targets + "; it runs only when its shard key pins one shard", plan.hql());
        }
    }

    private boolean direct(List<String> targets) {
        return targets.size() == 1 && options.after() == null;
    }

    // ---------------------------------------------------------------------- running

    @Override
    public List<R> list() {
        ShardedResult<R> result = result();
        return result.rows();
    }

    @Override
    public Optional<R> single() {
        Integer limit = options.limit();
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
        runtime.sessions().context().checkTargets(targets, () -> "query [" + plan.hql() + "]");
        logRouting(targets);
        try (ReadContext.Scope reads = options.readFrom() == null ? () -> { } : ReadContext.with(options.readFrom(), -1)) {
            return direct(targets) ? DirectPath.list(runtime, plan, resultType, options, targets.get(0))
                    : FanOutPath.list(runtime, plan, resultType, options, targets);
        }
    }

    @Override
    public Stream<R> stream() {
        List<String> targets = targets();
        checkFanOut(targets);
        runtime.sessions().context().checkTargets(targets, () -> "query [" + plan.hql() + "]");
        if (plan.select().isGrouped()) {
            return list().stream();
        }
        logRouting(targets);
        return direct(targets) ? DirectPath.stream(runtime, plan, resultType, options, targets.get(0))
                : FanOutPath.stream(runtime, plan, resultType, options, targets);
    }

    private void logRouting(List<String> targets) {
        if (runtime.routingLog().enabled()) {
            runtime.routingLog().log(plan, options.parameters(), runtime.targets().all(), targets,
                    direct(targets) ? "as written" : "[" + shardHql() + "]");
        }
    }

    @Override
    public String toString() {
        return "ShardedQuery[" + plan.hql() + "]";
    }

    /** For tests and diagnostics: the per-shard HQL of a fan-out. */
    String shardHql() {
        return ShardStatement.describe(plan.select(), options.after());
    }
}
