package io.github.shardingorm.internal.query.statement;

import io.github.shardingorm.internal.query.plan.QueryPlan;
import jakarta.persistence.criteria.CriteriaQuery;
import org.hibernate.query.sqm.tree.SqmCopyContext;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;

/**
 * The statement one shard runs in a fan-out: the plan's per-shard select, copied for every
 * execution (a query's tree must not be shared while Hibernate interprets it), with the keyset
 * predicate of {@code after(...)} added to the copy ({@link KeysetPredicate}). The per-shard rows
 * are {@code Object[]}.
 */
public final class ShardStatement {

    private ShardStatement() {
    }

    /**
     * A fresh copy to run on one shard.
     *
     * @param after keyset values (one per ORDER BY item), or null
     */
    public static CriteriaQuery<Object[]> fanOut(QueryPlan.SelectShape shape, Object[] after) {
        SqmSelectStatement<?> template = shape.shardSelect();
        SqmSelectStatement<Object[]> copy;
        synchronized (template) { // copying may touch the source's lazily built path caches
            copy = template.createCopy(SqmCopyContext.simpleContext(), Object[].class);
        }
        if (after != null) {
            KeysetPredicate.apply(copy.getQuerySpec(), shape.order(), after);
        }
        return copy;
    }

    /** The per-shard query for messages and tests (HQL-like; Hibernate's rendering). */
    public static String describe(QueryPlan.SelectShape shape, Object[] after) {
        try {
            return ((SqmSelectStatement<?>) fanOut(shape, after)).toHqlString();
        } catch (RuntimeException e) {
            return shape.shardSelect().toString();
        }
    }
}
