package io.github.shardingorm.internal.query.statement;

import io.github.shardingorm.internal.query.plan.SelectShape;
import io.github.shardingorm.internal.query.plan.SortKey;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.query.criteria.HibernateCriteriaBuilder;
import org.hibernate.query.sqm.tree.expression.SqmAliasedNodeRef;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.predicate.SqmPredicate;
import org.hibernate.query.sqm.tree.select.SqmQuerySpec;

/**
 * Keyset pagination on one shard: only rows strictly after the given ORDER BY values, in the
 * query's own order (direction and NULLS FIRST/LAST included) — the disjunction over i of "the
 * first i keys equal, key i after". Values are literals: parameters added after parsing are not
 * registered with an HQL statement. On a query grouped by a shard key (each shard's groups final)
 * the predicate is a HAVING: its sort values may be aggregates.
 */
final class KeysetPredicate {

    private KeysetPredicate() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void apply(SqmQuerySpec<?> spec, SelectShape shape, Object[] after) {
        HibernateCriteriaBuilder cb = spec.nodeBuilder();
        List<SortKey> order = shape.order();
        List<SqmExpression<?>> keys = new ArrayList<>();
        for (int i = 0; i < after.length; i++) {
            keys.add(sortExpression(spec, shape, i));
        }
        List<Predicate> disjuncts = new ArrayList<>();
        for (int i = 0; i < after.length; i++) {
            List<Predicate> conjuncts = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                SqmExpression e = keys.get(j);
                conjuncts.add(after[j] == null ? cb.isNull(e) : cb.equal(e, cb.literal(after[j])));
            }
            SortKey key = order.get(i);
            SqmExpression e = keys.get(i);
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
        SqmPredicate keyset = (SqmPredicate) (disjuncts.isEmpty() ? cb.disjunction() : cb.or(disjuncts.toArray(Predicate[]::new)));
        if (spec.getGroupByClauseExpressions().isEmpty()) {
            spec.applyPredicate(keyset);
        } else {
            // grouped by a shard key: the sort values are group keys and aggregates (count(a), avg(x)), compared per group
            SqmPredicate having = spec.getHavingClausePredicate();
            spec.setHavingClausePredicate(having == null ? keyset : (SqmPredicate) cb.and(having, keyset));
        }
    }

    /**
     * The expression of ORDER BY item {@code i} on the shard: its select column, but for an AVG the
     * shards return as numeric text ({@link SelectShape#numericText}) the average itself (as the
     * shards' ORDER BY has it), compared as the numeric PostgreSQL orders, not as text.
     */
    private static SqmExpression<?> sortExpression(SqmQuerySpec<?> spec, SelectShape shape, int i) {
        int column = shape.order().get(i).column();
        if (shape.numericText().contains(column) && i < spec.getSortSpecifications().size()
                && !(spec.getSortSpecifications().get(i).getSortExpression() instanceof SqmAliasedNodeRef)) {
            return spec.getSortSpecifications().get(i).getSortExpression();
        }
        return (SqmExpression<?>) spec.getSelectClause().getSelections().get(column).getSelectableNode();
    }
}
