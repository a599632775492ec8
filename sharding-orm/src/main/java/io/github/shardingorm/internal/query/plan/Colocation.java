package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.routing.ShardedEntityModel;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.query.sqm.ComparisonOperator;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.from.SqmFrom;
import org.hibernate.query.sqm.tree.from.SqmJoin;
import org.hibernate.query.sqm.tree.from.SqmRoot;
import org.hibernate.query.sqm.tree.predicate.SqmComparisonPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmGroupedPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmJunctionPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmPredicate;
import org.hibernate.query.sqm.tree.select.SqmQuerySpec;

/**
 * Co-location, checked always (even for one shard): every sharded entity a statement touches
 * (roots, joins, subqueries) must be tied to the first one by equality of shard keys, or of both
 * keys to the same value, in a WHERE or ON conjunct; otherwise rows that belong together may sit on
 * different shards, and the statement is rejected. The ties are a union-find over from-elements
 * and values (a correlated from-element is tied to its parent).
 */
final class Colocation {

    private final Analysis analysis;
    private final ShardedPaths paths;
    private final Map<Object, Object> unionFind = new IdentityHashMap<>();
    private final Map<String, Object> valueNodes = new HashMap<>();

    Colocation(Analysis analysis, ShardedPaths paths) {
        this.analysis = analysis;
        this.paths = paths;
    }

    /**
     * Checks a select.
     *
     * @return the anchor: the first sharded entity of the main query, or null when it reads none
     */
    SqmFrom<?, ?> checkSelect(StatementStructure structure, SqmQuerySpec<?> main) {
        for (SqmQuerySpec<?> spec : structure.specs()) {
            collectEqualities(spec);
        }
        List<SqmFrom<?, ?>> all = new ArrayList<>(shardedFroms(main));
        SqmFrom<?, ?> anchor = all.isEmpty() ? null : all.get(0);
        for (SqmQuerySpec<?> spec : structure.specs()) {
            if (spec != main) {
                all.addAll(shardedFroms(spec));
            }
        }
        requireColocated(anchor, all);
        return anchor;
    }

    /** Checks an UPDATE or DELETE of {@code target} with its WHERE clause and subqueries. */
    void checkMutation(StatementStructure structure, SqmRoot<?> target, SqmPredicate where) {
        for (SqmQuerySpec<?> spec : structure.specs()) {
            collectEqualities(spec);
        }
        collectConjunctEqualities(where);
        SqmFrom<?, ?> anchor = paths.modelOrNull(target.getJavaType()) != null ? target : null;
        List<SqmFrom<?, ?>> all = new ArrayList<>();
        if (anchor != null) {
            all.add(target);
        }
        for (SqmQuerySpec<?> spec : structure.specs()) {
            all.addAll(shardedFroms(spec));
        }
        requireColocated(anchor, all);
    }

    private void requireColocated(SqmFrom<?, ?> anchor, List<SqmFrom<?, ?>> all) {
        for (SqmFrom<?, ?> from : all) {
            if (anchor == null) {
                throw analysis.unsupported("subquery over the sharded entity " + paths.model(from).entityName(),
                        "the outer query reads no sharded entity, so the subquery's rows are spread over shards");
            }
            if (find(from) != find(anchor)) {
                ShardedEntityModel a = paths.model(anchor);
                ShardedEntityModel b = paths.model(from);
                throw analysis.unsupported("join or subquery between sharded entities " + a.entityName() + " and " + b.entityName()
                                + " not co-located on the shard key",
                        "rows of " + userName(anchor) + " and " + userName(from) + " may sit on different shards; add "
                                + keyPath(from, b) + " = " + keyPath(anchor, a) + " to the join or WHERE clause if they share the key, "
                                + "or query them separately");
            }
        }
    }

    /** How the user wrote a from-element: its alias, or for a join without one its path ({@code b.author}); never a generated alias. */
    private static String userName(SqmFrom<?, ?> from) {
        if (from.getExplicitAlias() != null) {
            return from.getExplicitAlias();
        }
        if (from instanceof SqmJoin<?, ?> join && join.getLhs() instanceof SqmFrom<?, ?> parent) {
            return userName(parent) + "." + join.getNavigablePath().getLocalName();
        }
        return from.getReferencedPathSource().getPathName();
    }

    private static String keyPath(SqmFrom<?, ?> from, ShardedEntityModel model) {
        return userName(from) + "." + model.keyAttribute() + (model.keyIsAssociation() ? "." + model.parentIdAttribute() : "");
    }

    private List<SqmFrom<?, ?>> shardedFroms(SqmQuerySpec<?> spec) {
        List<SqmFrom<?, ?>> out = new ArrayList<>();
        for (SqmRoot<?> root : spec.getFromClause().getRoots()) {
            addSharded(root, out);
        }
        return out;
    }

    private void addSharded(SqmFrom<?, ?> from, List<SqmFrom<?, ?>> out) {
        if (!from.isCorrelated() && paths.modelOrNull(from) != null) {
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
            if (paths.joinsAlongKey(from, join)) {
                union(join, from); // the association is the shard key: joined rows share it
            }
            collectJoinEqualities(join);
        }
    }

    private void collectConjunctEqualities(SqmPredicate predicate) {
        for (SqmPredicate conjunct : conjuncts(predicate)) {
            if (conjunct instanceof SqmComparisonPredicate c && !c.isNegated() && c.getSqmOperator() == ComparisonOperator.EQUAL) {
                SqmFrom<?, ?> left = paths.keyOwner(c.getLeftHandExpression());
                SqmFrom<?, ?> right = paths.keyOwner(c.getRightHandExpression());
                if (left != null && right != null) {
                    union(left, right);
                } else if (left != null && ValueRefs.of(c.getRightHandExpression()) != null) {
                    union(left, valueNode(c.getRightHandExpression()));
                } else if (right != null && ValueRefs.of(c.getLeftHandExpression()) != null) {
                    union(right, valueNode(c.getLeftHandExpression()));
                }
            }
        }
    }

    private Object valueNode(SqmExpression<?> e) {
        return valueNodes.computeIfAbsent(analysis.render(e), k -> new Object());
    }

    private static List<SqmPredicate> conjuncts(SqmPredicate predicate) {
        List<SqmPredicate> out = new ArrayList<>();
        addConjuncts(predicate, out);
        return out;
    }

    private static void addConjuncts(SqmPredicate predicate, List<SqmPredicate> out) {
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
}
