package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import jakarta.persistence.criteria.CriteriaQuery;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.query.sqm.tree.SqmCopyContext;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.query.sqm.tree.cte.SqmCteContainer;
import org.hibernate.query.sqm.tree.delete.SqmDeleteStatement;
import org.hibernate.query.sqm.tree.from.SqmFrom;
import org.hibernate.query.sqm.tree.from.SqmRoot;
import org.hibernate.query.sqm.tree.insert.SqmInsertStatement;
import org.hibernate.query.sqm.tree.predicate.SqmPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmWhereClause;
import org.hibernate.query.sqm.tree.select.SqmQuerySpec;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;
import org.hibernate.query.sqm.tree.update.SqmAssignment;
import org.hibernate.query.sqm.tree.update.SqmUpdateStatement;

/**
 * The entry to the analysis, and with the other classes of this package the ONE reader of
 * Hibernate's semantic query model (SQM), much of which is incubating: it parses a query with
 * Hibernate's own HQL translator and turns the tree into a {@link QueryPlan} that the later stages
 * read without Hibernate's query internals (the per-shard select they copy aside).
 * {@code SqmQueryAnalyzerTest} pins the behaviour to the Hibernate version in use.
 *
 * <h2>What it decides</h2>
 * <ul>
 *   <li><b>Co-location</b> ({@link Colocation}, always, even for one shard): every sharded entity
 *       the statement touches must be tied to the first one by equality of shard keys; otherwise
 *       the query is rejected.</li>
 *   <li><b>Routing</b> ({@link KeyConstraints}): key {@code =}/{@code IN} and ranges under AND,
 *       shard-aware ids, as a {@link ShardPredicate} evaluated once the parameters are bound.</li>
 *   <li><b>The per-shard query and the merge</b> ({@link SelectShaper}): plain queries keep their
 *       select list (ORDER BY expressions not selected are appended as hidden columns) and ask each
 *       shard for offset+limit rows; grouped queries ({@link GroupedShaper}) ask each shard for its
 *       group keys and partial aggregates ({@link AggregateRewrite}: AVG as SUM and COUNT,
 *       COUNT(DISTINCT x) by grouping on x as well) and compute HAVING, the select list and ORDER
 *       BY after the merge ({@link PostMergeTranslator}).</li>
 *   <li><b>What cannot fan out</b>: window functions, COLLATE or ignore-case ordering, aggregates
 *       other than COUNT/SUM/MIN/MAX/AVG, SUM/AVG(DISTINCT), ROLLUP/CUBE, expressions over
 *       aggregates other than arithmetic, FETCH ... WITH TIES/PERCENT. Such a query still runs
 *       when its key routes it to one shard.</li>
 *   <li><b>Always rejected</b>: set operations (UNION...), CTEs, INSERT, non-co-located joins and
 *       subqueries, UPDATE of the shard key.</li>
 * </ul>
 */
public final class SqmQueryAnalyzer {

    private final SessionFactoryImplementor sessionFactory;
    private final ShardedPaths paths;

    public SqmQueryAnalyzer(SessionFactoryImplementor sessionFactory, ShardRouter router) {
        this.sessionFactory = sessionFactory;
        this.paths = new ShardedPaths(router);
    }

    /**
     * Analyzes a criteria query built with this session factory's criteria builder. The query is
     * copied: later changes to it do not affect the plan.
     */
    public QueryPlan analyze(CriteriaQuery<?> criteria) {
        if (!(criteria instanceof SqmSelectStatement<?> statement)) {
            throw new IllegalArgumentException("not a Hibernate criteria query (build it with sessionFactory().getCriteriaBuilder()): "
                    + criteria.getClass().getName());
        }
        SqmSelectStatement<?> asWritten = statement.copy(SqmCopyContext.simpleContext());
        SqmSelectStatement<?> analyzed = statement.copy(SqmCopyContext.simpleContext());
        return plan(describe(statement), analyzed).forCriteria(asWritten);
    }

    private static String describe(SqmSelectStatement<?> statement) {
        try {
            return "criteria: " + statement.toHqlString();
        } catch (RuntimeException e) {
            return "criteria query " + statement;
        }
    }

