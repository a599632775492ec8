package io.github.shardingorm.internal.query.statement;

import io.github.shardingorm.internal.query.plan.QueryPlan;
import io.github.shardingorm.internal.query.plan.SelectShape;
import jakarta.persistence.criteria.CriteriaQuery;
import org.hibernate.query.QueryProducer;
import org.hibernate.query.SelectionQuery;
import org.hibernate.query.sqm.tree.SqmCopyContext;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;

/**
 * What one shard is asked. On the direct path (one shard, no keyset) the query as written: the HQL,
 * or a copy of the criteria query, with the caller's result type and Hibernate's own pagination.
 * In a fan-out the plan's per-shard select, rows of {@code Object[]}, with the keyset predicate of
 * {@code after(...)} added ({@link KeysetPredicate}). Trees are copied for every execution: a
 * query's tree must not be shared while Hibernate interprets it.
 */
public final class ShardStatement {

    private ShardStatement() {
    }

    /**
     * A fresh copy to run on one shard.
     *
     * @param after keyset values (one per ORDER BY item), or null
     */
    public static CriteriaQuery<Object[]> fanOut(SelectShape shape, Object[] after) {
        SqmSelectStatement<?> template = shape.shardSelect();
        SqmSelectStatement<Object[]> copy;
        synchronized (template) { // copying may touch the source's lazily built path caches
            copy = template.createCopy(SqmCopyContext.simpleContext(), Object[].class);
        }
        if (after != null) {
            KeysetPredicate.apply(copy.getQuerySpec(), shape, after);
        }
        return copy;
    }

    /** The query as written, for the one shard of the direct path. */
    @SuppressWarnings("unchecked")
    public static <R> SelectionQuery<R> direct(QueryPlan plan, Class<R> resultType, QueryProducer session) {
        if (plan.criteria() == null) {
            return session.createSelectionQuery(plan.hql(), resultType);
        }
        SqmSelectStatement<?> asWritten = plan.criteria();
        CriteriaQuery<R> copy;
        synchronized (asWritten) {
            copy = (CriteriaQuery<R>) asWritten.copy(SqmCopyContext.simpleContext());
        }
        return session.createSelectionQuery(copy);
    }

    /** The per-shard query for messages and tests (HQL-like; Hibernate's rendering). */
    public static String describe(SelectShape shape, Object[] after) {
        try {
            return ((SqmSelectStatement<?>) fanOut(shape, after)).toHqlString();
        } catch (RuntimeException e) {
            return shape.shardSelect().toString();
        }
    }
}
