package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.internal.engine.RoutingErrors;
import io.github.shardingorm.internal.engine.ShardRouter;
import io.github.shardingorm.internal.engine.ShardedEntityModel;
import java.util.Objects;
import org.hibernate.engine.spi.EntityEntry;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.engine.spi.Status;
import org.hibernate.event.spi.FlushEntityEvent;
import org.hibernate.event.spi.FlushEntityEventListener;
import org.hibernate.event.spi.MergeContext;
import org.hibernate.event.spi.MergeEvent;
import org.hibernate.event.spi.MergeEventListener;
import org.hibernate.event.spi.PersistContext;
import org.hibernate.event.spi.PersistEvent;
import org.hibernate.event.spi.PersistEventListener;

/**
 * Event listeners that keep every row on the shard its key routes to.
 *
 * <ul>
 *   <li>persist / merge (prepended, so they run before Hibernate does anything): the entity's key
 *       must route to the session's shard, and must not be null;</li>
 *   <li>flush-entity (appended, after Hibernate's dirty check and before any SQL of the flush
 *       runs): the key of a persistent entity must not change.</li>
 * </ul>
 */
final class ShardGuards implements PersistEventListener, MergeEventListener, FlushEntityEventListener {

    private final ShardRouter router;

    ShardGuards(ShardRouter router) {
        this.router = router;
    }

    @Override
    public void onPersist(PersistEvent event) {
        check(event.getObject(), event.getSession(), "persist");
    }

    @Override
    public void onPersist(PersistEvent event, PersistContext createdAlready) {
        check(event.getObject(), event.getSession(), "persist");
    }

    @Override
    public void onMerge(MergeEvent event) {
        check(event.getOriginal(), event.getSession(), "merge");
    }

    @Override
    public void onMerge(MergeEvent event, MergeContext copiedAlready) {
        check(event.getOriginal(), event.getSession(), "merge");
    }

    private void check(Object entity, SharedSessionContractImplementor session, String operation) {
        if (entity == null) {
            return;
        }
        ShardedEntityModel model = router.modelOrNull(entity.getClass());
        if (model == null) {
            return;
        }
        Object key = router.keyOf(model, entity);
        String keyShard = router.shardOfKey(model, key);
        String sessionShard = String.valueOf(session.getTenantIdentifierValue());
        if (!keyShard.equals(sessionShard)) {
            throw RoutingErrors.wrongShard(model, key, keyShard, sessionShard, operation);
        }
    }

    @Override
    public void onFlushEntity(FlushEntityEvent event) {
        EntityEntry entry = event.getEntityEntry();
        if (entry == null || entry.getStatus() != Status.MANAGED) {
            return;
        }
        Object[] loaded = entry.getLoadedState();
        Object[] current = event.getPropertyValues();
        if (loaded == null || current == null) {
            return;
        }
        ShardedEntityModel model = router.modelOrNull(event.getEntity().getClass());
        if (model == null || model.idRouting() == ShardedEntityModel.IdRouting.ID_IS_KEY) {
            return;
        }
        int index = entry.getPersister().getPropertyIndex(model.keyAttribute());
        Object before = loaded[index];
        Object after = current[index];
        boolean changed = (before == null) != (after == null)
                || (before != null && !Objects.equals(model.keyType().normalize(before), model.keyType().normalize(after)));
        if (changed) {
            throw RoutingErrors.keyChanged(model, entry.getId(), before, after,
                    String.valueOf(event.getSession().getTenantIdentifierValue()));
        }
    }
}
