package io.github.shardingorm.internal.query;

import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Nulls;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.query.SortDirection;
import org.hibernate.query.criteria.HibernateCriteriaBuilder;
import org.hibernate.query.common.FetchClauseType;
import org.hibernate.query.sqm.BinaryArithmeticOperator;
import org.hibernate.query.sqm.ComparisonOperator;
import org.hibernate.query.sqm.DynamicInstantiationNature;
import org.hibernate.query.sqm.UnaryArithmeticOperator;
import org.hibernate.query.sqm.spi.BaseSemanticQueryWalker;
import org.hibernate.query.sqm.tree.SqmCopyContext;
import org.hibernate.query.sqm.tree.SqmRenderContext;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.query.sqm.tree.SqmVisitableNode;
import org.hibernate.query.sqm.tree.cte.SqmCteContainer;
import org.hibernate.query.sqm.tree.delete.SqmDeleteStatement;
import org.hibernate.query.sqm.tree.domain.SqmPath;
import org.hibernate.query.sqm.tree.expression.SqmAggregateFunction;
import org.hibernate.query.sqm.tree.expression.SqmAliasedNodeRef;
import org.hibernate.query.sqm.tree.expression.SqmBinaryArithmetic;
import org.hibernate.query.sqm.tree.expression.SqmCollation;
import org.hibernate.query.sqm.tree.expression.SqmDistinct;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.expression.SqmFunction;
import org.hibernate.query.sqm.tree.expression.SqmLiteral;
import org.hibernate.query.sqm.tree.expression.SqmOver;
import org.hibernate.query.sqm.tree.expression.SqmParameter;
import org.hibernate.query.sqm.tree.expression.SqmStar;
import org.hibernate.query.sqm.tree.expression.SqmSummarization;
import org.hibernate.query.sqm.tree.expression.SqmUnaryOperation;
import org.hibernate.query.sqm.tree.from.SqmFrom;
import org.hibernate.query.sqm.tree.from.SqmJoin;
import org.hibernate.query.sqm.tree.from.SqmRoot;
import org.hibernate.query.sqm.tree.insert.SqmInsertStatement;
import org.hibernate.query.sqm.tree.predicate.SqmBetweenPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmComparisonPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmGroupedPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmInListPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmJunctionPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmNegatedPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmNullnessPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmPredicate;
import org.hibernate.query.sqm.tree.select.SqmDynamicInstantiation;
import org.hibernate.query.sqm.tree.select.SqmQuerySpec;
import org.hibernate.query.sqm.tree.select.SqmSelectClause;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;
import org.hibernate.query.sqm.tree.select.SqmSelectableNode;
import org.hibernate.query.sqm.tree.select.SqmSelection;
import org.hibernate.query.sqm.tree.select.SqmSortSpecification;
import org.hibernate.query.sqm.tree.select.SqmSubQuery;
import org.hibernate.query.sqm.tree.update.SqmAssignment;
import org.hibernate.query.sqm.tree.update.SqmUpdateStatement;

