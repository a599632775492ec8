package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.internal.routing.RoutingErrors;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.spi.PreDeleteEvent;
import org.hibernate.event.spi.PreDeleteEventListener;
import org.hibernate.event.spi.PreInsertEvent;
import org.hibernate.event.spi.PreInsertEventListener;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpdateEventListener;
import org.hibernate.event.spi.PreUpsertEvent;
import org.hibernate.event.spi.PreUpsertEventListener;

/**
 * The guards of {@link ShardGuards} for a {@code StatelessSession} (Jakarta Data repositories use
 * one), which fires no persist, merge or flush events: before each insert, update or upsert the
 * entity's key must route to the session's shard, and a {@code @ReferenceTable} entity is never
 * written on one shard. Stateful sessions are left to {@link ShardGuards} (nothing is checked twice).
 */
final class StatelessGuards implements PreInsertEventListener, PreUpdateEventListener, PreUpsertEventListener, PreDeleteEventListener {

    private final ShardRouter router;

    StatelessGuards(ShardRouter router) {
        this.router = router;
    }

    @Override
    public boolean onPreInsert(PreInsertEvent event) {
        check(event.getEntity(), event.getSession(), "insert");
        return false;
    }

    @Override
    public boolean onPreUpdate(PreUpdateEvent event) {
        check(event.getEntity(), event.getSession(), "update");
        return false;
    }

    @Override
    public boolean onPreUpsert(PreUpsertEvent event) {
        check(event.getEntity(), event.getSession(), "upsert");
        return false;
    }

    @Override
    public boolean onPreDelete(PreDeleteEvent event) {
        if (!(event.getSession() instanceof SessionImplementor) && event.getEntity() != null) {
            Class<?> reference = router.referenceClassOf(event.getEntity().getClass());
            if (reference != null) {
                throw RoutingErrors.referenceWrittenOnOneShard(reference, "delete", event.getSession().getTenantIdentifierValue());
            }
        }
        return false;
    }

    private void check(Object entity, SharedSessionContractImplementor session, String operation) {
        if (entity == null || session instanceof SessionImplementor) {
            return;
        }
        ShardedEntityModel model = router.modelOrNull(entity.getClass());
        if (model == null) {
            Class<?> reference = router.referenceClassOf(entity.getClass());
            if (reference != null) {
                throw RoutingErrors.referenceWrittenOnOneShard(reference, operation, session.getTenantIdentifierValue());
            }
            return;
        }
        Object key = router.keyOf(model, entity);
        String keyShard = router.shardOfKeyForCheck(model, key);
        String sessionShard = String.valueOf(session.getTenantIdentifierValue());
        if (!keyShard.equals(sessionShard)) {
            throw RoutingErrors.wrongShard(model, key, keyShard, sessionShard, operation + " (stateless session)");
        }
    }
}
