package io.github.shardingorm.internal.query.statement;

import io.github.shardingorm.internal.query.plan.SortKey;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.query.criteria.HibernateCriteriaBuilder;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.predicate.SqmPredicate;
import org.hibernate.query.sqm.tree.select.SqmQuerySpec;
import org.hibernate.query.sqm.tree.select.SqmSelection;

/**
 * Keyset pagination on one shard: only rows strictly after the given ORDER BY values, in the
 * query's own order (direction and NULLS FIRST/LAST included) — the disjunction over i of "the
 * first i keys equal, key i after". Values are literals: parameters added after parsing are not
 * registered with an HQL statement.
 */
final class KeysetPredicate {

    private KeysetPredicate() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void apply(SqmQuerySpec<?> spec, List<SortKey> order, Object[] after) {
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
}
