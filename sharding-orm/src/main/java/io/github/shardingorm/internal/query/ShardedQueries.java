package io.github.shardingorm.internal.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.query.ShardQueryException;
import io.github.shardingorm.query.ShardedQuery;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import jakarta.persistence.Entity;
import jakarta.persistence.criteria.CriteriaQuery;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.hibernate.Hibernate;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.query.MutationQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query engine of one sharded persistence unit: the plan cache (Caffeine, keyed by query
 * string and result type), the scatter-gather executor, and bulk statements.
 */
public final class ShardedQueries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardedQueries.class);
    private static final int PLAN_CACHE_SIZE = 2048;

    private record PlanKey(String hql, Class<?> resultType) {
    }

    private final SessionFactoryImplementor sessionFactory;
    private final ShardRouter router;
    private final ShardSessions sessions;
    private final SqmQueryAnalyzer analyzer;
    private final ScatterGather scatter;
    private final Cache<PlanKey, QueryPlan> plans = Caffeine.newBuilder().maximumSize(PLAN_CACHE_SIZE).build();
    private volatile Comparator<String> textOrder;

    public ShardedQueries(SessionFactoryImplementor sessionFactory, ShardRouter router, ShardSessions sessions, int parallelism) {
        this.sessionFactory = sessionFactory;
        this.router = router;
        this.sessions = sessions;
        this.analyzer = new SqmQueryAnalyzer(sessionFactory, router);
        this.scatter = new ScatterGather(parallelism);
    }

    public <R> ShardedQuery<R> query(String hql, Class<R> resultType) {
        if (hql == null || hql.isBlank()) {
            throw new IllegalArgumentException("query must not be null or blank");
        }
        if (resultType == null) {
            throw new IllegalArgumentException("result type must not be null");
        }
        return start(plan(hql, resultType), resultType);
    }

    private <R> ShardedQuery<R> start(QueryPlan plan, Class<R> resultType) {
        if (plan.mutation()) {
            throw new IllegalArgumentException("an UPDATE or DELETE is run with executeUpdate(), not query(): [" + plan.hql() + "]");
        }
        ShardedQueryImpl<R> query = new ShardedQueryImpl<>(this, plan, resultType);
        if (plan.fanOutRejection() != null && plan.routing() == null && !plan.anyShard() && router.shardIds().size() > 1) {
            // No key constraint at all: it can only fan out, so reject now rather than at the first run.
            query.checkFanOut();
        }
        return query;
    }

    /** A criteria query: analyzed each time (criteria objects are mutable, so their plans are not cached). */
    public <R> ShardedQuery<R> query(CriteriaQuery<R> criteria) {
        if (criteria == null) {
            throw new IllegalArgumentException("criteria query must not be null");
        }
        return start(analyzer.analyze(criteria), criteria.getResultType());
    }

    QueryPlan plan(String hql, Class<?> resultType) {
        PlanKey key = new PlanKey(hql, resultType);
        QueryPlan plan = plans.getIfPresent(key);
        if (plan == null) {
            plan = analyzer.analyze(hql);
            plans.put(key, plan);
        }
        return plan;
    }

    /**
     * Runs an UPDATE or DELETE on every shard its WHERE clause may touch, in parallel, each shard
     * in its own transaction. Atomic per shard, not across shards.
     *
     * @return the total number of rows changed
     */
    public long executeUpdate(String hql, Map<String, ?> parameterValues) {
        QueryPlan plan = plan(hql, Void.class);
        if (!plan.mutation()) {
            throw new IllegalArgumentException("executeUpdate() runs an UPDATE or DELETE; use query() for [" + hql + "]");
        }
        if (plan.anyShard()) {
            throw new UnsupportedShardQueryException("UPDATE/DELETE of an entity that is not sharded",
                    "reference tables are copied to every shard; write them with ShardedPersistence.references()", hql);
        }
        Parameters parameters = Parameters.of(parameterValues);
        for (String name : plan.parameterNames()) {
            if (!parameters.hasNamed(name)) {
                throw new IllegalArgumentException("parameter :" + name + " is not bound; statement [" + hql + "]");
            }
        }
        List<String> targets = targets(plan, parameters);
        ScatterGather.Outcome<Integer> outcome = scatter.run(targets, (shard, cancellation) ->
                sessions.fromTransaction(shard, false, session -> {
                    cancellation.attach(session);
                    MutationQuery q = session.createMutationQuery(hql);
                    parameters.bindTo(q, null);
                    return q.executeUpdate();
                }), null, FailurePolicy.PARTIAL, hql);
        return total(hql, targets, outcome, "bulk statement");
    }

    /** Runs native SQL (DML or DDL) on every shard, in parallel, each in its own transaction. */
    public void executeOnAllShards(String nativeSql) {
        if (nativeSql == null || nativeSql.isBlank()) {
            throw new IllegalArgumentException("SQL must not be null or blank");
        }
        List<String> targets = router.shardIds();
        ScatterGather.Outcome<Integer> outcome = scatter.run(targets, (shard, cancellation) ->
                sessions.fromTransaction(shard, false, session -> {
                    cancellation.attach(session);
                    return session.createNativeMutationQuery(nativeSql).executeUpdate();
                }), null, FailurePolicy.PARTIAL, nativeSql);
        total(nativeSql, targets, outcome, "native statement");
    }

    private static long total(String statement, List<String> targets, ScatterGather.Outcome<Integer> outcome, String what) {
        if (!outcome.missing().isEmpty()) {
            List<String> committed = new ArrayList<>(outcome.results().keySet());
            throw new ShardQueryException(statement + "] (" + what + "s are atomic per shard, not across shards: committed on "
                    + committed + ", failed on " + outcome.missing().keySet(), outcome.missing(), List.of());
        }
        long sum = 0;
        for (Integer n : outcome.results().values()) {
            sum += n;
        }
        return sum;
    }

    private List<String> targets(QueryPlan plan, Parameters parameters) {
        List<String> all = router.shardIds();
        if (plan.routing() == null) {
            return all;
        }
        var pruned = plan.routing().shards(router, parameters);
        if (pruned == null) {
            return all;
        }
        if (pruned.isEmpty()) {
            return List.of();
        }
        return all.stream().filter(pruned::contains).toList();
    }

    // ---------------------------------------------------------------------- shared by queries

    ShardRouter router() {
        return router;
    }

    ShardSessions sessions() {
        return sessions;
    }

    ScatterGather scatter() {
        return scatter;
    }

    SessionFactoryImplementor sessionFactory() {
        return sessionFactory;
    }

    public int parallelism() {
        return scatter.parallelism();
    }

    /** How the shards order text, read once from the first shard's collation. */
    Comparator<String> textOrder() {
        Comparator<String> t = textOrder;
        if (t == null) {
            t = TextOrder.CODE_POINT;
            if (sessionFactory.getJdbcServices().getDialect() instanceof PostgreSQLDialect) {
                try {
                    String collation = sessions.fromTransaction(router.shardIds().get(0), true, s -> s.createNativeQuery(
                            "select datcollate from pg_database where datname = current_database()", String.class).getSingleResult());
                    t = TextOrder.forCollation(collation);
                    if (t != TextOrder.CODE_POINT) {
                        LOG.warn("shards use the collation {}: text ORDER BY across shards is merged with java.text.Collator, which may "
                                + "order some strings differently from PostgreSQL; use a C collation for exact merges", collation);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("could not read the shards' collation, merging text in code point order: {}", e.toString());
                    return t;
                }
            }
            textOrder = t;
        }
        return t;
    }

    /** DISTINCT/GROUP BY identity of a value: entities by class and id. */
    UnaryOperator<Object> identity() {
        return v -> {
            Class<?> type = Hibernate.getClass(v);
            if (type.isAnnotationPresent(Entity.class)) {
                return List.of(type, sessionFactory.getPersistenceUnitUtil().getIdentifier(v));
            }
            return v;
        };
    }

    /** Turns a merged row (its first {@code visible} values) into the result type. */
    @SuppressWarnings("unchecked")
    <R> Function<Object[], R> converter(Class<R> resultType, QueryPlan.SelectShape shape) {
        int visible = shape.visible();
        if (shape.instantiation() != null) {
            return (Function<Object[], R>) instantiate(shape.instantiation(), visible);
        }
        if (resultType == Object[].class) {
            return row -> (R) (row.length == visible ? row : Arrays.copyOf(row, visible));
        }
        if (visible == 1) {
            return row -> (R) row[0];
        }
        if (resultType == Object.class) {
            return row -> (R) Arrays.copyOf(row, visible);
        }
        return instantiate(resultType, visible);
    }

    private static <R> Function<Object[], R> instantiate(Class<R> type, int arity) {
        List<Constructor<?>> candidates = new ArrayList<>();
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (c.getParameterCount() == arity) {
                candidates.add(c);
            }
        }
        if (candidates.isEmpty()) {
            throw new ShardingException("cannot build " + type.getName() + " from " + arity + " selected values: it has no constructor with "
                    + arity + " parameters (use Object[] as the result type)");
        }
        return row -> {
            Object[] args = Arrays.copyOf(row, arity);
            for (Constructor<?> c : candidates) {
                if (accepts(c.getParameterTypes(), args)) {
                    try {
                        c.setAccessible(true);
                        return type.cast(c.newInstance(args));
                    } catch (ReflectiveOperationException e) {
                        throw new ShardingException("cannot build " + type.getName() + " from " + Arrays.toString(args) + ": " + e, e);
                    }
                }
            }
            throw new ShardingException("no constructor of " + type.getName() + " accepts " + Arrays.toString(args));
        };
    }

    private static boolean accepts(Class<?>[] types, Object[] args) {
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i].isPrimitive() ? box(types[i]) : types[i];
            if (args[i] == null ? types[i].isPrimitive() : !t.isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> box(Class<?> p) {
        return p == int.class ? Integer.class : p == long.class ? Long.class : p == double.class ? Double.class
                : p == boolean.class ? Boolean.class : p == float.class ? Float.class : p == short.class ? Short.class
                : p == byte.class ? Byte.class : Character.class;
    }

    @Override
    public void close() {
        scatter.close();
    }
}