/**
 * The ONE adapter to Hibernate's semantic query model (SQM), much of which is incubating: it
 * parses a query with Hibernate's own HQL translator and turns the tree into a {@link QueryPlan}
 * that no other class needs Hibernate's query internals to read. {@code SqmQueryAnalyzerTest}
 * pins its behaviour to the Hibernate version in use.
 *
 * <h2>What it decides</h2>
 * <ul>
 *   <li><b>Co-location</b> (always, even for one shard): every sharded entity the statement
 *       touches (roots, joins, subqueries) must be tied to the first one by equality of shard keys
 *       (or of both keys to the same value) in a WHERE or ON conjunct; otherwise rows that belong
 *       together may sit on different shards, and the query is rejected.</li>
 *   <li><b>Routing</b>: key {@code =}/{@code IN} and ranges under AND, shard-aware ids
 *       ({@link ShardPredicate}).</li>
 *   <li><b>The per-shard query and the merge</b>: plain queries keep their select list (ORDER BY
 *       expressions not selected are appended as hidden columns) and ask each shard for
 *       offset+limit rows; grouped queries ask each shard for its group keys and partial
 *       aggregates (AVG as SUM and COUNT, COUNT(DISTINCT x) by grouping on x as well) and compute
 *       HAVING, the select list and ORDER BY after the merge ({@link PostExpr}).</li>
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
    private final ShardRouter router;

    public SqmQueryAnalyzer(SessionFactoryImplementor sessionFactory, ShardRouter router) {
        this.sessionFactory = sessionFactory;
        this.router = router;
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
        SqmSelectStatement<?> direct = statement.copy(SqmCopyContext.simpleContext());
        SqmSelectStatement<?> analyzed = statement.copy(SqmCopyContext.simpleContext());
        return new Analysis(describe(statement), analyzed, () -> {
            synchronized (direct) {
                return direct.copy(SqmCopyContext.simpleContext());
            }
        }).plan();
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
        return new Analysis(hql, statement, null).plan();
    }

    /** One analysis; not thread-safe, used once. */
    private final class Analysis {

        private final String hql;
        private final SqmStatement<?> statement;
        private final java.util.function.Supplier<CriteriaQuery<?>> direct;
        private final SqmRenderContext context = SqmRenderContext.simpleContext();
        private final Map<Object, Object> unionFind = new IdentityHashMap<>();
        private final Map<String, Object> valueNodes = new HashMap<>();
        private final List<SqmFrom<?, ?>> shardedFroms = new ArrayList<>();
        private String fanOutRejection;

        Analysis(String hql, SqmStatement<?> statement, java.util.function.Supplier<CriteriaQuery<?>> direct) {
            this.hql = hql;
            this.statement = statement;
            this.direct = direct;
        }

        QueryPlan plan() {
            if (statement instanceof SqmCteContainer ctes && !ctes.getCteStatements().isEmpty()) {
                throw unsupported("WITH (common table expression)", "each shard would evaluate it over its own rows only");
            }
            Set<String> names = new LinkedHashSet<>();
            Set<Integer> positions = new LinkedHashSet<>();
            for (SqmParameter<?> p : statement.getSqmParameters()) {
                if (p.getName() != null) {
                    names.add(p.getName());
                } else if (p.getPosition() != null) {
                    positions.add(p.getPosition());
                }
            }
            if (statement instanceof SqmSelectStatement<?> select) {
                if (!(select.getQueryPart() instanceof SqmQuerySpec<?> spec)) {
                    throw unsupported("UNION/INTERSECT/EXCEPT", "set operations are not merged across shards; run each part as its own query");
                }
                Structure structure = structure(statement);
                SqmFrom<?, ?> anchor = checkColocation(structure, spec);
                ShardPredicate routing = routing(spec.getWhereClause() == null ? null : spec.getWhereClause().getPredicate());
                if (structure.window) {
                    fanOutRejection("window function", "a window spans rows of several shards");
                }
                QueryPlan.SelectShape shape = new SelectShaper(select, spec).shape();
                return new QueryPlan(hql, direct, false, routing, anchor == null, fanOutRejection, shape, Set.copyOf(names), Set.copyOf(positions));
            }
            if (statement instanceof SqmUpdateStatement<?> update) {
                Structure structure = structure(statement);
                SqmRoot<?> target = update.getTarget();
                ShardedEntityModel model = router.modelOrNull(target.getJavaType());
                if (model != null) {
                    for (SqmAssignment<?> assignment : update.getSetClause().getAssignments()) {
                        if (model.keyAttribute().equals(assignment.getTargetPath().getNavigablePath().getLocalName())) {
                            throw unsupported("UPDATE of the shard key " + model.entityName() + "." + model.keyAttribute(),
                                    "the rows would have to move to another shard; delete and re-insert them instead");
                        }
                    }
                }
                checkMutationColocation(structure, target, update.getWhereClause() == null ? null : update.getWhereClause().getPredicate());
                ShardPredicate routing = routing(update.getWhereClause() == null ? null : update.getWhereClause().getPredicate());
                return new QueryPlan(hql, null, true, routing, model == null, null, null, Set.copyOf(names), Set.copyOf(positions));
            }
            if (statement instanceof SqmDeleteStatement<?> delete) {
                Structure structure = structure(statement);
                SqmRoot<?> target = delete.getTarget();
                checkMutationColocation(structure, target, delete.getWhereClause() == null ? null : delete.getWhereClause().getPredicate());
                ShardPredicate routing = routing(delete.getWhereClause() == null ? null : delete.getWhereClause().getPredicate());
                return new QueryPlan(hql, null, true, routing, router.modelOrNull(target.getJavaType()) == null, null, null,
                        Set.copyOf(names), Set.copyOf(positions));
            }
            if (statement instanceof SqmInsertStatement<?>) {
                throw unsupported("INSERT ... SELECT", "insert through the repositories, which route each row");
            }
            throw unsupported(statement.getClass().getSimpleName(), "unknown statement kind");
        }

        // ------------------------------------------------------------------ co-location

        private void checkMutationColocation(Structure structure, SqmRoot<?> target, SqmPredicate where) {
            for (SqmQuerySpec<?> spec : structure.specs) {
                collectEqualities(spec);
            }
            collectConjunctEqualities(where);
            SqmFrom<?, ?> anchor = router.modelOrNull(target.getJavaType()) != null ? target : null;
            List<SqmFrom<?, ?>> all = new ArrayList<>();
            if (anchor != null) {
                all.add(target);
            }
            for (SqmQuerySpec<?> spec : structure.specs) {
                all.addAll(shardedFroms(spec));
            }
            requireColocated(anchor, all);
        }

        private SqmFrom<?, ?> checkColocation(Structure structure, SqmQuerySpec<?> main) {
            for (SqmQuerySpec<?> spec : structure.specs) {
                collectEqualities(spec);
            }
            List<SqmFrom<?, ?>> all = new ArrayList<>(shardedFroms(main));
            SqmFrom<?, ?> anchor = all.isEmpty() ? null : all.get(0);
            for (SqmQuerySpec<?> spec : structure.specs) {
                if (spec != main) {
                    all.addAll(shardedFroms(spec));
                }
            }
            requireColocated(anchor, all);
            shardedFroms.addAll(shardedFroms(main));
            return anchor;
        }

        private void requireColocated(SqmFrom<?, ?> anchor, List<SqmFrom<?, ?>> all) {
            for (SqmFrom<?, ?> from : all) {
                if (anchor == null) {
                    throw unsupported("subquery over the sharded entity " + model(from).entityName(),
                            "the outer query reads no sharded entity, so the subquery's rows are spread over shards");
                }
                if (find(from) != find(anchor)) {
                    ShardedEntityModel a = model(anchor);
                    ShardedEntityModel b = model(from);
                    throw unsupported("join or subquery between sharded entities " + a.entityName() + " and " + b.entityName()
                                    + " not co-located on the shard key",
                            "rows of the two may sit on different shards; add " + alias(from) + "." + b.keyAttribute() + " = "
                                    + alias(anchor) + "." + a.keyAttribute() + " to the join or WHERE clause if they share the key, "
                                    + "or query them separately");
                }
            }
        }

        private List<SqmFrom<?, ?>> shardedFroms(SqmQuerySpec<?> spec) {
            List<SqmFrom<?, ?>> out = new ArrayList<>();
            for (SqmRoot<?> root : spec.getFromClause().getRoots()) {
                addSharded(root, out);
            }
            return out;
        }

        private void addSharded(SqmFrom<?, ?> from, List<SqmFrom<?, ?>> out) {
            if (!from.isCorrelated() && modelOrNull(from) != null) {
                out.add(from);
            }
            for (SqmJoin<?, ?> join : from.getSqmJoins()) {
                addSharded(join, out);
            }
        }

        private void collectEqualities(SqmQuerySpec<?> spec) {
            for (SqmRoot<?> root : spec.getFromClause().getRoots()) {
                collectJoinEqualities(root);
            }
            collectConjunctEqualities(spec.getWhereClause() == null ? null : spec.getWhereClause().getPredicate());
        }

        private void collectJoinEqualities(SqmFrom<?, ?> from) {
            if (from.isCorrelated() && from.getCorrelationParent() != null) {
                union(from, from.getCorrelationParent());
            }
            for (SqmJoin<?, ?> join : from.getSqmJoins()) {
                collectConjunctEqualities(join.getJoinPredicate());
                collectJoinEqualities(join);
            }
        }

        private void collectConjunctEqualities(SqmPredicate predicate) {
            for (SqmPredicate conjunct : conjuncts(predicate)) {
                if (conjunct instanceof SqmComparisonPredicate c && !c.isNegated() && c.getSqmOperator() == ComparisonOperator.EQUAL) {
                    SqmFrom<?, ?> left = keyOwner(c.getLeftHandExpression());
                    SqmFrom<?, ?> right = keyOwner(c.getRightHandExpression());
                    if (left != null && right != null) {
                        union(left, right);
                    } else if (left != null && valueRef(c.getRightHandExpression()) != null) {
                        union(left, valueNode(c.getRightHandExpression()));
                    } else if (right != null && valueRef(c.getLeftHandExpression()) != null) {
                        union(right, valueNode(c.getLeftHandExpression()));
                    }
                }
            }
        }

        private Object valueNode(SqmExpression<?> e) {
            return valueNodes.computeIfAbsent(render(e), k -> new Object());
        }

        private List<SqmPredicate> conjuncts(SqmPredicate predicate) {
            List<SqmPredicate> out = new ArrayList<>();
            addConjuncts(predicate, out);
            return out;
        }

        private void addConjuncts(SqmPredicate predicate, List<SqmPredicate> out) {
            if (predicate == null) {
                return;
            }
            if (predicate instanceof SqmGroupedPredicate g && !g.isNegated()) {
                addConjuncts(g.getSubPredicate(), out);
            } else if (predicate instanceof SqmJunctionPredicate j && !j.isNegated() && j.getOperator() == Predicate.BooleanOperator.AND) {
                for (SqmPredicate p : j.getPredicates()) {
                    addConjuncts(p, out);
                }
            } else {
                out.add(predicate);
            }
        }

        private Object find(Object node) {
            Object parent = unionFind.get(node);
            if (parent == null || parent == node) {
                return node;
            }
            Object root = find(parent);
            unionFind.put(node, root);
            return root;
        }

        private void union(Object a, Object b) {
            Object ra = find(a);
            Object rb = find(b);
            if (ra != rb) {
                unionFind.put(ra, rb);
            }
        }

        /** The sharded from-element whose shard key {@code e} is, or null. */
        private SqmFrom<?, ?> keyOwner(SqmExpression<?> e) {
            if (e instanceof SqmPath<?> path && path.getLhs() instanceof SqmFrom<?, ?> from) {
                SqmFrom<?, ?> owner = from.isCorrelated() && from.getCorrelationParent() != null ? from.getCorrelationParent() : from;
                ShardedEntityModel model = modelOrNull(owner);
                if (model != null && model.keyAttribute().equals(path.getNavigablePath().getLocalName())) {
                    return owner;
                }
            }
            return null;
        }

        /** The sharded from-element whose id (routable alone) {@code e} is, or null. */
        private SqmFrom<?, ?> routableIdOwner(SqmExpression<?> e) {
            if (e instanceof SqmPath<?> path && path.getLhs() instanceof SqmFrom<?, ?> from) {
                ShardedEntityModel model = modelOrNull(from);
                if (model != null && model.idRouting() == ShardedEntityModel.IdRouting.SHARD_AWARE_ID
                        && model.idAttribute() != null && model.idAttribute().equals(path.getNavigablePath().getLocalName())) {
                    return from;
                }
            }
            return null;
        }

        private ShardedEntityModel modelOrNull(SqmFrom<?, ?> from) {
            Class<?> type;
            try {
                type = from.getReferencedPathSource().getBindableJavaType();
            } catch (RuntimeException e) {
                type = from.getJavaType();
            }
            return type == null ? null : router.modelOrNull(type);
        }

        private ShardedEntityModel model(SqmFrom<?, ?> from) {
            return modelOrNull(from);
        }

        private String alias(SqmFrom<?, ?> from) {
            return context.resolveAlias(from);
        }

        // ------------------------------------------------------------------ routing

        private ShardPredicate routing(SqmPredicate predicate) {
            if (predicate == null) {
                return null;
            }
            if (predicate instanceof SqmGroupedPredicate g) {
                return g.isNegated() ? null : routing(g.getSubPredicate());
            }
            if (predicate.isNegated() || predicate instanceof SqmNegatedPredicate) {
                return null;
            }
            if (predicate instanceof SqmJunctionPredicate j) {
                List<ShardPredicate> parts = new ArrayList<>();
                for (SqmPredicate p : j.getPredicates()) {
                    parts.add(routing(p));
                }
                return j.getOperator() == Predicate.BooleanOperator.AND ? ShardPredicate.allOf(parts) : ShardPredicate.anyOf(parts);
            }
            if (predicate instanceof SqmComparisonPredicate c) {
                return comparison(c.getSqmOperator(), c.getLeftHandExpression(), c.getRightHandExpression());
            }
            if (predicate instanceof SqmInListPredicate<?> in) {
                List<ValueRef> values = new ArrayList<>();
                for (SqmExpression<?> e : in.getListExpressions()) {
                    ValueRef v = valueRef(e);
                    if (v == null) {
                        return null;
                    }
                    values.add(v);
                }
                SqmFrom<?, ?> owner = keyOwner(in.getTestExpression());
                if (owner != null) {
                    return new ShardPredicate.KeyIn(model(owner), List.copyOf(values), false);
                }
                SqmFrom<?, ?> idOwner = routableIdOwner(in.getTestExpression());
                return idOwner == null ? null : new ShardPredicate.KeyIn(model(idOwner), List.copyOf(values), true);
            }
            if (predicate instanceof SqmBetweenPredicate b) {
                SqmFrom<?, ?> owner = keyOwner(b.getExpression());
                ValueRef lo = valueRef(b.getLowerBound());
                ValueRef hi = valueRef(b.getUpperBound());
                return owner == null || lo == null || hi == null ? null : new ShardPredicate.KeyRange(model(owner), lo, true, hi, true);
            }
            return null;
        }

        private ShardPredicate comparison(ComparisonOperator op, SqmExpression<?> left, SqmExpression<?> right) {
            SqmFrom<?, ?> owner = keyOwner(left);
            ValueRef value = valueRef(right);
            if (owner == null || value == null) {
                SqmFrom<?, ?> rightOwner = keyOwner(right);
                ValueRef leftValue = valueRef(left);
                if (rightOwner != null && leftValue != null) {
                    return comparison(op.invert(), right, left);
                }
                if (op == ComparisonOperator.EQUAL) {
                    SqmFrom<?, ?> idOwner = routableIdOwner(left);
                    if (idOwner != null && value != null) {
                        return new ShardPredicate.KeyIn(model(idOwner), List.of(value), true);
                    }
                    idOwner = routableIdOwner(right);
                    if (idOwner != null && leftValue != null) {
                        return new ShardPredicate.KeyIn(model(idOwner), List.of(leftValue), true);
                    }
                }
                return null;
            }
            ShardedEntityModel model = model(owner);
            return switch (op) {
                case EQUAL -> new ShardPredicate.KeyIn(model, List.of(value), false);
                case LESS_THAN -> new ShardPredicate.KeyRange(model, null, false, value, false);
                case LESS_THAN_OR_EQUAL -> new ShardPredicate.KeyRange(model, null, false, value, true);
                case GREATER_THAN -> new ShardPredicate.KeyRange(model, value, false, null, false);
                case GREATER_THAN_OR_EQUAL -> new ShardPredicate.KeyRange(model, value, true, null, false);
                default -> null;
            };
        }

        // ------------------------------------------------------------------ select shape

        /**
         * Turns the parsed statement into the per-shard statement, in place (the tree is this
         * analysis' own), and records how the shard rows merge.
         */
        private final class SelectShaper {
            private final SqmSelectStatement<?> statement;
            private final SqmQuerySpec<?> spec;
            private final List<SqmSelectableNode<?>> columns = new ArrayList<>();
            private Class<?> instantiation;

            SelectShaper(SqmSelectStatement<?> statement, SqmQuerySpec<?> spec) {
                this.statement = statement;
                this.spec = spec;
            }

            QueryPlan.SelectShape shape() {
                for (SqmSelection<?> selection : spec.getSelectClause().getSelections()) {
                    SqmSelectableNode<?> node = selection.getSelectableNode();
                    if (node instanceof SqmDynamicInstantiation<?> di) {
                        if (di.getInstantiationTarget().getNature() != DynamicInstantiationNature.CLASS
                                || spec.getSelectClause().getSelections().size() != 1) {
                            fanOutRejection("select new " + di.getInstantiationTarget().getNature().name().toLowerCase(Locale.ROOT) + "(...)",
                                    "only 'select new SomeClass(...)' as the only selection is merged");
                        } else {
                            instantiation = di.getInstantiationTarget().getJavaType();
                        }
                        for (var arg : di.getArguments()) {
                            columns.add(arg.getSelectableNode());
                        }
                    } else {
                        columns.add(node);
                    }
                }
                ValueRef limit = null;
                ValueRef offset = null;
                if (spec.getFetchExpression() != null) {
                    limit = valueRef(spec.getFetchExpression());
                    if (limit == null || spec.getFetchClauseType() != FetchClauseType.ROWS_ONLY) {
                        fanOutRejection("fetch " + spec.getFetchClauseType(), "only a plain row limit is merged");
                    }
                }
                if (spec.getOffsetExpression() != null) {
                    offset = valueRef(spec.getOffsetExpression());
                    if (offset == null) {
                        fanOutRejection("offset expression", "only a literal or parameter offset is merged");
                    }
                }
                spec.setOffsetExpression(null);
                spec.setFetchExpression(null);
                Finder finder = new Finder();
                for (SqmSelectableNode<?> c : columns) {
                    finder.scan(c);
                }
                if (spec.getHavingClausePredicate() != null) {
                    finder.scan(spec.getHavingClausePredicate());
                }
                for (SqmSortSpecification s : spec.getSortSpecifications()) {
                    if (!(s.getSortExpression() instanceof SqmAliasedNodeRef)) {
                        finder.scan(s.getSortExpression());
                    }
                }
                boolean grouped = !spec.getGroupByClauseExpressions().isEmpty() || finder.aggregate || spec.getHavingClausePredicate() != null;
                return grouped ? grouped(limit, offset) : plain(limit, offset);
            }

            private void setSelections(boolean distinct, List<? extends SqmSelectableNode<?>> nodes) {
                SqmSelectClause clause = new SqmSelectClause(distinct, nodes.size(), spec.nodeBuilder());
                for (SqmSelectableNode<?> node : nodes) {
                    clause.addSelection(selection(node));
                }
                spec.setSelectClause(clause);
            }

            @SuppressWarnings({"unchecked", "rawtypes"})
            private SqmSelection<?> selection(SqmSelectableNode<?> node) {
                return new SqmSelection(node, null, spec.nodeBuilder());
            }

            private QueryPlan.SelectShape plain(ValueRef limit, ValueRef offset) {
                List<SqmSelectableNode<?>> shardColumns = new ArrayList<>(columns);
                int visible = shardColumns.size();
                List<SortKey> order = new ArrayList<>();
                boolean distinct = spec.getSelectClause().isDistinct();
                for (SqmSortSpecification s : spec.getSortSpecifications()) {
                    SqmExpression<?> e = s.getSortExpression();
                    int column;
                    if (e instanceof SqmAliasedNodeRef ref) {
                        if (instantiation != null) {
                            fanOutRejection("ORDER BY position with select new", "order by the expression instead");
                        }
                        column = ref.getPosition() - 1;
                    } else {
                        checkSortable(e);
                        column = shardColumns.indexOf(e);
                        if (column < 0 || column >= visible) {
                            if (distinct) {
                                fanOutRejection("ORDER BY " + render(e) + " not in the select list of a DISTINCT query", "select it too");
                            }
                            if (column < 0) {
                                column = shardColumns.size();
                                shardColumns.add(e);
                            }
                        }
                    }
                    if (column >= 0 && column < shardColumns.size() && shardColumns.get(column) instanceof SqmFrom<?, ?>) {
                        fanOutRejection("ORDER BY an entity", "order by its attributes (e.g. the id) instead");
                    }
                    if (s.isIgnoreCase()) {
                        fanOutRejection("ORDER BY ... ignore case", "order by lower(...) instead");
                    }
                    order.add(sortKey(s, column));
                }
                setSelections(distinct, shardColumns);
                return new QueryPlan.SelectShape(new Template(statement, order), distinct, false, visible, List.copyOf(order),
                        List.of(), 0, false, List.of(), null, limit, offset, instantiation, shardColumns.size());
            }

            private SortKey sortKey(SqmSortSpecification s, int column) {
                boolean desc = s.getSortDirection() == SortDirection.DESCENDING;
                Boolean nullsFirst = s.getNullPrecedence() == Nulls.FIRST ? Boolean.TRUE : s.getNullPrecedence() == Nulls.LAST ? Boolean.FALSE : null;
                return SortKey.of(column, desc, nullsFirst);
            }

            private void checkSortable(SqmExpression<?> e) {
                if (e instanceof SqmCollation) {
                    fanOutRejection("ORDER BY ... COLLATE", "the merge orders text by the shards' default collation only");
                }
                if (e instanceof SqmFrom<?, ?>) {
                    fanOutRejection("ORDER BY an entity", "order by its attributes (e.g. the id) instead");
                }
            }

            // -------------------------------------------------------------- grouped

            private final List<SqmExpression<?>> groupBy = new ArrayList<>();
            private final List<SqmExpression<?>> distinctArgs = new ArrayList<>();
            /** Partial aggregates and carried expressions, in per-shard column order after the group keys and distinct arguments. */
            private final List<SqmExpression<?>> partials = new ArrayList<>();
            private final List<SqmExpression<?>> aggregateNodes = new ArrayList<>();
            private final List<MergeAggregate> aggregates = new ArrayList<>();
            private final List<int[]> aggregateColumns = new ArrayList<>();

            private QueryPlan.SelectShape grouped(ValueRef limit, ValueRef offset) {
                boolean distinctQuery = spec.getSelectClause().isDistinct();
                for (SqmExpression<?> g : spec.getGroupByClauseExpressions()) {
                    SqmExpression<?> e = g;
                    if (g instanceof SqmAliasedNodeRef ref) {
                        if (!(columns.get(ref.getPosition() - 1) instanceof SqmExpression<?> x)) {
                            throw unsupported("GROUP BY position " + ref.getPosition(), "not an expression");
                        }
                        e = x;
                    }
                    if (e instanceof SqmSummarization<?>) {
                        fanOutRejection("GROUP BY ROLLUP/CUBE", "summarization rows are not merged");
                    }
                    if (e instanceof SqmFrom<?, ?>) {
                        fanOutRejection("GROUP BY an entity", "group by its id or attributes instead");
                    }
                    groupBy.add(e);
                }
                List<PostExpr> output = new ArrayList<>();
                for (SqmSelectableNode<?> c : columns) {
                    if (!(c instanceof SqmExpression<?> e)) {
                        fanOutRejection("selection " + render(c), "not an expression");
                        output.add(new PostExpr.Constant(new ValueRef.Literal(null)));
                        continue;
                    }
                    if (e instanceof SqmFrom<?, ?>) {
                        fanOutRejection("entity " + render(e) + " in a grouped query", "select its attributes instead");
                    }
                    output.add(post(e));
                }
                int visible = output.size();
                PostExpr having = spec.getHavingClausePredicate() == null ? null : postPredicate(spec.getHavingClausePredicate());
                List<SortKey> order = new ArrayList<>();
                for (SqmSortSpecification s : spec.getSortSpecifications()) {
                    SqmExpression<?> e = s.getSortExpression();
                    int column;
                    if (e instanceof SqmAliasedNodeRef ref) {
                        column = ref.getPosition() - 1;
                    } else {
                        checkSortable(e);
                        column = columns.indexOf(e);
                        if (column < 0) {
                            column = output.size();
                            output.add(post(e));
                        }
                    }
                    if (s.isIgnoreCase()) {
                        fanOutRejection("ORDER BY ... ignore case", "order by lower(...) instead");
                    }
                    order.add(sortKey(s, column));
                }
                // Per-shard layout: group keys, distinct arguments, then partial aggregates and carried expressions.
                int base = groupBy.size() + distinctArgs.size();
                List<SqmExpression<?>> select = new ArrayList<>(groupBy);
                select.addAll(distinctArgs);
                select.addAll(partials);
                List<MergeAggregate> merged = new ArrayList<>();
                for (int i = 0; i < aggregates.size(); i++) {
                    MergeAggregate a = aggregates.get(i);
                    int[] cols = aggregateColumns.get(i);
                    merged.add(a.kind() == MergeAggregate.Kind.COUNT_DISTINCT
                            ? new MergeAggregate(a.kind(), groupBy.size() + cols[0], -1)
                            : new MergeAggregate(a.kind(), base + cols[0], cols[1] < 0 ? -1 : base + cols[1]));
                }
                List<PostExpr> relocated = new ArrayList<>();
                for (PostExpr e : output) {
                    relocated.add(relocate(e, base));
                }
                PostExpr relocatedHaving = having == null ? null : relocate(having, base);
                boolean global = groupBy.isEmpty();
                List<SqmExpression<?>> shardGroupBy = new ArrayList<>(groupBy);
                shardGroupBy.addAll(distinctArgs);
                setSelections(false, select);
                spec.setGroupByClauseExpressions(shardGroupBy);
                spec.setHavingClausePredicate(null);
                spec.setOrderByClause(null);
                return new QueryPlan.SelectShape(new Template(statement, List.of()), distinctQuery,
                        true, visible, List.copyOf(order), List.copyOf(merged), groupBy.size(), global, List.copyOf(relocated),
                        relocatedHaving, limit, offset, instantiation, select.size());
            }

            /** Carried columns were numbered among the partials (as -index-1); move them behind the group keys and distinct arguments. */
            private PostExpr relocate(PostExpr e, int base) {
                if (e instanceof PostExpr.Column c) {
                    return c.index() < 0 ? new PostExpr.Column(base + (-c.index() - 1)) : c;
                }
                if (e instanceof PostExpr.Arithmetic a) {
                    return new PostExpr.Arithmetic(a.operator(), relocate(a.left(), base), relocate(a.right(), base));
                }
                if (e instanceof PostExpr.Negate n) {
                    return new PostExpr.Negate(relocate(n.operand(), base));
                }
                if (e instanceof PostExpr.Compare c) {
                    return new PostExpr.Compare(c.operator(), relocate(c.left(), base), relocate(c.right(), base));
                }
                if (e instanceof PostExpr.Junction j) {
                    return new PostExpr.Junction(j.and(), j.parts().stream().map(p -> relocate(p, base)).toList());
                }
                if (e instanceof PostExpr.Not n) {
                    return new PostExpr.Not(relocate(n.operand(), base));
                }
                if (e instanceof PostExpr.IsNull n) {
                    return new PostExpr.IsNull(relocate(n.operand(), base));
                }
                if (e instanceof PostExpr.In in) {
                    return new PostExpr.In(relocate(in.operand(), base), in.values().stream().map(p -> relocate(p, base)).toList());
                }
                return e;
            }

            /** Translates an expression of a grouped query into a post-merge expression. */
            private PostExpr post(SqmExpression<?> e) {
                int group = groupBy.indexOf(e);
                if (group >= 0) {
                    return new PostExpr.Column(group);
                }
                ValueRef value = valueRef(e);
                if (value != null) {
                    return new PostExpr.Constant(value);
                }
                if (e instanceof SqmFunction<?> f && e instanceof SqmAggregateFunction<?>) {
                    return aggregate(f);
                }
                Finder finder = new Finder();
                finder.scan(e);
                if (!finder.aggregate) {
                    return new PostExpr.Column(-partial(e) - 1); // a carried column, relocated later
                }
                if (e instanceof SqmBinaryArithmetic<?> a) {
                    char op = switch (a.getOperator()) {
                        case ADD -> '+';
                        case SUBTRACT -> '-';
                        case MULTIPLY -> '*';
                        case MODULO -> '%';
                        default -> '/';
                    };
                    return new PostExpr.Arithmetic(op, post(a.getLeftHandOperand()), post(a.getRightHandOperand()));
                }
                if (e instanceof SqmUnaryOperation<?> u) {
                    PostExpr operand = post(u.getOperand());
                    return u.getOperation() == UnaryArithmeticOperator.UNARY_MINUS ? new PostExpr.Negate(operand) : operand;
                }
                fanOutRejection("expression over aggregates " + render(e), "only + - * / % over COUNT/SUM/MIN/MAX/AVG are merged");
                return new PostExpr.Constant(new ValueRef.Literal(null));
            }

            @SuppressWarnings({"unchecked", "rawtypes"})
            private PostExpr aggregate(SqmFunction<?> f) {
                int known = aggregateNodes.indexOf(f);
                if (known >= 0) {
                    return new PostExpr.Aggregate(known);
                }
                String name = f.getFunctionName().toLowerCase(Locale.ROOT);
                SqmPredicate filter = ((SqmAggregateFunction<?>) f).getFilter();
                Object arg = f.getArguments().isEmpty() ? null : f.getArguments().get(0);
                boolean distinct = arg instanceof SqmDistinct<?>;
                if (f.getArguments().size() != 1 || !(distinct || arg instanceof SqmExpression<?>)) {
                    fanOutRejection("aggregate function " + name, "only COUNT, SUM, MIN, MAX and AVG of one argument are merged across shards");
                    return new PostExpr.Constant(new ValueRef.Literal(null));
                }
                SqmExpression<?> argument = distinct ? ((SqmDistinct<?>) arg).getExpression() : (SqmExpression<?>) arg;
                HibernateCriteriaBuilder cb = spec.nodeBuilder();
                MergeAggregate aggregate;
                int[] cols;
                switch (name) {
                    case "count" -> {
                        if (distinct) {
                            if (filter != null) {
                                fanOutRejection("count(distinct ...) filter (...)", "not merged");
                            }
                            int index = distinctArgs.indexOf(argument);
                            if (index < 0) {
                                index = distinctArgs.size();
                                distinctArgs.add(argument);
                            }
                            aggregate = new MergeAggregate(MergeAggregate.Kind.COUNT_DISTINCT, -1, -1);
                            cols = new int[] {index, -1};
                        } else {
                            aggregate = new MergeAggregate(MergeAggregate.Kind.COUNT, -1, -1);
                            cols = new int[] {partial(f), -1};
                        }
                    }
                    case "sum" -> {
                        if (distinct) {
                            fanOutRejection("sum(distinct ...)", "not merged; sum the distinct values yourself");
                        }
                        aggregate = new MergeAggregate(MergeAggregate.Kind.SUM, -1, -1);
                        cols = new int[] {partial(f), -1};
                    }
                    case "avg" -> {
                        if (distinct) {
                            fanOutRejection("avg(distinct ...)", "not merged");
                        }
                        if (filter != null) {
                            fanOutRejection("avg(...) filter (...)", "not merged; use sum(...) filter and count(...) filter");
                        }
                        aggregate = new MergeAggregate(MergeAggregate.Kind.AVG, -1, -1);
                        cols = new int[] {partial((SqmExpression<?>) cb.sum((SqmExpression) argument)),
                                partial((SqmExpression<?>) cb.count(argument))};
                    }
                    case "min", "max" -> {
                        aggregate = new MergeAggregate(name.equals("min") ? MergeAggregate.Kind.MIN : MergeAggregate.Kind.MAX, -1, -1);
                        cols = new int[] {partial(f), -1};
                    }
                    default -> {
                        fanOutRejection("aggregate function " + name, "only COUNT, SUM, MIN, MAX and AVG are merged across shards");
                        return new PostExpr.Constant(new ValueRef.Literal(null));
                    }
                }
                aggregateNodes.add(f);
                aggregates.add(aggregate);
                aggregateColumns.add(cols);
                return new PostExpr.Aggregate(aggregates.size() - 1);
            }

            private int partial(SqmExpression<?> e) {
                int index = partials.indexOf(e);
                if (index < 0) {
                    index = partials.size();
                    partials.add(e);
                }
                return index;
            }

            private PostExpr postPredicate(SqmPredicate p) {
                PostExpr result;
                if (p instanceof SqmGroupedPredicate g) {
                    result = postPredicate(g.getSubPredicate());
                } else if (p instanceof SqmNegatedPredicate n) {
                    return new PostExpr.Not(postPredicate(n.getWrappedPredicate()));
                } else if (p instanceof SqmJunctionPredicate j) {
                    List<PostExpr> parts = new ArrayList<>();
                    for (SqmPredicate x : j.getPredicates()) {
                        parts.add(postPredicate(x));
                    }
                    result = new PostExpr.Junction(j.getOperator() == Predicate.BooleanOperator.AND, parts);
                } else if (p instanceof SqmComparisonPredicate c) {
                    String op = switch (c.getSqmOperator()) {
                        case EQUAL -> "=";
                        case NOT_EQUAL -> "<>";
                        case LESS_THAN -> "<";
                        case LESS_THAN_OR_EQUAL -> "<=";
                        case GREATER_THAN -> ">";
                        case GREATER_THAN_OR_EQUAL -> ">=";
                        default -> null;
                    };
                    if (op == null) {
                        fanOutRejection("HAVING with " + c.getSqmOperator(), "comparison not merged");
                        return new PostExpr.Constant(new ValueRef.Literal(null));
                    }
                    return new PostExpr.Compare(op, post(c.getLeftHandExpression()), post(c.getRightHandExpression()));
                } else if (p instanceof SqmBetweenPredicate b) {
                    PostExpr x = post(b.getExpression());
                    result = new PostExpr.Junction(true, List.of(new PostExpr.Compare(">=", x, post(b.getLowerBound())),
                            new PostExpr.Compare("<=", x, post(b.getUpperBound()))));
                } else if (p instanceof SqmNullnessPredicate n) {
                    result = new PostExpr.IsNull(post(n.getExpression()));
                } else if (p instanceof SqmInListPredicate<?> in) {
                    List<PostExpr> values = new ArrayList<>();
                    for (SqmExpression<?> v : in.getListExpressions()) {
                        values.add(post(v));
                    }
                    result = new PostExpr.In(post(in.getTestExpression()), values);
                } else {
                    fanOutRejection("HAVING " + p.getClass().getSimpleName(), "this predicate is not evaluated after the merge");
                    return new PostExpr.Constant(new ValueRef.Literal(null));
                }
                return p.isNegated() ? new PostExpr.Not(result) : result;
            }
        }

        // ------------------------------------------------------------------ helpers

        private ValueRef valueRef(SqmExpression<?> e) {
            if (e instanceof SqmLiteral<?> literal) {
                return new ValueRef.Literal(literal.getLiteralValue());
            }
            if (e instanceof SqmParameter<?> p) {
                if (p.getName() != null) {
                    return new ValueRef.Named(p.getName());
                }
                if (p.getPosition() != null) {
                    return new ValueRef.Positional(p.getPosition());
                }
            }
            if (e instanceof SqmUnaryOperation<?> u && u.getOperation() == UnaryArithmeticOperator.UNARY_MINUS
                    && u.getOperand() instanceof SqmLiteral<?> l && l.getLiteralValue() instanceof Number n) {
                return new ValueRef.Literal(SqlValues.negate(n));
            }
            return null;
        }

        private String render(SqmVisitableNode node) {
            StringBuilder sb = new StringBuilder();
            node.appendHqlString(sb, context);
            return sb.toString();
        }

        private void fanOutRejection(String construct, String reason) {
            if (fanOutRejection == null) {
                fanOutRejection = construct + " (" + reason + ")";
            }
        }

        private UnsupportedShardQueryException unsupported(String construct, String reason) {
            return new UnsupportedShardQueryException(construct, reason, hql);
        }

        private Structure structure(SqmStatement<?> statement) {
            Structure s = new Structure();
            try {
                s.scan(statement);
            } catch (RuntimeException e) {
                // A construct the walker cannot visit: its subqueries and joins cannot be checked, so refuse rather than guess.
                throw unsupported("a construct sharding-orm cannot analyze (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                        "co-location of its joins and subqueries cannot be verified");
            }
            return s;
        }
    }

    /**
     * The per-shard statement: a template copied for every execution (a query's tree must not be
     * shared while Hibernate interprets it), with the keyset predicate added to the copy. Keyset
     * values are literals: parameters added after parsing are not registered with an HQL statement.
     */
    private static final class Template implements QueryPlan.ShardStatement {
        private final SqmSelectStatement<?> template;
        private final List<SortKey> order;

        Template(SqmSelectStatement<?> template, List<SortKey> order) {
            this.template = template;
            this.order = order;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public CriteriaQuery<Object[]> instance(Object[] after) {
            SqmSelectStatement<Object[]> copy;
            synchronized (template) { // copying may touch the source's lazily built path caches
                copy = template.createCopy(SqmCopyContext.simpleContext(), Object[].class);
            }
            if (after != null) {
                SqmQuerySpec<?> spec = copy.getQuerySpec();
                HibernateCriteriaBuilder cb = spec.nodeBuilder();
                List<SqmSelection<?>> selections = spec.getSelectClause().getSelections();
                List<Predicate> disjuncts = new ArrayList<>();
                for (int i = 0; i < after.length; i++) {
                    List<Predicate> conjuncts = new ArrayList<>();
                    for (int j = 0; j < i; j++) {
                        SqmExpression e = (SqmExpression) selections.get(order.get(j).column()).getSelectableNode();
                        conjuncts.add(after[j] == null ? cb.isNull(e) : cb.equal(e, cb.literal(after[j])));
                    }
                    SortKey key = order.get(i);
                    SqmExpression e = (SqmExpression) selections.get(key.column()).getSelectableNode();
                    Predicate strictlyAfter;
                    if (after[i] == null) {
                        strictlyAfter = key.nullsFirst() ? cb.isNotNull(e) : null;
                    } else {
                        SqmExpression v = (SqmExpression) cb.literal(after[i]);
                        Predicate cmp = key.descending() ? cb.lessThan(e, v) : cb.greaterThan(e, v);
                        strictlyAfter = key.nullsFirst() ? cmp : cb.or(cmp, cb.isNull(e));
                    }
                    if (strictlyAfter != null) {
                        conjuncts.add(strictlyAfter);
                        disjuncts.add(cb.and(conjuncts.toArray(Predicate[]::new)));
                    }
                }
                spec.applyPredicate((SqmPredicate) (disjuncts.isEmpty() ? cb.disjunction() : cb.or(disjuncts.toArray(Predicate[]::new))));
            }
            return copy;
        }

        @Override
        public String describe(Object[] after) {
            try {
                return ((SqmSelectStatement<?>) instance(after)).toHqlString();
            } catch (RuntimeException e) {
                return template.toString();
            }
        }
    }

    /** Walks a whole statement: every query spec (main and subqueries) and window functions. */
    private static final class Structure extends BaseSemanticQueryWalker {
        final List<SqmQuerySpec<?>> specs = new ArrayList<>();
        boolean window;

        void scan(SqmStatement<?> statement) {
            statement.accept(this);
        }

        @Override
        public Object visitQuerySpec(SqmQuerySpec<?> querySpec) {
            specs.add(querySpec);
            return super.visitQuerySpec(querySpec);
        }

        @Override
        public Object visitOver(SqmOver<?> over) {
            window = true;
            return super.visitOver(over);
        }

        @Override
        public Object visitGroupByClause(List<SqmExpression<?>> expressions) {
            if (expressions != null) {
                expressions.stream().filter(e -> !(e instanceof SqmAliasedNodeRef)).forEach(e -> e.accept(this));
            }
            return expressions;
        }

        @Override
        public Object visitSortSpecification(SqmSortSpecification sortSpecification) {
            if (!(sortSpecification.getSortExpression() instanceof SqmAliasedNodeRef)) {
                sortSpecification.getSortExpression().accept(this);
            }
            return sortSpecification;
        }
    }

    /** Finds aggregates in an expression, not descending into subqueries. */
    private static final class Finder extends BaseSemanticQueryWalker {
        boolean aggregate;

        void scan(SqmVisitableNode node) {
            node.accept(this);
        }

        @Override
        public Object visitFunction(SqmFunction<?> function) {
            if (function instanceof SqmAggregateFunction<?>) {
                aggregate = true;
            }
            return super.visitFunction(function);
        }

        @Override
        public Object visitOver(SqmOver<?> over) {
            return over; // a window aggregate is not a group aggregate
        }

        @Override
        public Object visitSubQueryExpression(SqmSubQuery<?> expression) {
            return expression;
        }

        @Override
        public Object visitSortSpecification(SqmSortSpecification sortSpecification) {
            return sortSpecification;
        }
    }
}
