package io.github.shardingorm.internal.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.stats.OperationKind;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.query.exec.ScatterGather;
import io.github.shardingorm.internal.query.exec.ShardTargets;
import io.github.shardingorm.internal.query.merge.EntityIdentity;
import io.github.shardingorm.internal.query.merge.RowMerge;
import io.github.shardingorm.internal.query.merge.TextOrder;
import io.github.shardingorm.internal.query.plan.QueryPlan;
import io.github.shardingorm.internal.query.plan.SqmQueryAnalyzer;
import io.github.shardingorm.internal.query.value.Parameters;
import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.query.ShardQueryException;
import io.github.shardingorm.query.ShardedQuery;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import jakarta.persistence.criteria.CriteriaQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.query.MutationQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query engine of one sharded persistence unit, the door to the query stages: the plan cache
 * (Caffeine, keyed by query string and result type; criteria queries are analyzed each time), the
 * start of every query (one that can only fan out and cannot is rejected at once), the run-time
 * parts every query shares ({@link QueryRuntime}), and bulk statements (UPDATE/DELETE, native SQL).
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
    private final ShardTargets targets;
    private final QueryRuntime runtime;

    private final RoutingLog routingLog;

    public ShardedQueries(SessionFactoryImplementor sessionFactory, ShardRouter router, ShardSessions sessions, int parallelism) {
        this(sessionFactory, router, sessions, parallelism, RoutingLog.off());
    }

    public ShardedQueries(SessionFactoryImplementor sessionFactory, ShardRouter router, ShardSessions sessions, int parallelism,
                          RoutingLog routingLog) {
        this(sessionFactory, router, sessions, parallelism, routingLog, null);
    }

    /**
     * @param collations each shard's collation as {@link #readCollation} read it at start-up (a shard
     *                   that did not answer is absent: an unknown collation); null: look them up now
     */
    public ShardedQueries(SessionFactoryImplementor sessionFactory, ShardRouter router, ShardSessions sessions, int parallelism,
                          RoutingLog routingLog, Map<String, String> collations) {
        this.routingLog = routingLog;
        this.sessionFactory = sessionFactory;
        this.router = router;
        this.sessions = sessions;
        this.analyzer = new SqmQueryAnalyzer(sessionFactory, router);
        this.scatter = new ScatterGather(parallelism);
        this.targets = new ShardTargets(router);
        this.runtime = new QueryRuntime(targets, sessions, sessionFactory, scatter,
                new RowMerge(shardTextOrder(collations), new EntityIdentity(sessionFactory.getPersistenceUnitUtil())), routingLog);
    }

    /**
     * The shards' text order, from each shard's database collation, read at start-up on every
     * shard in parallel (a shard that cannot answer counts as an unknown collation: text merges
     * are then refused, never guessed). Code point order unless PostgreSQL.
     */
    private TextOrder shardTextOrder(Map<String, String> known) {
        if (!(sessionFactory.getJdbcServices().getDialect() instanceof PostgreSQLDialect)) {
            return TextOrder.codePoint();
        }
        if (known != null) {
            Map<String, String> collations = new LinkedHashMap<>();
            for (String shard : router.shardIds()) {
                collations.put(shard, known.get(shard));
                if (known.get(shard) == null) {
                    LOG.warn("could not read the collation of shard '{}' at start-up: text merges will be refused", shard);
                }
            }
            return textOrder(collations);
        }
        ScatterGather.Outcome<String> outcome = scatter.run(router.shardIds(), (shard, cancellation) ->
                sessions.uncounted().fromReadOnlySession(shard, s -> {
                    Object[] row = s.createNativeQuery(COLLATION_SQL, Object[].class).getSingleResult();
                    return TextOrder.describe((String) row[0], (String) row[1], (String) row[2]);
                }), null, FailurePolicy.PARTIAL, "collation lookup");
        Map<String, String> collations = new LinkedHashMap<>();
        for (String shard : router.shardIds()) {
            collations.put(shard, outcome.results().get(shard));
        }
        outcome.missing().forEach((shard, e) -> LOG.warn("could not read the collation of shard '{}': text merges will be refused ({})",
                shard, e.toString()));
        return textOrder(collations);
    }

    /** The database collation of a PostgreSQL connection's database, described for {@link TextOrder}; null unless PostgreSQL. */
    public static String readCollation(java.sql.Connection connection) throws java.sql.SQLException {
        if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
            return null;
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true); // nothing left to roll back when the connection goes back
        try (java.sql.Statement st = connection.createStatement(); java.sql.ResultSet rs = st.executeQuery(COLLATION_SQL)) {
            return rs.next() ? TextOrder.describe(rs.getString(1), rs.getString(2), rs.getString(3)) : null;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static final String COLLATION_SQL = "select to_jsonb(d) ->> 'datcollate', to_jsonb(d) ->> 'datlocprovider',"
            + " coalesce(to_jsonb(d) ->> 'daticulocale', to_jsonb(d) ->> 'datlocale') from pg_database d"
            + " where d.datname = current_database()";

    private static TextOrder textOrder(Map<String, String> collations) {
        TextOrder order = TextOrder.of(collations);
        if (!order.exact()) {
            LOG.info("shard collations {}: text ORDER BY / MIN / MAX across shards will be refused (exact or refuse);"
                    + " keyed queries are unaffected", collations);
        }
        return order;
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
        if (plan.isMutation()) {
            throw new IllegalArgumentException("an UPDATE or DELETE is run with executeUpdate(), not query(): [" + plan.hql() + "]");
        }
        ShardedQueryImpl<R> query = new ShardedQueryImpl<>(runtime, plan, resultType);
        if (plan.fanOutRejection() != null && plan.routing().keys() == null && plan.routing().sharded() && router.shardIds().size() > 1) {
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
        if (!plan.isMutation()) {
            throw new IllegalArgumentException("executeUpdate() runs an UPDATE or DELETE; use query() for [" + hql + "]");
        }
        if (!plan.routing().sharded()) {
            throw new UnsupportedShardQueryException("UPDATE/DELETE of an entity that is not sharded",
                    "reference tables are copied to every shard; write them with ShardedPersistence.references()", hql);
        }
        Parameters parameters = Parameters.of(parameterValues);
        for (String name : plan.parameters().names()) {
            if (!parameters.hasNamed(name)) {
                throw new IllegalArgumentException("parameter :" + name + " is not bound; statement [" + hql + "]");
            }
        }
        long routedAt = router.mapVersion();
        List<String> shards = targets.of(plan, parameters);
        sessions.context().checkTargets(shards, () -> "executeUpdate [" + hql + "]");
        routingLog.log(plan, parameters, targets.all(), shards, "as written");
        ScatterGather.Outcome<Integer> outcome = scatter.run(shards, (shard, cancellation) ->
                sessions.fromTransaction(shard, false, OperationKind.BULK, session -> {
                    cancellation.attach(session);
                    checkBulkNow(session, shard, hql);
                    if (router.mapVersion() != routedAt && !new java.util.HashSet<>(targets.of(plan, parameters)).equals(new java.util.HashSet<>(shards))) {
                        throw new io.github.shardingorm.ShardTopologyChangedException(shard, List.of(), routedAt, router.mapVersion(),
                                "bulk statement [" + hql + "] was routed to shards " + shards + " by shard map version " + routedAt
                                        + ", which version " + router.mapVersion() + " changed (a bucket moved); retry the statement", null);
                    }
                    MutationQuery q = session.createMutationQuery(hql);
                    parameters.bindTo(q, null);
                    return q.executeUpdate();
                }), null, FailurePolicy.PARTIAL, hql);
        return total(hql, outcome, "bulk statement");
    }

    /** Runs native SQL (DML or DDL) on every shard, in parallel, each in its own transaction. */
    public void executeOnAllShards(String nativeSql) {
        if (nativeSql == null || nativeSql.isBlank()) {
            throw new IllegalArgumentException("SQL must not be null or blank");
        }
        sessions.context().checkTargets(targets.all(), () -> "executeOnAllShards [" + nativeSql + "]");
        ScatterGather.Outcome<Integer> outcome = scatter.run(targets.all(), (shard, cancellation) ->
                sessions.fromTransaction(shard, false, OperationKind.BULK, session -> {
                    cancellation.attach(session);
                    checkBulkNow(session, shard, nativeSql);
                    return session.createNativeMutationQuery(nativeSql).executeUpdate();
                }), null, FailurePolicy.PARTIAL, nativeSql);
        total(nativeSql, outcome, "native statement");
    }

    /**
     * The fence for a bulk statement, on the statement's connection (taken first, so that the
     * check sees a topology at least as new as the version the connection carries).
     */
    private void checkBulkNow(org.hibernate.Session session, String shard, String statement) {
        org.hibernate.resource.jdbc.spi.LogicalConnectionImplementor c =
                ((org.hibernate.engine.spi.SharedSessionContractImplementor) session).getJdbcCoordinator().getLogicalConnection();
        if (!c.isPhysicallyConnected()) {
            c.getPhysicalConnection();
        }
        router.checkBulk(shard, statement);
    }

    private static long total(String statement, ScatterGather.Outcome<Integer> outcome, String what) {
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

    /** The executor of fan-outs, also running the shards of a {@code saveAll} in parallel. */
    public ScatterGather scatter() {
        return scatter;
    }

    public int parallelism() {
        return scatter.parallelism();
    }

    @Override
    public void close() {
        scatter.close();
    }
}
