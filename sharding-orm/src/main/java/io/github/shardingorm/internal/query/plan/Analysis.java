package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.query.UnsupportedShardQueryException;
import org.hibernate.query.sqm.tree.SqmRenderContext;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.query.sqm.tree.SqmVisitableNode;
import org.hibernate.query.sqm.tree.from.SqmFrom;

/**
 * What the steps of one analysis share: the query text for messages, one rendering context (so
 * that aliases and renderings agree), and the first reason found why the query cannot fan out
 * (it may still run on the one shard its key pins). Not thread-safe; used once.
 */
final class Analysis {

    private final String hql;
    private final SqmRenderContext context = SqmRenderContext.simpleContext();
    private String fanOutRejection;

    Analysis(String hql) {
        this.hql = hql;
    }

    String hql() {
        return hql;
    }

    /** Why the query cannot run on several shards, or null when it can. */
    String fanOutRejection() {
        return fanOutRejection;
    }

    /** Records that {@code construct} cannot be merged across shards; the first reason wins. */
    void rejectFanOut(String construct, String reason) {
        if (fanOutRejection == null) {
            fanOutRejection = construct + " (" + reason + ")";
        }
    }

    /** A construct no sharded execution can answer exactly, whatever the keys. */
    UnsupportedShardQueryException unsupported(String construct, String reason) {
        return new UnsupportedShardQueryException(construct, reason, hql);
    }

    /** Walks the whole statement; a construct the walker cannot visit is refused rather than guessed at. */
    StatementStructure structure(SqmStatement<?> statement) {
        try {
            return StatementStructure.of(statement);
        } catch (RuntimeException e) {
            throw unsupported("a construct sharding-orm cannot analyze (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    "co-location of its joins and subqueries cannot be verified");
        }
    }

    String render(SqmVisitableNode node) {
        StringBuilder sb = new StringBuilder();
        node.appendHqlString(sb, context);
        return sb.toString();
    }

    String alias(SqmFrom<?, ?> from) {
        return context.resolveAlias(from);
    }
}