    /**
     * Analyzes a select, update or delete statement.
     *
     * @throws UnsupportedShardQueryException when no sharded execution can answer it exactly
     * @throws IllegalArgumentException when Hibernate cannot parse it
     */
    public QueryPlan analyze(String hql) {
        SqmStatement<?> statement;
        try {
            statement = sessionFactory.getQueryEngine().getHqlTranslator().translate(hql, null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot parse query [" + hql + "]: " + e.getMessage(), e);
        }
        return plan(hql, statement);
    }

    /** One analysis of a statement this analyzer owns (the select rewrite changes it in place). */
    private QueryPlan plan(String hql, SqmStatement<?> statement) {
        Analysis analysis = new Analysis(hql);
        if (statement instanceof SqmCteContainer ctes && !ctes.getCteStatements().isEmpty()) {
            throw analysis.unsupported("WITH (common table expression)", "each shard would evaluate it over its own rows only");
        }
        QueryPlan.DeclaredParameters parameters = QueryPlan.DeclaredParameters.of(statement);
        KeyConstraints keys = new KeyConstraints(paths);
        if (statement instanceof SqmSelectStatement<?> select) {
            if (!(select.getQueryPart() instanceof SqmQuerySpec<?> spec)) {
                throw analysis.unsupported("UNION/INTERSECT/EXCEPT", "set operations are not merged across shards; run each part as its own query");
            }
            StatementStructure structure = analysis.structure(statement);
            SqmFrom<?, ?> anchor = new Colocation(analysis, paths).checkSelect(structure, spec);
            ShardPredicate routing = keys.of(predicate(spec.getWhereClause()));
            if (structure.window()) {
                analysis.rejectFanOut("window function", "a window spans rows of several shards");
            }
            SelectShape shape = new SelectShaper(analysis, select, spec, paths).shape();
            return QueryPlan.ofSelect(hql, anchor == null ? QueryPlan.Routing.referenceOnly() : QueryPlan.Routing.sharded(routing),
                    parameters, shape, analysis.fanOutRejection());
        }
        if (statement instanceof SqmUpdateStatement<?> update) {
            StatementStructure structure = analysis.structure(statement);
            SqmRoot<?> target = update.getTarget();
            ShardedEntityModel model = paths.modelOrNull(target.getJavaType());
            if (model != null) {
                for (SqmAssignment<?> assignment : update.getSetClause().getAssignments()) {
                    if (model.keyAttribute().equals(assignment.getTargetPath().getNavigablePath().getLocalName())) {
                        throw analysis.unsupported("UPDATE of the shard key " + model.entityName() + "." + model.keyAttribute(),
                                "the rows would have to move to another shard; delete and re-insert them instead");
                    }
                }
            }
            new Colocation(analysis, paths).checkMutation(structure, target, predicate(update.getWhereClause()));
            ShardPredicate routing = keys.of(predicate(update.getWhereClause()));
            return QueryPlan.ofMutation(hql, model == null ? QueryPlan.Routing.referenceOnly() : QueryPlan.Routing.sharded(routing), parameters);
        }
        if (statement instanceof SqmDeleteStatement<?> delete) {
            StatementStructure structure = analysis.structure(statement);
            SqmRoot<?> target = delete.getTarget();
            new Colocation(analysis, paths).checkMutation(structure, target, predicate(delete.getWhereClause()));
            ShardPredicate routing = keys.of(predicate(delete.getWhereClause()));
            boolean sharded = paths.modelOrNull(target.getJavaType()) != null;
            return QueryPlan.ofMutation(hql, sharded ? QueryPlan.Routing.sharded(routing) : QueryPlan.Routing.referenceOnly(), parameters);
        }
        if (statement instanceof SqmInsertStatement<?>) {
            throw analysis.unsupported("INSERT ... SELECT", "insert through the repositories, which route each row");
        }
        throw analysis.unsupported(statement.getClass().getSimpleName(), "unknown statement kind");
    }

    private static SqmPredicate predicate(SqmWhereClause where) {
        return where == null ? null : where.getPredicate();
    }
}
